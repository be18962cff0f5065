"""Searching the audit log as a use case, called without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import audit
from app.tables.audit import AuditEntry
from tests.factories import make_actor
from tests.helpers import sync


def entry(operation, actor="alice", at=None, record_id="7"):
    AuditEntry(
        operation=operation,
        record_type="person",
        record_id=record_id,
        actor_username=actor,
        at=at or datetime.now(UTC),
    ).save().run_sync()


def test_search_filters_newest_first_and_pages():
    supervisor = make_actor("supervisor")
    entry("consultation")
    entry("alteration", actor="bob")
    entry("consultation", at=datetime.now(UTC) - timedelta(days=40))
    found = sync(audit.search(supervisor, {"person": " Alice ", "operation": "consultation"}))
    assert len(found.entries) == 2 and not found.more and not found.errors
    assert found.entries[0]["id"] > found.entries[1]["id"]  # the latest written first
    since = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    assert len(sync(audit.search(supervisor, {"date_from": since})).entries) == 2
    for n in range(audit.PAGE_SIZE):
        entry("consultation", record_id=str(n))
    first = sync(audit.search(supervisor, {}))
    assert len(first.entries) == audit.PAGE_SIZE and first.more
    assert len(sync(audit.search(supervisor, {}, page_number=2)).entries) == 3


def test_bad_filters_give_errors_and_no_entries():
    entry("consultation")
    found = sync(
        audit.search(
            make_actor("admin"),
            {"operation": "nonsense", "date_from": "2026-11-21", "date_to": "2026-11-01"},
        )
    )
    assert found.entries == []
    assert found.errors == {
        "operation": "Choose an operation from the list",
        "date_to": "The end date must be the same as or after the start date",
    }


def test_search_by_part_of_a_display_name_or_username_or_the_pickers_label():
    from tests.factories import make_person

    jo = make_person("pcso", username="jo.bloggs", display_name="Jo  Bloggs")
    sam = make_person("pcso", username="sam.p", display_name="Samira Patel")
    AuditEntry(
        operation="consultation", record_type="person", actor=jo.id, actor_username="jo.bloggs"
    ).save().run_sync()
    AuditEntry(
        operation="consultation", record_type="person", actor=sam.id, actor_username="sam.p"
    ).save().run_sync()
    entry("sign-in-failed", actor="nobody.here")  # no such person: the username typed
    admin = make_actor("admin")

    def who(text):
        return [e["actor_username"] for e in sync(audit.search(admin, {"person": text})).entries]

    assert who("bloggs") == ["jo.bloggs"]
    assert who("SAMIRA") == ["sam.p"]
    assert who("jo bloggs") == ["jo.bloggs"]
    assert who("Samira Patel (sam.p)") == ["sam.p"]
    assert who("nobody.here") == ["nobody.here"]
    assert who("zzz") == []


def test_the_page_offers_record_types_by_label_and_people_to_pick():
    from tests.factories import make_person

    make_person("pcso", username="jo.bloggs", display_name="Jo Bloggs")
    for record_type in ("home_visit", "person", "home_visit"):
        AuditEntry(operation="consultation", record_type=record_type).save().run_sync()
    choices = sync(audit.search_choices(make_actor("admin")))
    assert choices["record_types"] == [("home_visit", "Home visit"), ("person", "Person")]
    assert ("jo.bloggs", "Jo Bloggs (jo.bloggs)") in choices["people"]
