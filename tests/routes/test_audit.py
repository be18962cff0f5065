"""The audit log: searched by admins and supervisors, never changed through the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.routes import HTTPRoute

from app.tables.audit import AuditEntry
from tests.factories import make_person
from tests.helpers import field_error, html


def entry(operation, record_type="person", record_id="1", actor="someone", at=None):
    row = AuditEntry(
        operation=operation,
        record_type=record_type,
        record_id=record_id,
        actor_username=actor,
        at=at or datetime.now(UTC),
    )
    row.save().run_sync()
    return row


def rows(response):
    return [
        [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in html(response).select("tbody tr")
        if len(tr.find_all("td")) > 1
    ]


def test_search_by_person_record_operation_and_date(as_role):
    supervisor = as_role("supervisor")
    entry("consultation", "person", "7", actor="alice")
    entry("alteration", "person", "7", actor="bob")
    entry("consultation", "engagement", "3", actor="alice")
    entry("consultation", "person", "9", actor="alice", at=datetime.now(UTC) - timedelta(days=40))

    by_person = rows(supervisor.get("/audit?person=alice"))
    assert [r[1] for r in by_person] == ["alice", "alice", "alice"]
    by_record = rows(supervisor.get("/audit?record_type=person&record_id=7"))
    assert sorted(r[2] for r in by_record) == ["alteration", "consultation"]
    by_op = rows(supervisor.get("/audit?operation=alteration"))
    assert [r[1] for r in by_op] == ["bob"]
    since = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    recent = rows(supervisor.get(f"/audit?person=alice&date_from={since}"))
    assert len(recent) == 2


def test_bad_filters_get_a_message_beside_the_field(as_role):
    response = as_role("admin").get("/audit?date_from=yesterday&operation=nonsense")
    assert response.status_code == 400
    assert field_error(response, "date_from") == "Enter a date like 2026-11-21"
    assert field_error(response, "operation") == "Choose an operation from the list"


def test_no_route_can_change_or_delete_audit_entries(app):
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/audit"):
            for handler in route.route_handlers:
                assert handler.http_methods <= {"GET", "HEAD", "OPTIONS"}, route.path


def test_pcsos_volunteers_and_mentors_cannot_read_the_audit_log(as_role):
    make_person("pcso")
    for role in ("pcso", "officer", "volunteer", "mentor"):
        assert as_role(role).get("/audit").status_code == 403
