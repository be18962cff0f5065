"""The visits use cases called without HTTP: each takes an Actor, as the demo and benches do."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

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
from app.visits import checklist, coverage, editor, outcomes, service, store, views
from app.visits.consent import NeedsConsent
from app.visits.followups import followups_to_taskings
from app.visits.forms import QuestionForm, SectionChange, StartVisit
from tests.factories import actor_of, make_actor, make_person, make_team
from tests.helpers import sync
from tests.routes.test_visits import CALM
from tests.taskings_helpers import make_profile


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
    assert shown["editing"] and len(shown["content"]["sections"]) == 11
    saved = sync(service.save_section(actor, visit_uuid, 5, {"q_children": "99"}, 1000))
    assert saved["errors"] == {"q_children": "Enter a number from 0 to 15"}
    saved = sync(service.save_section(actor, visit_uuid, 5, {"q_children": "2"}, 1000))
    assert (saved["errors"], saved["number"], saved["total"]) == ({}, 5, 11)
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
    with pytest.raises(NeedsConsent):  # no consent to share recorded: not made
        sync(outcomes.move_referral(pcso, row["id"], "made"))
    assert sync(Referral.select(Referral.state).first())["state"] == ReferralState.SUGGESTED
    assert sync(outcomes.move_referral(pcso, row["id"], "made", {"consent": "given"})) is True
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
        {"section": "12", "text": "Is the gate locked?", "kind": "yesno"}
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


def test_start_choices_offer_the_current_checklists_and_the_team_areas_by_section():
    team = make_team("Abbey")
    actor = make_actor("pcso", home_team=team.id)
    section = sync(TeamArea.select(TeamArea.section.name.as_alias("s")).first())["s"]
    choices = sync(service.start_choices(actor))
    [v1] = sync(ChecklistTemplate.select(ChecklistTemplate.id))
    assert choices["templates"] == [(v1["id"], "Healthy, Safe, Secure home visit (version 1)")]
    assert choices["teams"] == [(section, [(team.id, "Abbey")])]
    # A changed checklist is offered at its new version only.
    values, _ = SectionChange.parse({"title": "Garden"})
    v2, _ = sync(editor.change_section(make_actor("supervisor"), v1["id"], values))
    assert sync(service.start_choices(actor))["templates"] == [
        (v2, "Healthy, Safe, Secure home visit (version 2)")
    ]


def test_visit_for_lets_its_visitor_edit_while_open_and_others_read_by_role():
    team = make_team()
    visitor = make_actor("pcso", home_team=team.id)
    volunteer = make_actor("volunteer", home_team=team.id)
    supervisor = make_actor("supervisor")
    visit_uuid = started(visitor, team=str(team.id))
    shown = sync(views.visit_for(visitor, visit_uuid, editing=True))
    assert (shown["uuid"], shown["visitor_name"], shown["team_name"]) == (
        visit_uuid,
        visitor.display_name,
        team.name,
    )
    assert sync(views.visit_for(visitor, visit_uuid))["state"] == VisitState.IN_PROGRESS
    # Another volunteer may neither read nor change it: it is "not found" to them.
    for editing in (False, True):
        with pytest.raises(NotFound, match="No such visit"):
            sync(views.visit_for(volunteer, visit_uuid, editing=editing))
    # A supervisor may read anyone's visit, never change it.
    assert sync(views.visit_for(supervisor, visit_uuid))["id"] == shown["id"]
    with pytest.raises(NotFound, match="cannot be changed"):
        sync(views.visit_for(supervisor, visit_uuid, editing=True))
    with pytest.raises(NotFound, match="No such visit"):
        sync(views.visit_for(supervisor, uuid.uuid4()))
    # Once it is no longer in progress, its visitor may read it but not change it.
    declined = started(visitor, consent="no")
    assert sync(views.visit_for(visitor, declined))["state"] == VisitState.DECLINED
    with pytest.raises(NotFound, match="cannot be changed"):
        sync(views.visit_for(visitor, declined, editing=True))


def visit_of(visit_uuid: str) -> dict:
    return sync(HomeVisit.select().where(HomeVisit.uuid == visit_uuid).first())


def test_earlier_visits_show_the_households_submitted_visits_the_actor_may_read():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    person = make_person("volunteer", home_team=team.id)
    make_profile(person)
    volunteer = actor_of(person)
    by_pcso = started(pcso, address="1 Test Street")
    by_volunteer = started(volunteer, address="1, TEST street")  # the same household
    still_open = started(pcso, address="1 Test Street")  # not submitted: never shown
    elsewhere = started(pcso, address="2 Test Street")
    for n, earlier in enumerate((by_pcso, by_volunteer, elsewhere), start=1):
        sync(
            HomeVisit.update(
                {
                    HomeVisit.state: VisitState.SUBMITTED,
                    HomeVisit.started_at: datetime(2026, 3, n, 10, tzinfo=UTC),
                }
            ).where(HomeVisit.uuid == earlier)
        )
    pcso_visit = visit_of(by_pcso)
    sync(
        FollowUp.insert(
            FollowUp(
                visit=pcso_visit["id"], question="falls", reason="Rails", due_on=date(2026, 4, 1)
            )
        )
    )
    now = started(volunteer, address="1 test street")
    current = visit_of(now)

    # A volunteer sees their own earlier visit; the PCSO's is only counted, with its date.
    seen = sync(views.earlier_visits(volunteer, current))
    assert [v["uuid"] for v in seen["shown"]] == [by_volunteer]
    assert seen["shown"][0]["followups"] == [] and seen["shown"][0]["referrals"] == []
    assert seen["others"] == 1
    assert seen["latest_other"] == datetime(2026, 3, 1, 10, tzinfo=UTC)
    # Staff read every visit: the newest first, each with its follow-ups.
    seen = sync(views.earlier_visits(pcso, current))
    assert [v["uuid"] for v in seen["shown"]] == [by_volunteer, by_pcso]
    assert (seen["others"], seen["latest_other"]) == (0, None)
    assert [(f["reason"], f["due_on"]) for f in seen["shown"][1]["followups"]] == [
        ("Rails", date(2026, 4, 1))
    ]
    ids = f"{visit_of(by_volunteer)['id']}, {pcso_visit['id']}"
    assert f"earlier visits to the household shown: {ids}" in audit_details("home_visit")
    assert still_open not in [v["uuid"] for v in seen["shown"]]
    # A visit with no household (declined) has no earlier visits, and no look is audited.
    declined = visit_of(started(pcso, consent="no"))
    looks = len(audit_details("home_visit"))
    assert sync(views.earlier_visits(pcso, declined)) == {
        "shown": [],
        "others": 0,
        "latest_other": None,
    }
    assert len(audit_details("home_visit")) == looks


def test_followups_become_one_assigned_home_visit_tasking_per_visit_and_day():
    team = make_team()
    pcso = make_actor("pcso", home_team=team.id)
    visit = visit_of(started(pcso, team=str(team.id), address="4 Mill Lane"))

    def followup(reason: str, due_on: date) -> int:
        row = FollowUp(visit=visit["id"], question="falls", reason=reason, due_on=due_on)
        sync(FollowUp.insert(row))
        return row.id

    first_day, later_day = date(2026, 6, 1), date(2026, 6, 15)
    ids = [
        followup("Check the rails", later_day),
        followup("Check the alarm", first_day),
        followup("Check the locks", first_day),
    ]
    assert sync(followups_to_taskings(pcso, [])) == []
    made = sync(followups_to_taskings(pcso, ids))
    assert len(made) == 2
    taskings = {
        t["id"]: t
        for t in sync(
            Tasking.select(
                Tasking.id,
                Tasking.kind,
                Tasking.mode,
                Tasking.title,
                Tasking.details,
                Tasking.team,
                Tasking.address,
            ).where(Tasking.id.is_in(made))
        )
    }
    soon, later = taskings[made[0]], taskings[made[1]]  # in the order of their due days
    for tasking in (soon, later):
        assert (tasking["kind"], tasking["mode"], tasking["team"]) == (
            "home_visit",
            "assign",
            team.id,
        )
        assert tasking["title"] == "Follow-up visit: Mill Lane"  # the street, not the house
        assert tasking["address"] == "4 Mill Lane"
        assert f"/visits/{visit['uuid']}" in tasking["details"]
    assert "- Check the alarm\n- Check the locks" in soon["details"]
    assert "Check the rails" in later["details"] and "alarm" not in later["details"]
    parts = sync(
        TaskingAssignment.select(
            TaskingAssignment.tasking, TaskingAssignment.person, TaskingAssignment.state
        ).where(TaskingAssignment.tasking.is_in(made))
    )
    assert sorted((p["tasking"], p["person"], p["state"]) for p in parts) == [
        (made[0], pcso.id, "assigned"),
        (made[1], pcso.id, "assigned"),
    ]
    written = sync(FollowUp.select(FollowUp.id, FollowUp.tasking_id).where(FollowUp.id.is_in(ids)))
    assert {f["id"]: f["tasking_id"] for f in written} == {
        ids[0]: made[1],
        ids[1]: made[0],
        ids[2]: made[0],
    }
    # Follow-ups that already have their tasking make no more.
    assert sync(followups_to_taskings(pcso, ids)) == []
    assert sync(Tasking.count()) == 2


def test_the_editor_opens_a_question_as_its_form_and_refuses_an_unknown_one():
    supervisor = make_actor("supervisor")
    sync(store.ensure_default_template())
    v1 = sync(ChecklistTemplate.select().first())
    row, content, values = sync(editor.question(supervisor, v1["id"], "smoke_alarm"))
    assert row["id"] == v1["id"] and len(content["sections"]) == 11
    assert {k: values[k] for k in ("section", "key", "kind", "when", "required")} == {
        "section": 4,
        "key": "smoke_alarm",
        "kind": "yesno",
        "when": "no",
        "required": "yes",
    }
    assert (values["referral_kind"], values["referral_reason"]) == (
        "fire",
        "No working smoke alarm",
    )
    assert (values["followup_days"], values["followup_reason"]) == (
        14,
        "Check a smoke alarm has been fitted",
    )
    _, _, number = sync(editor.question(supervisor, v1["id"], "children"))
    assert (number["section"], number["min"], number["max"], number["when"]) == (5, 0, 15, "")
    # The form's values, posted back unchanged, give the same question.
    parsed, errors = QuestionForm.parse({k: str(v) for k, v in values.items()})
    assert not errors
    stored = dict(checklist.find_question(content, "smoke_alarm")[1])
    assert {**editor.question_of(parsed), "key": "smoke_alarm"} == stored
    with pytest.raises(NotFound, match="No such question"):
        sync(editor.question(supervisor, v1["id"], "no_such_question"))
    with pytest.raises(NotFound, match="No such checklist"):
        sync(editor.question(supervisor, 99999, "smoke_alarm"))


def test_the_question_form_checks_each_field_and_the_rules_across_them():
    values, errors = QuestionForm.parse(
        {
            "section": "0",
            "text": "x" * 201,
            "kind": "number",
            "min": "9",
            "max": "3",
            "when": "lots",
            "advice": "a" * 1001,
            "referral_kind": "  Food   BANK ",
            "followup_days": "366",
        }
    )
    assert errors == {
        "section": "Choose a section",
        "text": "Enter a question of 200 characters or fewer",
        "max": "The highest number must be at least the lowest",
        "when": "For a number, write conditions like <2 or >=10, one a line",
        "advice": "Enter advice of 1,000 characters or fewer",
        "followup_days": "Enter a number of days from 1 to 365",
    }
    assert list(errors) == ["section", "text", "max", "when", "advice", "followup_days"]
    assert (values["min"], values["max"], values["referral_kind"]) == (9, 3, "food bank")
    # Advice, a referral or a follow-up needs the answers that call for it.
    _, errors = QuestionForm.parse(
        {"section": "1", "text": "Q?", "kind": "yesno", "referral_kind": "k" * 41}
    )
    assert errors == {
        "referral_kind": "Enter a kind of 40 characters or fewer",
        "when": "Say which answers call for the advice, referral or follow-up",
    }
    values, errors = QuestionForm.parse(
        {"section": "2", "text": "Q?", "kind": "choice", "options": "A\n\n B ", "when": "B"}
    )
    assert not errors
    assert editor.question_of(values) == {
        "text": "Q?",
        "kind": "choice",
        "required": False,
        "options": ["A", "B"],
        "when": ["B"],
        "advice": "",
    }


def test_removing_a_question_asks_none_of_its_checks_but_a_stale_version_is_refused():
    supervisor = make_actor("supervisor")
    sync(store.ensure_default_template())
    v1 = sync(ChecklistTemplate.select().first())
    values, errors = QuestionForm.parse({"action": "remove"})
    assert "text" in errors and "section" in errors
    v2, refused = sync(editor.save_question(supervisor, v1["id"], "smoke_alarm", values, errors))
    assert not refused
    _, content = sync(editor.template(supervisor, v2))
    assert checklist.find_question(content, "smoke_alarm") is None
    # The old version is read only: that comes first, then the form's own messages.
    _, refused = sync(editor.save_question(supervisor, v1["id"], "falls", values, errors))
    assert list(refused.items())[:2] == [
        ("text", editor.REPLACED),
        ("section", "Choose a section"),
    ]
    # A section past the version's last is refused by the use case.
    values, errors = QuestionForm.parse({"section": "12", "text": "Q?", "kind": "yesno"})
    assert not errors
    _, refused = sync(editor.save_question(supervisor, v2, None, values, errors))
    assert refused == {"section": "Choose a section"}
    with pytest.raises(NotFound):
        sync(editor.save_question(supervisor, v2, "smoke_alarm", values, errors))
