"""Peer mentoring's use cases, called without HTTP (as the demo calls them)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from app.mentoring import coordinators, disclosure, outcomes, service
from app.mentoring.forms import ClientForm, ContactForm
from app.outcomes import NotAllowed, NotFound
from app.tables.audit import AuditEntry
from app.tables.mentoring import MentorClient, MentorContact, MentorGoal, PoliceCallCount
from tests.factories import make_actor
from tests.helpers import sync


def new_client(mentor, reference="PM-1", start="2026-01-10") -> int:
    values, errors = ClientForm.parse(
        {"reference": reference, "start_date": start, "consent_recorded": "yes"}
    )
    assert not errors, errors
    client_id, errors = sync(service.add_client(mentor, values))
    assert errors == {}
    return client_id


def contact(**extra) -> dict:
    values, errors = ContactForm.parse(
        {
            "uuid": str(uuid.uuid4()),
            "kind": "meeting",
            "contact_date": date.today().isoformat(),
            "note": "Talked",
            **extra,
        }
    )
    assert not errors, errors
    return values


def coordinator():
    admin, boss = make_actor("admin"), make_actor("supervisor")
    sync(coordinators.make_coordinator(admin, boss.id))
    return boss


def test_a_mentor_adds_a_client_once_by_reference_and_lists_their_own():
    mentor = make_actor("mentor")
    client_id = new_client(mentor)
    values, _ = ClientForm.parse(
        {"reference": "PM-1", "start_date": "2026-01-10", "consent_recorded": "yes"}
    )
    assert sync(service.add_client(mentor, values)) == (
        None,
        {"reference": "That reference is used already: choose another"},
    )
    shown = sync(service.clients(mentor))
    assert [c["id"] for c in shown["clients"]] == [client_id]
    assert shown["is_mentor"] and shown["lists_clients"] and not shown["coordinator"]
    assert sync(service.clients(make_actor("mentor")))["clients"] == []
    assert sync(service.clients(make_actor("supervisor")))["lists_clients"] is False


def test_contacts_goals_and_the_plan_are_the_mentors():
    mentor, other = make_actor("mentor"), make_actor("mentor")
    client_id = new_client(mentor)
    values = contact(duration_minutes="30")
    first = sync(service.add_contact(mentor, client_id, values))
    assert first[1:] == (True, {})
    assert sync(service.add_contact(mentor, client_id, values)) == (first[0], False, {})
    # Another mentor's client is as missing as one that does not exist; the coordinator reads
    # the client (so may know it exists) but records no contacts with them.
    for not_theirs in (
        service.add_contact(other, client_id, contact()),
        service.client_for(other, client_id),
        service.client_page(other, client_id),
        service.add_goal(other, client_id, {"title": "x"}),
        service.change_client(other, client_id, {"status": "closed", "exit_plan": ""}),
        service.client_for(mentor, client_id + 100),
    ):
        with pytest.raises(NotFound):
            sync(not_theirs)
    assert sync(AuditEntry.count().where(AuditEntry.actor == other.id)) == 0  # nothing looked at
    with pytest.raises(NotAllowed):
        sync(service.client_for(coordinator(), client_id, as_mentor=True))
    _, _, errors = sync(service.add_contact(mentor, client_id, contact(agency="999")))
    assert errors == {"agency": "Choose an agency from the directory"}
    assert sync(MentorContact.count()) == 1
    goal_id = sync(service.add_goal(mentor, client_id, {"title": "See a GP"}))
    assert sync(service.set_goal_progress(mentor, goal_id, "achieved")) == client_id
    assert sync(MentorGoal.select(MentorGoal.progress).first())["progress"] == "achieved"
    sync(service.change_client(mentor, client_id, {"status": "paused", "exit_plan": "Plan"}))
    page = sync(service.client_page(mentor, client_id))
    assert page["client"]["status"] == "paused" and page["is_mentor"]
    assert [c["duration_minutes"] for c in page["contacts"]] == [30]
    assert sync(service.client_page(coordinator(), client_id))["is_mentor"] is False


def test_a_note_is_the_mentors_and_the_coordinators_and_risk_is_disclosed_to_police():
    mentor = make_actor("mentor")
    client_id = new_client(mentor)
    quiet, _, _ = sync(service.add_contact(mentor, client_id, contact()))
    risky, _, _ = sync(service.add_contact(mentor, client_id, contact(is_risk="yes")))
    assert sync(disclosure.contact(mentor, quiet))["note"] == "Talked"
    assert sync(disclosure.contact(coordinator(), quiet))["id"] == quiet
    officer = make_actor("officer")
    # A note someone may not read is as missing as one that does not exist.
    for reader, note in (
        (officer, quiet),
        (make_actor("volunteer"), risky),
        (make_actor("mentor"), quiet),
    ):
        with pytest.raises(NotFound):
            sync(disclosure.contact(reader, note))
        assert sync(AuditEntry.count().where(AuditEntry.actor == reader.id)) == 0
    with pytest.raises(NotFound):
        sync(disclosure.contact(officer, risky + 100))
    assert sync(disclosure.contact(officer, risky))["id"] == risky
    assert [r["id"] for r in sync(disclosure.risk_information(officer))] == [risky]
    disclosures = sync(AuditEntry.select().where(AuditEntry.operation == "disclosure"))
    assert [(d["record_id"], d["actor"]) for d in disclosures] == [(str(risky), officer.id)] * 2


def test_coordinators_are_marked_by_admins():
    admin, boss = make_actor("admin"), make_actor("supervisor")
    assert sync(coordinators.toggle(admin, boss.id)) is True
    assert boss.id in sync(coordinators.supervisors(admin))["marked"]
    assert sync(service.is_coordinator(boss)) is True
    assert sync(coordinators.toggle(admin, boss.id)) is False
    with pytest.raises(NotFound):
        sync(coordinators.toggle(admin, make_actor("mentor").id))


def test_outcome_figures_entered_and_imported_by_the_coordinator_only():
    mentor = make_actor("mentor")
    new_client(mentor, "PM-1", "2026-01-10")
    boss = coordinator()
    plain = make_actor("supervisor")
    figure = {"client": "PM-1", "month": "2025-12", "calls": "10"}
    assert sync(outcomes.enter_figure(plain, figure)) == {"calls": outcomes.NOT_COORDINATOR}
    assert sync(outcomes.enter_figure(boss, {**figure, "client": "PM-9"}))["calls"].startswith(
        "Figure: no client"
    )
    assert sync(outcomes.enter_figure(boss, figure)) == {}
    count, errors = sync(outcomes.import_figures(boss, "reference,month,calls\nPM-1,2026-02,4"))
    assert (count, errors) == (1, {})
    count, errors = sync(outcomes.import_figures(boss, "reference,month,calls\nPM-1,soon,4"))
    assert count == 0 and "Line 2" in errors["csv"]
    assert sync(PoliceCallCount.count()) == 2
    page = sync(outcomes.outcome_page(boss))
    assert page["programme"]["change"] == -60 and page["coordinator"]
    assert [c["reference"] for c in sync(outcomes.outcome_page(mentor))["per_client"]] == ["PM-1"]
    assert sync(outcomes.outcome_page(plain))["per_client"] == []
    assert sync(MentorClient.count()) == 1
