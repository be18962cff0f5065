"""Shift-start briefing: a member of staff starts a shift (or sets a weekly pattern) with the
push turned on; at its start one push per device is queued, sent by the real sender to a push
service on 127.0.0.1 and decrypted here: "Abbey: 3 new incidents since your last shift, 1 urgent
tasking", opening the briefing; never twice, never for a shift without the push."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.clock import LOCAL_TIME
from app.geo import cell_of
from app.shifts import service
from app.tables.briefing import Incident
from app.tables.shifts import Shift, ShiftPattern
from app.tables.taskings import PushMessage, Tasking, TaskingAssignment
from app.taskings import vapid
from app.taskings.sender import drain
from tests.factories import make_person, make_team
from tests.helpers import field_error, sync
from tests.push_service import PushService
from tests.taskings_helpers import add_device

ABBEY = (52.9225, -1.4746)
FAR = (53.9, -1.0)  # more than 15 km from every team area: nobody's


@pytest.fixture
def push_service():
    vapid.forget()
    service_ = PushService().start()
    yield service_
    service_.stop()


def incident(n: int, at: datetime, where=ABBEY) -> None:
    sync(
        Incident(
            reference=f"I{n}",
            occurred_at=at,
            category="asb",
            lat=where[0],
            lng=where[1],
            cell=cell_of(*where),
            location="X",
            source="test",
        ).save()
    )


def part(person, team, state, priority):
    t = Tasking(
        kind="other",
        title="T",
        place_kind="area",
        team=team.id,
        starts_at=datetime.now(UTC),
        ends_at=datetime.now(UTC) + timedelta(hours=2),
        priority=priority,
        mode="assign",
    )
    sync(t.save())
    sync(TaskingAssignment(tasking=t.id, person=person.id, state=state).save())


def test_a_started_shift_pushes_its_briefing_once_with_what_is_new(as_role, push_service):
    now = datetime.now(UTC)
    abbey = make_team("Abbey", *ABBEY)
    make_team("Darley", 52.95, -1.49)
    pcso = make_person("pcso", home_team=abbey.id)
    device = push_service.device("pcso")
    add_device(pcso, device)
    # The last shift ended 10 hours ago: 3 incidents in Abbey since, 2 before it, 1 far away.
    last = Shift(
        person=pcso.id,
        team=abbey.id,
        starts_at=now - timedelta(hours=18),
        ends_at=now - timedelta(hours=10),
    )
    sync(last.save())
    for n, hours in enumerate((9, 5, 1)):
        incident(n, now - timedelta(hours=hours))
    incident(10, now - timedelta(hours=11))
    incident(11, now - timedelta(hours=17))
    incident(12, now - timedelta(hours=2), where=FAR)
    part(pcso, abbey, "acknowledged", "urgent")
    part(pcso, abbey, "done", "urgent")  # finished: not waiting
    part(pcso, abbey, "assigned", "routine")

    session = as_role("pcso", person=pcso)
    response = session.post("/shifts", {"hours": "8", "push": "on"})
    assert response.status_code == 303
    assert sync(service.due()) == 1
    assert sync(service.due()) == 0  # queued once
    totals = sync(drain(concurrency=2))
    assert totals == {"delivered": 1}
    [message] = push_service.received
    body = json.loads(device.decrypt(message.body))
    assert body["title"] == "Abbey: 3 new incidents since your last shift, 1 urgent tasking"
    assert body["kind"] == "shift" and body["tasking"] is None
    assert pcso.display_name not in json.dumps(body)
    # The page says it went, with what it said.
    assert "3 new incidents" in session.get("/shifts").text


def test_no_push_without_opting_in_and_none_for_a_stale_start(as_role, push_service):
    team = make_team("Abbey", *ABBEY)
    pcso = make_person("pcso", home_team=team.id)
    add_device(pcso, push_service.device("pcso"))
    session = as_role("pcso", person=pcso)
    assert session.post("/shifts", {"hours": "8"}).status_code == 303
    later = datetime.now(UTC) + service.GRACE + timedelta(minutes=1)
    sync(
        Shift(
            person=pcso.id,
            team=team.id,
            starts_at=datetime.now(UTC) - timedelta(hours=1),
            ends_at=later,
            push=True,
        ).save()
    )
    assert sync(service.due()) == 0
    assert sync(PushMessage.count()) == 0


def test_a_weekly_pattern_makes_the_shift_and_pushes_at_its_start_once(as_role, push_service):
    team = make_team("Abbey", *ABBEY)
    officer = make_person("officer", home_team=team.id)
    device = push_service.device("officer")
    add_device(officer, device)
    session = as_role("officer", person=officer)
    at = datetime.now(UTC).replace(second=0, microsecond=0)
    local = at.astimezone(LOCAL_TIME)
    days = {str(local.weekday()), str((local.weekday() + 2) % 7)}
    form = {
        "pattern_days": sorted(days),
        "pattern_starts": local.strftime("%H:%M"),
        "pattern_hours": "9",
        "pattern_push": "on",
    }
    assert session.post("/shifts/pattern", form).status_code == 303
    assert sync(ShiftPattern.count().where(ShiftPattern.person == officer.id)) == 2
    assert sync(service.due(at - timedelta(minutes=1))) == 0  # not yet
    assert sync(service.due(at + timedelta(minutes=2))) == 1
    assert sync(service.due(at + timedelta(minutes=3))) == 0
    [shift] = sync(Shift.select().where(Shift.person == officer.id))
    assert shift["starts_at"] == at and shift["ends_at"] == at + timedelta(hours=9)
    sync(drain(concurrency=1))
    [message] = push_service.received
    body = json.loads(device.decrypt(message.body))
    assert body["title"] == "Abbey: 0 new incidents in the last 24 hours, 0 urgent taskings"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"starts": "25:00", "hours": "8"},
            "starts",
            "Enter a time of day in 24 hours, like 07:00",
        ),
        ({"hours": "0"}, "hours", "Enter the shift's length in whole hours, 1 to 14"),
        (
            {"pattern_days": ["0"], "pattern_hours": "8"},
            "pattern_starts",
            "Enter the time the shift starts, like 07:00",
        ),
        (
            {"pattern_days": ["9"], "pattern_starts": "07:00"},
            "pattern_days",
            "Choose days from the list",
        ),
    ],
)
def test_bad_input_is_answered_beside_the_field(as_role, form, field, message):
    session = as_role("pcso", home_team=make_team().id)
    url = "/shifts/pattern" if field.startswith("pattern") else "/shifts"
    response = session.post(url, form)
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert sync(Shift.count()) == 0 and sync(ShiftPattern.count()) == 0


def test_volunteers_and_admins_have_no_shifts(as_role):
    for role in ("volunteer", "admin"):
        assert as_role(role).get("/shifts").status_code == 403
