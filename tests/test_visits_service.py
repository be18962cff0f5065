"""The visits use cases called without HTTP: each takes an Actor, as the demo and benches do."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.demo import visits as demo_visits
from app.outcomes import NotFound
from app.tables.audit import AuditEntry
from app.tables.places import TeamArea
from app.tables.taskings import Tasking, TaskingAssignment
from app.tables.visits import (
    ChecklistTemplate,
    FollowUp,
    HomeVisit,
    Referral,
    ReferralState,
    VisitAnswer,
    VisitState,
)
from app.visits import coverage, editor, outcomes, service, store
from app.visits.forms import QuestionForm, SectionChange, StartVisit
from tests.factories import actor_of, make_actor, make_person, make_team
from tests.helpers import sync
from tests.taskings_helpers import make_profile

CALM = {
    "door_locks": "yes",
    "burgled": "no",
    "vehicle": "None",
    "falls": "no",
    "smoke_alarm": "yes",
    "children": "0",
    "lonely": "Never",
    "low_mood": "no",
    "asb": "no",
    "food": "yes",
}


def started(actor, **form) -> str:
    values, errors = StartVisit.parse(
        {"uuid": str(uuid.uuid4()), "consent": "yes", "address": "1 Test Street", **form}
    )
    result = sync(service.start(actor, values, errors))
    assert not result.errors, result.errors
    return result.uuid


def answered(actor, visit_uuid, **overrides) -> None:
    for key, value in {**CALM, **overrides}.items():
        result = sync(service.answer(actor, visit_uuid, key, [value], 1000))
        assert result.error is None, key


def audit_details(record_type: str) -> list[str]:
    rows = sync(AuditEntry.select(AuditEntry.detail).where(AuditEntry.record_type == record_type))
    return [r["detail"] for r in rows]


def test_start_answer_and_submit_make_referrals_follow_ups_and_their_taskings():
    team = make_team()
    actor = make_actor("pcso", home_team=team.id)
    visit_uuid = started(actor, team=str(team.id))
    answered(actor, visit_uuid, smoke_alarm="no", food="no")
    errors = sync(service.submit(actor, visit_uuid, {"fire": "made"}))
    assert errors == {"referral_food-bank": "Choose what to do about the food bank referral"}
    assert sync(service.submit(actor, visit_uuid, {"fire": "made", "food-bank": "drop"})) == {}
    visit = sync(HomeVisit.select().where(HomeVisit.uuid == visit_uuid).first())
    assert visit["state"] == VisitState.SUBMITTED
    referrals = sync(Referral.select(Referral.agency_kind, Referral.state))
    assert referrals == [{"agency_kind": "fire", "state": ReferralState.MADE}]
    followups = sync(FollowUp.select())
    assert len(followups) == 2 and all(f["tasking_id"] for f in followups)
    parts = sync(TaskingAssignment.select(TaskingAssignment.person, TaskingAssignment.state))
    assert parts == [{"person": actor.id, "state": "assigned"}] * 2
    assert any(d.startswith("submitted; referrals fire made") for d in audit_details("home_visit"))
    # Sent again: nothing more is made.
    assert sync(service.submit(actor, visit_uuid, {"fire": "made", "food-bank": "drop"})) == {}
    assert sync(Tasking.count()) == 2 and sync(Referral.count()) == 1


def test_a_submission_whose_tasking_fails_keeps_nothing(monkeypatch):
    from app.taskings import service as taskings

    actor = make_actor("officer")
    visit_uuid = started(actor)
    answered(actor, visit_uuid, burgled="yes")

    async def broken(actor, values, staff_ids):
        raise RuntimeError("push outbox unavailable")

    monkeypatch.setattr(taskings, "create", broken)
    with pytest.raises(RuntimeError):
        sync(service.submit(actor, visit_uuid))
    visit = sync(HomeVisit.select().where(HomeVisit.uuid == visit_uuid).first())
    assert visit["state"] == VisitState.IN_PROGRESS
    assert sync(FollowUp.count()) == 0
    assert not any(d.startswith("submitted") for d in audit_details("home_visit"))


def test_a_volunteer_not_fit_for_visits_is_refused_and_a_fit_one_may_start():
    volunteer = make_person("volunteer")
    actor = actor_of(volunteer)
    with pytest.raises(service.NotFit) as refused:
        sync(service.new_visit(actor))
    assert "needs full vetting" in str(refused.value)
    values, errors = StartVisit.parse({"consent": "yes", "address": "2 Lane"})
    with pytest.raises(service.NotFit):
        sync(service.start(actor, values, errors))
    assert sync(HomeVisit.count()) == 0
    make_profile(volunteer)
    assert sync(service.why_not_visit(actor)) is None
    assert sync(service.new_visit(actor))["source"] is None


def test_start_declined_keeps_no_household_and_a_bad_tasking_is_refused():
    actor = make_actor("pcso")
    visit_uuid = started(actor, consent="no", address="9 Private Road")
    visit = sync(HomeVisit.select().where(HomeVisit.uuid == visit_uuid).first())
    assert (visit["state"], visit["address"]) == (VisitState.DECLINED, "")
    values, errors = StartVisit.parse(
        {"uuid": str(uuid.uuid4()), "consent": "yes", "address": "1 Road", "tasking": "999"}
    )
    result = sync(service.start(actor, values, errors))
    assert result.errors == {"tasking": "That tasking is not an open home visit of yours"}
    assert sync(service.visit_tasking(actor, 999)) is None


def test_listing_opening_checking_a_section_and_discarding():
    team = make_team()
    actor = make_actor("pcso", home_team=team.id)
    other = make_actor("volunteer", home_team=team.id)
    visit_uuid = started(actor, team=str(team.id))
    listed = sync(service.listing(actor))
    assert [v["uuid"] for v in listed["mine"]] == [visit_uuid] and listed["not_fit"] is None
    with pytest.raises(NotFound):
        sync(service.open_visit(other, visit_uuid))
    shown = sync(service.open_visit(actor, visit_uuid))
    assert shown["editing"] and len(shown["content"]["sections"]) == 10
    saved = sync(service.save_section(actor, visit_uuid, 5, {"q_children": "99"}, 1000))
    assert saved["errors"] == {"q_children": "Enter a number from 0 to 15"}
    saved = sync(service.save_section(actor, visit_uuid, 5, {"q_children": "2"}, 1000))
    assert (saved["errors"], saved["number"], saved["total"]) == ({}, 5, 10)
    page = sync(service.check_page(actor, visit_uuid))
    assert "food" in page["missing"]
    with pytest.raises(NotFound):
        sync(service.check_page(other, visit_uuid))  # a volunteer may not read others' visits
    police = make_actor("officer")
    assert sync(service.check_page(police, visit_uuid)) is None  # may read it, not change it
    with pytest.raises(NotFound):
        sync(service.discard(other, visit_uuid))
    sync(service.discard(actor, visit_uuid))
    assert (sync(HomeVisit.count()), sync(VisitAnswer.count())) == (0, 0)
    assert "visit discarded" in audit_details("home_visit")


def test_follow_ups_and_referrals_move_on_for_whom_the_rule_allows():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    officer = make_actor("officer", home_team=team.id)
    volunteer = make_actor("volunteer", home_team=team.id)
    visit_uuid = started(pcso, team=str(team.id))
    answered(pcso, visit_uuid, food="no")
    sync(service.submit(pcso, visit_uuid, {"food bank": "suggested"}))
    listed = sync(outcomes.referrals(officer))
    [row] = listed["rows"]
    assert (row["may_move"], row["may_take_over"]) == (False, True)
    assert sync(outcomes.move_referral(officer, row["id"], "made")) is False
    assert sync(outcomes.move_referral(pcso, row["id"], "made")) is True
    assert sync(Referral.select(Referral.state).first())["state"] == ReferralState.MADE
    assert sync(outcomes.move_referral(officer, row["id"], "own")) is True
    with pytest.raises(NotFound):
        sync(outcomes.move_referral(volunteer, row["id"], "closed"))
    [followup] = sync(outcomes.followups(pcso))["rows"]
    assert followup["tasking"] is not None
    with pytest.raises(NotFound):
        sync(outcomes.followup_done(volunteer, followup["id"]))
    sync(outcomes.followup_done(pcso, followup["id"]))
    assert sync(outcomes.followups(pcso, done=True))["rows"][0]["done"] is True


def test_coverage_and_households():
    team = make_team("Abbey")
    supervisor = make_actor("supervisor", home_team=team.id)
    assert [a.team_id for a in sync(coverage.overview(supervisor))] == [team.id]
    sync(coverage.set_households(supervisor, team.id, 40))
    assert sync(TeamArea.select(TeamArea.households).first())["households"] == 40
    shown = sync(coverage.area(supervisor, team.id))
    assert shown["team"]["households"] == 40 and shown["svg"]["points"] == []
    with pytest.raises(NotFound):
        sync(coverage.area(supervisor, 99999))


def test_the_editor_saves_each_change_as_a_new_version():
    supervisor = make_actor("supervisor")
    sync(store.ensure_default_template())
    v1 = sync(ChecklistTemplate.select().first())
    values, _ = SectionChange.parse({"title": "Garden"})
    v2, errors = sync(editor.change_section(supervisor, v1["id"], values))
    assert not errors and v2 != v1["id"]
    values, _ = SectionChange.parse({"title": "Too late"})
    _, errors = sync(editor.change_section(supervisor, v1["id"], values))
    assert errors == {"title": editor.REPLACED}
    values, _ = QuestionForm.parse(
        {"section": "11", "text": "Is the gate locked?", "kind": "yesno"}
    )
    v3, errors = sync(editor.save_question(supervisor, v2, None, values))
    assert not errors
    row, content = sync(editor.template(supervisor, v3))
    assert content["sections"][-1]["questions"][0]["text"] == "Is the gate locked?"
    assert [t["id"] for t in sync(editor.checklists(supervisor))["current"]] == [v3]


def test_the_demo_visits_are_submitted_through_the_use_case_and_make_follow_up_taskings():
    from app.demo import load_all

    sync(load_all("demo password 1"))
    followups = sync(
        FollowUp.select(FollowUp.tasking_id, FollowUp.visit.visitor.username.as_alias("by"))
    )
    assert len(followups) >= 3 and all(f["tasking_id"] for f in followups)
    taskings = sync(
        Tasking.select(Tasking.kind, Tasking.mode).where(
            Tasking.id.is_in([f["tasking_id"] for f in followups])
        )
    )
    assert {(t["kind"], t["mode"]) for t in taskings} == {("home_visit", "assign")}
    # Each follow-up tasking is assigned to the staff member who made the visit.
    for f in followups:
        [part] = sync(
            TaskingAssignment.select(TaskingAssignment.person.username.as_alias("who")).where(
                TaskingAssignment.tasking == f["tasking_id"]
            )
        )
        assert part["who"] == f["by"]
    # Dated as made on the day: the visits' submissions are in the past, audited as a real one.
    submitted = sync(HomeVisit.select(HomeVisit.submitted_at))
    assert all(v["submitted_at"] < datetime.now(UTC) - timedelta(days=1) for v in submitted)
    assert len([d for d in audit_details("home_visit") if d.startswith("submitted")]) == len(
        demo_visits.VISITS
    )
