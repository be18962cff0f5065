"""Supervisors keep a team area's priorities and key contacts; the briefing shows them."""

from __future__ import annotations

from app.tables.audit import AuditEntry
from app.tables.briefing import AreaPriority, KeyContact
from tests.factories import make_team
from tests.helpers import field_error, html, summary_links


def test_a_priority_with_errors_stores_nothing_and_says_why(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    response = supervisor.post(
        f"/briefing/area/{team.id}/priorities",
        {"issue": "", "action": "Patrols", "starts_on": "2026-11-01", "ends_on": "2026-10-01"},
    )
    assert response.status_code == 400
    assert field_error(response, "issue") == "Enter the issue"
    assert (
        field_error(response, "ends_on")
        == "The review date must be on or after the date it was set"
    )
    assert set(summary_links(response)) == {"issue", "ends_on"}
    assert AreaPriority.count().run_sync() == 0


def test_priorities_and_contacts_reach_the_briefing(as_role):
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    assert (
        supervisor.post(
            f"/briefing/area/{team.id}/priorities",
            {
                "issue": "ASB at the shops",
                "action": "Foot patrols after school",
                "starts_on": "2026-11-01",
            },
        ).status_code
        == 303
    )
    assert (
        supervisor.post(
            f"/briefing/area/{team.id}/contacts",
            {"name": "Pat Example", "role": "Residents' chair", "how_to_contact": "07700 900000"},
        ).status_code
        == 303
    )
    assert (
        AuditEntry.count()
        .where((AuditEntry.record_type == "key-contact") & (AuditEntry.operation == "collection"))
        .run_sync()
        == 1
    )
    officer = as_role("pcso", home_team=team.id)
    briefing = officer.get("/briefing")
    pcso = html(briefing)
    assert "ASB at the shops" in pcso.select_one(".priorities").get_text()
    # The page (kept on the phone) names no contact: it fetches them, sent no-store.
    assert "Pat Example" not in briefing.text
    assert (
        AuditEntry.count()
        .where((AuditEntry.record_type == "key-contact") & (AuditEntry.operation == "consultation"))
        .run_sync()
        == 0
    )
    fetch = pcso.select_one("#key-contacts")["hx-get"]
    contacts = officer.get(fetch, headers={"HX-Request": "true"})
    assert contacts.headers["cache-control"] == "no-store"
    assert "Pat Example" in html(contacts).select_one(".contacts").get_text()
    assert (
        AuditEntry.count()
        .where((AuditEntry.record_type == "key-contact") & (AuditEntry.operation == "consultation"))
        .run_sync()
        == 1
    )
    volunteer = html(as_role("volunteer", home_team=team.id).get("/briefing"))
    assert "ASB at the shops" in volunteer.select_one(".priorities").get_text()
    assert volunteer.select_one(".contacts") is None  # contacts are for police roles
    assert volunteer.select_one("#key-contacts") is None
    assert as_role("volunteer", home_team=team.id).get(fetch).status_code == 403
    contact = KeyContact.select().first().run_sync()
    supervisor.post(f"/briefing/area/{team.id}/contacts/{contact['id']}/delete")
    assert KeyContact.count().run_sync() == 0
    assert AuditEntry.count().where(AuditEntry.operation == "erasure").run_sync() == 1
