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
