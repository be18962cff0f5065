"""A visit made from a tasking, and a follow-up marked done, finish their tasking through the
taskings state machine (app.taskings.states), not around it."""

from __future__ import annotations

import pytest

from app.tables.taskings import TaskingAssignment, TaskingEvent
from app.tables.visits import FollowUp, HomeVisit, Referral, VisitAnswer
from app.taskings.states import State
from app.visits import outcomes, service, store
from app.visits.tasking_done import steps_to_done
from tests.factories import make_actor, make_team
from tests.helpers import sync
from tests.routes.test_visits_from_tasking import home_visit_tasking
from tests.taskings_helpers import make_profile
from tests.test_visits_service import answered, started


def part_of(person_id: int, tasking_id: int) -> dict:
    return sync(
        TaskingAssignment.select()
        .where((TaskingAssignment.person == person_id) & (TaskingAssignment.tasking == tasking_id))
        .first()
    )


def moves(tasking_id: int) -> list[tuple[str, str]]:
    rows = sync(
        TaskingEvent.select(TaskingEvent.from_state, TaskingEvent.to_state)
        .where(TaskingEvent.tasking == tasking_id)
        .order_by(TaskingEvent.id)
    )
    return [(r["from_state"], r["to_state"]) for r in rows]


@pytest.mark.parametrize(
    ("current", "steps"),
    [
        ("assigned", ["acknowledged", "in_progress", "done"]),
        ("acknowledged", ["in_progress", "done"]),
        ("accepted", ["in_progress", "done"]),
        ("in_progress", ["done"]),
        ("offered", ["accepted", "in_progress", "done"]),
        ("done", []),
        ("cancelled", []),
        ("declined", []),
    ],
)
def test_the_way_to_done_is_the_state_machines_own(current, steps):
    assert steps_to_done(current) == steps


@pytest.mark.parametrize("state", ["assigned", "accepted", "in_progress"])
def test_submitting_a_visit_made_from_a_tasking_finishes_the_visitors_part(state):
    team = make_team("Abbey")
    pcso = make_actor("pcso", home_team=team.id)
    tasking = home_visit_tasking(pcso.id, team.id, state=state)
    visit_uuid = started(pcso, team=str(team.id), tasking=str(tasking.id))
    answered(pcso, visit_uuid)
    assert part_of(pcso.id, tasking.id)["state"] == state  # not before the visit is submitted
    assert sync(service.submit(pcso, visit_uuid, {})) == {}
    part = part_of(pcso.id, tasking.id)
    assert part["state"] == State.DONE
    assert part["note"] == f"Home visit submitted: /visits/{visit_uuid}"
    assert moves(tasking.id)[-1] == (State.IN_PROGRESS, State.DONE)  # each step recorded
    # Sent twice: nothing moves again.
    before = moves(tasking.id)
    assert sync(service.submit(pcso, visit_uuid, {})) == {}
    assert moves(tasking.id) == before


def test_a_visit_whose_tasking_was_cancelled_meanwhile_is_submitted_and_the_tasking_left():
    from app.taskings import service as taskings

    team = make_team("Abbey")
    pcso = make_actor("pcso", home_team=team.id)
    supervisor = make_actor("supervisor", home_team=team.id)
    tasking = home_visit_tasking(pcso.id, team.id)
    visit_uuid = started(pcso, team=str(team.id), tasking=str(tasking.id))
    answered(pcso, visit_uuid)
    sync(taskings.cancel(supervisor, tasking.id, "No longer needed"))
    assert sync(service.submit(pcso, visit_uuid, {})) == {}
    assert part_of(pcso.id, tasking.id)["state"] == State.CANCELLED


def test_a_follow_up_visit_made_from_its_tasking_closes_the_follow_up():
    team = make_team("Abbey")
    pcso = make_actor("pcso", home_team=team.id)
    first = started(pcso, team=str(team.id))
    answered(pcso, first, smoke_alarm="no")
    assert sync(service.submit(pcso, first, {"fire": "drop"})) == {}
    [followup] = sync(FollowUp.select())
    again = started(pcso, team=str(team.id), tasking=str(followup["tasking_id"]))
    answered(pcso, again)
    assert sync(service.submit(pcso, again, {})) == {}
    assert part_of(pcso.id, followup["tasking_id"])["state"] == State.DONE
    assert sync(FollowUp.select(FollowUp.done).where(FollowUp.id == followup["id"]).first()) == {
        "done": True
    }


def test_marking_the_last_follow_up_of_a_tasking_done_finishes_the_tasking():
    team = make_team("Abbey")
    pcso = make_actor("pcso", home_team=team.id)
    visit_uuid = started(pcso, team=str(team.id))
    # Two follow-ups due the same day go into one tasking.
    answered(pcso, visit_uuid, smoke_alarm="no", low_mood="yes")
    decisions = {"fire": "drop", "health": "drop"}
    assert sync(service.submit(pcso, visit_uuid, decisions)) == {}
    first, second = sync(FollowUp.select().order_by(FollowUp.id))
    assert first["tasking_id"] == second["tasking_id"]
    tasking_id = first["tasking_id"]
    sync(outcomes.followup_done(pcso, first["id"]))
    assert part_of(pcso.id, tasking_id)["state"] == State.ASSIGNED  # one still to check
    sync(outcomes.followup_done(pcso, second["id"]))
    part = part_of(pcso.id, tasking_id)
    assert part["state"] == State.DONE
    assert part["note"].startswith("Follow-up marked done: ")
    assert first["reason"] in part["note"] and second["reason"] in part["note"]
    sync(outcomes.followup_done(pcso, second["id"]))  # a double tap changes nothing
    assert moves(tasking_id).count((State.IN_PROGRESS, State.DONE)) == 1


def test_a_volunteers_follow_up_offered_to_the_area_is_taken_and_finished_by_its_marker():
    team = make_team("Abbey")
    volunteer = make_actor("volunteer", home_team=team.id)
    make_profile(volunteer)
    visit_uuid = started(volunteer, team=str(team.id))
    answered(volunteer, visit_uuid, food="no")
    assert sync(service.submit(volunteer, visit_uuid, {"food bank": "drop"})) == {}
    [followup] = sync(FollowUp.select())
    assert part_of(volunteer.id, followup["tasking_id"])["state"] == State.OFFERED
    sync(outcomes.followup_done(volunteer, followup["id"]))
    assert part_of(volunteer.id, followup["tasking_id"])["state"] == State.DONE


def test_a_submitted_visit_keeps_no_answer_to_a_question_it_did_not_ask():
    team = make_team("Abbey")
    pcso = make_actor("pcso", home_team=team.id)
    visit_uuid = started(pcso, team=str(team.id))
    answered(pcso, visit_uuid)  # no children, no anti-social behaviour
    visit = sync(HomeVisit.select().where(HomeVisit.uuid == visit_uuid).first())
    # Kept before the rules came (an older page): answers to questions now not asked.
    sync(store.save_answer(visit, "asb_kinds", ["Neighbour dispute"], 5000))
    sync(store.save_answer(visit, "online_safety", "yes", 5000))
    assert sync(service.submit(pcso, visit_uuid, {})) == {}
    kept = sync(VisitAnswer.select(VisitAnswer.question).where(VisitAnswer.visit == visit["id"]))
    assert {r["question"] for r in kept} == {
        "door_locks", "burgled", "vehicle", "falls", "smoke_alarm", "children", "lonely",
        "low_mood", "asb", "food",
    }  # fmt: skip
    assert sync(Referral.count()) == 0  # "Neighbour dispute" was not asked: no referral
