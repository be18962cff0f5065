"""The taskings' use cases called without HTTP, each with an Actor (as the demo and bench do)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from piccolo.utils.sync import run_sync

from app.auth.sessions import start_session
from app.outcomes import NotAllowed, NotFound, Refused
from app.tables.audit import AuditEntry
from app.tables.engagement import Engagement
from app.tables.sessions import UserSession
from app.tables.taskings import (
    PushMessage,
    PushStatus,
    PushSubscription,
    State,
    Tasking,
    TaskingAssignment,
    TaskingEvent,
    VolunteerProfile,
)
from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit
from app.taskings import devices, followups, nearby, queries, service, volunteers
from app.taskings.forms import TaskingChangeForm, TaskingForm, VolunteerProfileForm
from app.taskings.push_queue import action_token
from tests.factories import actor_of, make_actor, make_person, make_team
from tests.helpers import sync
from tests.taskings_helpers import make_profile, tasking_form


def values_for(team_id: int, **overrides) -> dict:
    start = datetime.now(UTC) + timedelta(hours=2)
    values = {
        "kind": "leaflet_drop",
        "title": "Leaflets",
        "details": "",
        "place_kind": "area",
        "lat": None,
        "lng": None,
        "address": "",
        "team": team_id,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "priority": "routine",
        "mode": "assign",
        "places_wanted": 1,
    }
    values.update(overrides)
    return values


def audits(record_type: str, operation: str | None = None) -> list[dict]:
    query = AuditEntry.select().where(AuditEntry.record_type == record_type)
    rows = sync(query)
    return [r for r in rows if operation is None or r["operation"] == operation]


def part_of(tasking_id: int, person_id: int) -> dict:
    return sync(
        TaskingAssignment.select()
        .where((TaskingAssignment.tasking == tasking_id) & (TaskingAssignment.person == person_id))
        .first()
    )


def test_create_assigns_staff_audits_and_queues_a_message_in_one_go():
    team = make_team()
    supervisor = make_actor("supervisor")
    pcso = make_person("pcso")
    tasking_id = sync(service.create(supervisor, values_for(team.id), [pcso.id]))
    assert part_of(tasking_id, pcso.id)["state"] == State.ASSIGNED
    row = sync(Tasking.select().where(Tasking.id == tasking_id).first())
    assert row["created_by"] == supervisor.id
    [entry] = audits("tasking", "collection")
    assert entry["actor"] == supervisor.id and entry["address"] == "127.0.0.1"
    [message] = sync(PushMessage.select())
    assert message["status"] == PushStatus.NO_DEVICE


def test_create_offers_only_to_fit_volunteers():
    team = make_team()
    fit, unfit = make_person("volunteer", home_team=team.id), make_person("volunteer")
    make_profile(fit, "full")
    supervisor = make_actor("supervisor")
    tasking_id = sync(service.create(supervisor, values_for(team.id, mode="offer"), []))
    assert part_of(tasking_id, fit.id)["state"] == State.OFFERED
    assert part_of(tasking_id, unfit.id) is None


def test_add_checks_the_form_with_the_database_and_stores_nothing_on_errors():
    team = make_team()
    supervisor = make_actor("supervisor")
    values, errors = TaskingForm.parse(tasking_form(team.id + 1000, mode="assign"))
    assert not errors
    tasking_id, errors = sync(service.add(supervisor, values))
    assert tasking_id is None
    assert list(errors) == ["team", "staff"]  # in the order the form shows them
    assert sync(Tasking.count()) == 0
    pcso = make_person("pcso")
    form = tasking_form(team.id, mode="assign", staff=[str(pcso.id)])
    form.update(place_kind="address", address="Friar Gate, Derby")
    values, errors = TaskingForm.parse(form)
    tasking_id, errors = sync(service.add(supervisor, values, errors))
    assert not errors
    row = sync(Tasking.select().where(Tasking.id == tasking_id).first())
    assert row["address"] == "Friar Gate, Derby DE1 1BX" and row["lat"] is not None


def test_edit_refuses_a_cancelled_tasking_and_change_tells_who_is_on_it():
    team = make_team()
    supervisor = make_actor("supervisor")
    pcso = make_person("pcso")
    tasking_id = sync(service.create(supervisor, values_for(team.id), [pcso.id]))
    values, errors = TaskingChangeForm.parse(tasking_form(team.id, title="New title"))
    assert not sync(service.edit(supervisor, tasking_id, values, errors))
    assert sync(Tasking.select(Tasking.title).first())["title"] == "New title"
    assert sync(PushMessage.count().where(PushMessage.kind == "changed")) == 1
    assert sync(service.change(supervisor, tasking_id, {"title": "New title"})) == []
    sync(service.cancel(supervisor, tasking_id, "Weather"))
    sync(service.cancel(supervisor, tasking_id, "Twice"))  # already cancelled: nothing more
    assert sync(TaskingEvent.count().where(TaskingEvent.to_state == "cancelled")) == 2
    assert part_of(tasking_id, pcso.id)["state"] == State.CANCELLED
    errors = sync(service.edit(supervisor, tasking_id, values))
    assert errors["title"] == "This tasking has been cancelled and cannot be changed"
    with pytest.raises(NotFound):
        sync(service.edit(supervisor, tasking_id + 1, values))
    with pytest.raises(NotFound):
        sync(service.cancel(supervisor, tasking_id + 1, ""))


def test_answer_moves_only_the_actors_own_part_and_refuses_what_the_state_forbids():
    team = make_team()
    supervisor = make_actor("supervisor")
    pcso, other = make_actor("pcso"), make_actor("pcso")
    tasking_id = sync(service.create(supervisor, values_for(team.id), [pcso.id]))
    with pytest.raises(NotFound):
        sync(service.answer_tasking(other, tasking_id, State.ACKNOWLEDGED))
    part = part_of(tasking_id, pcso.id)
    with pytest.raises(NotFound):
        sync(service.answer(other, part["id"], State.ACKNOWLEDGED))
    with pytest.raises(Refused, match="cannot be marked done"):
        sync(service.answer(pcso, part["id"], State.DONE, "went"))
    assert sync(service.answer_tasking(pcso, tasking_id, State.ACKNOWLEDGED)) == {
        "tasking": tasking_id,
        "state": State.ACKNOWLEDGED,
    }
    sync(service.answer(pcso, part["id"], State.IN_PROGRESS))
    with pytest.raises(Refused, match="Enter the outcome"):
        sync(service.answer(pcso, part["id"], State.DONE, " "))
    sync(service.answer(pcso, part["id"], State.DONE, "Done and dusted"))
    assert part_of(tasking_id, pcso.id)["state"] == State.DONE
    assert {a["actor"] for a in audits("tasking", "alteration")} == {pcso.id}


def test_the_pages_reads_are_audited_and_show_only_the_actors_own():
    team = make_team()
    supervisor = make_actor("supervisor")
    pcso = make_actor("pcso", home_team=team.id)
    tasking_id = sync(service.create(supervisor, values_for(team.id), [pcso.id]))
    mine = sync(queries.my_taskings(pcso))
    assert [p["tasking"]["id"] for p in mine["mine"]] == [tasking_id]
    assert mine["here_label"] == "from the centre of your team area"
    assert len(mine["nearby"]) == 1
    found = sync(queries.my_tasking(pcso, tasking_id))
    assert found["moves"] == [State.ACKNOWLEDGED, State.CANNOT_DO]
    with pytest.raises(NotFound):
        sync(queries.my_tasking(make_actor("pcso"), tasking_id))
    assert len(audits("tasking", "consultation")) == 2
    desk = sync(queries.desk(supervisor))
    assert desk["counts"] == {tasking_id: {"assigned": 1}}
    sync(queries.desk_tasking(supervisor, tasking_id, look=False))
    assert len(audits("tasking", "consultation")) == 2
    watched = sync(queries.desk_tasking(supervisor, tasking_id))
    assert watched["delivery"] == {pcso.id: "No device"} and watched["taken"] == 0
    assert len(audits("tasking", "consultation")) == 3
    with pytest.raises(NotFound):
        sync(queries.desk_tasking(supervisor, tasking_id + 1))
    assert pcso.id in {p["id"] for p in sync(queries.staff(supervisor))}


def test_follow_up_states_and_nearby_take_the_actor():
    team = make_team()
    supervisor = make_actor("supervisor")
    pcso = make_actor("pcso")
    point = values_for(team.id, place_kind="point", lat=52.9225, lng=-1.4746)
    tasking_id = sync(service.create(supervisor, point, [pcso.id]))
    states = sync(followups.tasking_states([tasking_id, None], pcso))
    assert states[tasking_id]["url"] == f"/tasks/{tasking_id}"
    assert sync(followups.tasking_states([tasking_id], supervisor))[tasking_id]["url"] == (
        f"/tasks/manage/{tasking_id}"
    )
    near = sync(nearby.my_taskings_near(pcso, 52.9225, -1.4746, 500, None))
    assert [p["tasking"]["id"] for p in near] == [tasking_id]


def test_devices_turn_on_and_off_and_a_notification_answers_once():
    team = make_team()
    person = make_person("volunteer", home_team=team.id)
    make_profile(person, "full")
    run_sync(start_session(person.id, "pytest"))
    session = sync(UserSession.select(UserSession.id).where(UserSession.person == person.id))
    volunteer = dataclasses.replace(actor_of(person), session_id=session[0]["id"])
    sub_id = sync(devices.subscribe(volunteer, "https://push.example/a", "key", "auth", "Phone"))
    again = sync(devices.subscribe(volunteer, "https://push.example/a", "key", "auth", "Phone"))
    assert sync(PushSubscription.count()) == 1 and sub_id
    assert [d["label"] for d in sync(devices.devices(volunteer))] == ["Phone"]
    with pytest.raises(NotFound):
        sync(devices.turn_off(make_actor("pcso"), again))
    supervisor = make_actor("supervisor")
    tasking_id = sync(service.create(supervisor, values_for(team.id, mode="offer"), []))
    message = sync(PushMessage.select().where(PushMessage.status == PushStatus.PENDING).first())
    with pytest.raises(NotAllowed):
        sync(devices.act_on_notification(volunteer, message["id"], "nope", State.ACCEPTED))
    token = action_token(message["id"])
    result = sync(devices.act_on_notification(volunteer, message["id"], token, State.ACCEPTED))
    assert result == (tasking_id, {"tasking": tasking_id, "state": State.ACCEPTED})
    with pytest.raises(devices.NotificationUsed):
        sync(devices.act_on_notification(volunteer, message["id"], token, State.DECLINED))
    sync(devices.turn_off(volunteer, again))
    assert sync(PushSubscription.count()) == 0
    assert [a["operation"] for a in audits("push-subscription")] == [
        "collection",
        "collection",
        "erasure",
    ]


def test_volunteer_profiles_are_kept_and_looked_at_with_the_actor():
    supervisor = make_actor("supervisor")
    person = make_person("volunteer", vetting=None)  # no profile yet: the save collects one
    values, errors = VolunteerProfileForm.parse(
        {
            "vetting": "initial",
            "initial_vetting_on": "2026-02-01",
            "initial_vetting_expires_on": "2199-02-01",
            "risk_management": "yes",
            "risk_management_expires_on": "2199-02-01",
        }
    )
    assert not errors
    sync(volunteers.save_profile(supervisor, person.id, values))
    found, profile = sync(volunteers.profile(supervisor, person.id))
    assert found["id"] == person.id and profile["initial_vetting_on"] == date(2026, 2, 1)
    assert profile["risk_management"] and not profile["human_rights"]
    assert profile["updated_by"] == supervisor.id
    listed = sync(volunteers.volunteers(supervisor))
    assert "Leaflet drop" in next(p for p in listed if p["id"] == person.id)["may"]
    with pytest.raises(NotFound):
        sync(volunteers.save_profile(supervisor, make_person("pcso").id, values))
    assert sync(VolunteerProfile.count()) == 1
    assert [a["operation"] for a in audits("volunteer-profile")] == [
        "collection",
        "consultation",
        "consultation",
    ]


def test_volunteer_is_a_volunteers_id_name_and_collar_number_and_no_one_else():
    supervisor = make_actor("supervisor")
    person = make_person("volunteer", display_name="Val Unteer")
    assert sync(volunteers.volunteer(supervisor, person.id)) == {
        "id": person.id,
        "display_name": "Val Unteer",
        "collar_number": person.collar_number,
    }
    for role in ("pcso", "officer", "mentor", "supervisor", "admin"):
        someone = make_person(role)
        with pytest.raises(NotFound) as raised:
            sync(volunteers.volunteer(supervisor, someone.id))
        assert raised.value.args == (someone.id,)
    with pytest.raises(NotFound):
        sync(volunteers.volunteer(supervisor, person.id + 1000))


def a_visit(visitor) -> int:
    template = ChecklistTemplate(family="hss", name="Healthy, Safe, Secure", content="{}")
    sync(template.save())
    visit = HomeVisit(uuid=str(uuid.uuid4()), template=template.id, visitor=visitor.id)
    sync(visit.save())
    return visit.id


def a_follow_up(visit_id: int, tasking_id: int | None, done_at: datetime | None = None) -> int:
    row = FollowUp(
        visit=visit_id,
        question="smoke_alarm",
        due_on=date(2026, 7, 6),
        done=done_at is not None,
        done_at=done_at,
        tasking_id=tasking_id,
    )
    sync(row.save())
    return row.id


def an_engagement(author, tasking_id: int | None, done: bool = False) -> int:
    row = Engagement(
        client_uuid=str(uuid.uuid4()),
        author=author.id,
        kind="street",
        occurred_at=datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
        follow_up="Call back about the bins",
        follow_up_due=date(2026, 7, 6),
        follow_up_done=done,
        tasking_id=tasking_id,
    )
    sync(row.save())
    return row.id


def test_close_followups_marks_what_the_tasking_was_made_for_done_and_audits_each():
    team = make_team()
    supervisor = make_actor("supervisor")
    pcso = make_actor("pcso")
    tasking_id = sync(service.create(supervisor, values_for(team.id), [pcso.id]))
    other_tasking = sync(service.create(supervisor, values_for(team.id), [pcso.id]))
    visit = a_visit(pcso)
    earlier = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    first, second = a_follow_up(visit, tasking_id), a_follow_up(visit, tasking_id)
    already = a_follow_up(visit, tasking_id, done_at=earlier)
    not_this = a_follow_up(visit, other_tasking)
    no_tasking = a_follow_up(visit, None)
    promised = an_engagement(pcso, tasking_id)
    kept = an_engagement(pcso, tasking_id, done=True)
    other_promise = an_engagement(pcso, other_tasking)
    before = datetime.now(UTC) - timedelta(seconds=1)

    sync(followups.close_followups(pcso, tasking_id))

    rows = {r["id"]: r for r in sync(FollowUp.select(FollowUp.id, FollowUp.done, FollowUp.done_at))}
    for closed in (first, second):
        assert rows[closed]["done"] is True
        assert before <= rows[closed]["done_at"] <= datetime.now(UTC)
    assert (rows[already]["done"], rows[already]["done_at"]) == (True, earlier)
    assert (rows[not_this]["done"], rows[not_this]["done_at"]) == (False, None)
    assert (rows[no_tasking]["done"], rows[no_tasking]["done_at"]) == (False, None)
    promises = {
        r["id"]: r["follow_up_done"]
        for r in sync(Engagement.select(Engagement.id, Engagement.follow_up_done))
    }
    assert promises == {promised: True, kept: True, other_promise: False}

    def entries():
        rows = sync(
            AuditEntry.select()
            .where(AuditEntry.record_type.is_in(["follow_up", "engagement"]))
            .order_by(AuditEntry.id)
        )
        return [
            (e["actor"], e["operation"], e["record_type"], e["record_id"], e["detail"])
            for e in rows
        ]

    expected = [
        (pcso.id, "alteration", "follow_up", str(first), "tasking done"),
        (pcso.id, "alteration", "follow_up", str(second), "tasking done"),
        (pcso.id, "alteration", "engagement", str(promised), "follow-up: tasking done"),
    ]
    assert sorted(entries()) == sorted(expected)
    # Again: nothing is left to close, so nothing changes and nothing more is recorded.
    sync(followups.close_followups(pcso, tasking_id))
    assert sorted(entries()) == sorted(expected)
    assert sync(FollowUp.count().where(FollowUp.done.eq(True))) == 3
