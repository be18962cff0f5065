"""Home-visit follow-ups become home-visit taskings, with the visit's submission, once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from app.clock import LOCAL_TIME
from app.tables.engagement import Engagement
from app.tables.taskings import PushMessage, Tasking, TaskingAssignment
from app.tables.visits import FollowUp, HomeVisit
from app.taskings import service
from tests.factories import make_person, make_team
from tests.helpers import html, sync
from tests.routes.test_visits import answer_all_required, start, visit_row
from tests.taskings_helpers import make_profile

WORRIES = {"smoke_alarm": "no", "food": "no", "lonely": "Often or always"}
JSON = {"accept": "application/json"}
DECISIONS = {"referral_fire": "made", "referral_food-bank": "made", "referral_charity": "drop"}


def parts_of(tasking_id: int) -> dict[int, str]:
    rows = sync(
        TaskingAssignment.select(TaskingAssignment.person, TaskingAssignment.state).where(
            TaskingAssignment.tasking == tasking_id
        )
    )
    return {r["person"]: r["state"] for r in rows}


def submitted_visit(session, team=None) -> dict:
    extra = {"team": str(team.id)} if team else {}
    visit_uuid = start(session, address="4 Abbey Street, Derby", **extra)
    answer_all_required(session, visit_uuid, **WORRIES)
    assert session.post(f"/visits/{visit_uuid}/submit", DECISIONS).status_code == 303
    return visit_row(visit_uuid)


def test_a_pcsos_follow_ups_become_home_visit_taskings_assigned_to_them_once(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    visit = submitted_visit(pcso, team)
    again = pcso.post(f"/visits/{visit['uuid']}/submit", DECISIONS)  # sent twice
    assert again.status_code == 303
    followups = sync(FollowUp.select().where(FollowUp.visit == visit["id"]))
    assert len(followups) == 3 and all(f["tasking_id"] for f in followups)
    taskings = sync(Tasking.select().order_by(Tasking.starts_at))
    assert len(taskings) == 3  # one per due day; the second submit made none
    for followup in followups:
        tasking = next(t for t in taskings if t["id"] == followup["tasking_id"])
        assert (tasking["kind"], tasking["mode"]) == ("home_visit", "assign")
        assert tasking["team"] == team.id
        assert tasking["address"] == "4 Abbey Street, Derby"
        assert followup["reason"] in tasking["details"]
        starts = tasking["starts_at"].astimezone(LOCAL_TIME)
        ends = tasking["ends_at"].astimezone(LOCAL_TIME)
        assert starts.date() == ends.date() == followup["due_on"]
        assert parts_of(tasking["id"]) == {pcso.person.id: "assigned"}
    # Each reaches the phone through the push outbox (here: a "no device" marker).
    pushed = sync(PushMessage.select(PushMessage.tasking, PushMessage.person))
    assert {(p["tasking"], p["person"]) for p in pushed} == {
        (t["id"], pcso.person.id) for t in taskings
    }
    # The follow-up list shows each tasking's state, linked to it.
    page = html(pcso.get("/visits/follow-ups"))
    shown = {int(p["data-tasking"]): p for p in page.select("[data-tasking]")}
    assert set(shown) == {t["id"] for t in taskings}
    for tasking_id, line in shown.items():
        assert line.a["href"] == f"/tasks/{tasking_id}"
        assert line.a.get_text(strip=True) == f"Assigned ({pcso.person.display_name})"
    acknowledged = taskings[0]["id"]
    pcso.post(f"/tasks/{acknowledged}/answer", {"state": "acknowledged"})
    page = html(pcso.get("/visits/follow-ups"))
    line = page.select_one(f"[data-tasking='{acknowledged}'] a")
    assert line.get_text(strip=True) == f"Acknowledged ({pcso.person.display_name})"
    # Done on the tasking is done on the follow-up: it moves to the done list.
    for step in ("in_progress", "done"):
        answered = pcso.post(f"/tasks/{acknowledged}/answer", {"state": step, "note": "Fitted"})
        assert answered.status_code == 303
    still = html(pcso.get("/visits/follow-ups")).select("[data-tasking]")
    assert {int(p["data-tasking"]) for p in still} == {t["id"] for t in taskings[1:]}
    done = html(pcso.get("/visits/follow-ups?done=true")).select_one("[data-tasking] a")
    assert done.get_text(strip=True) == f"Done ({pcso.person.display_name})"


def test_a_volunteers_follow_ups_are_offered_to_the_areas_volunteers_fit_for_visits(as_role):
    team = make_team()
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    other_fit = as_role("volunteer", home_team=team.id)
    make_profile(other_fit.person)
    unfit = as_role("volunteer", home_team=team.id)
    make_profile(unfit.person, vetting="initial")
    supervisor = as_role("supervisor", home_team=team.id)
    visit = submitted_visit(volunteer, team)
    tasking_ids = {
        f["tasking_id"] for f in sync(FollowUp.select().where(FollowUp.visit == visit["id"]))
    }
    assert len(tasking_ids) == 3
    for tasking_id in tasking_ids:
        assert parts_of(tasking_id) == {
            volunteer.person.id: "offered",
            other_fit.person.id: "offered",
        }
    lines = html(volunteer.get("/visits/follow-ups")).select("[data-tasking] a")
    assert {a.get_text(strip=True) for a in lines} == {"Offered to 2 volunteers, not yet accepted"}
    # The supervisor's link opens the desk page of the tasking.
    desk = html(supervisor.get("/visits/follow-ups")).select("[data-tasking] a")
    assert {a["href"] for a in desk} == {f"/tasks/manage/{t}" for t in tasking_ids}


def test_a_visit_whose_taskings_fail_is_not_submitted(as_role, monkeypatch):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    answer_all_required(pcso, visit_uuid, **WORRIES)

    async def broken(request, values, staff_ids):
        await Tasking(**values, created_by=request.user.id).save()  # stored, then it fails
        raise RuntimeError("push outbox unavailable")

    monkeypatch.setattr(service, "create", broken)
    assert pcso.post(f"/visits/{visit_uuid}/submit", DECISIONS).status_code == 500
    # Nothing of the submission is kept: the visit is still in progress and can be sent again.
    assert visit_row(visit_uuid)["state"] == "in progress"
    assert sync(FollowUp.count()) == 0 and sync(Tasking.count()) == 0
    monkeypatch.undo()
    assert pcso.post(f"/visits/{visit_uuid}/submit", DECISIONS).status_code == 303
    assert sync(HomeVisit.count().where(HomeVisit.state == "submitted")) == 1
    assert sync(Tasking.count()) == 3


# Engagement follow-ups (issue 3): a tasking for staff, a reminder only for volunteers.


def logged(session, **extra) -> dict:
    body = {"uuid": str(uuid.uuid4()), "kind": "door-knock", "topics": ["asb"], **extra}
    response = session.post("/log", body, headers=JSON)
    assert response.status_code == 201, response.text
    return {**body, "id": response.json()["id"]}


def engagement_row(entry_id: int) -> dict:
    return sync(Engagement.select().where(Engagement.id == entry_id).first())


def test_a_pcsos_promised_follow_up_becomes_a_tasking_assigned_to_them_once(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    due = date.today() + timedelta(days=3)
    body = logged(pcso, follow_up="Ring Mrs Shah about the gate", follow_up_due=due.isoformat())
    assert pcso.post("/log", body, headers=JSON).status_code == 200  # replayed: already stored
    entry = engagement_row(body["id"])
    [tasking] = sync(Tasking.select())
    assert entry["tasking_id"] == tasking["id"]
    assert (tasking["kind"], tasking["mode"], tasking["team"]) == ("other", "assign", team.id)
    assert tasking["title"] == "Follow-up: Ring Mrs Shah about the gate"
    assert tasking["ends_at"].astimezone(LOCAL_TIME).date() == due
    assert parts_of(tasking["id"]) == {pcso.person.id: "assigned"}
    # The reminder stays on the log, with its tasking's state; Done still clears it.
    reminders = html(pcso.get("/log")).select_one("#follow-ups").parent
    link = reminders.select_one(f"[data-tasking='{tasking['id']}'] a")
    assert link["href"] == f"/tasks/{tasking['id']}"
    assert link.get_text(strip=True) == f"Assigned ({pcso.person.display_name})"
    for step in ("acknowledged", "in_progress", "done"):  # the tasking done clears it too
        pcso.post(f"/tasks/{tasking['id']}/answer", {"state": step, "note": "Rang her"})
    assert engagement_row(body["id"])["follow_up_done"] is True
    assert html(pcso.get("/log")).select_one("#follow-ups") is None
    second = logged(pcso, follow_up="Ring Mr Shah too")  # Done on the log still clears one
    assert html(pcso.get("/log")).select_one("#follow-ups") is not None
    assert pcso.post(f"/log/{second['id']}/done").status_code == 303
    assert html(pcso.get("/log")).select_one("#follow-ups") is None


def test_an_undated_follow_up_is_due_within_a_week_and_one_added_by_a_change_too(as_role):
    officer = as_role("officer")
    undated = logged(officer, follow_up="Check the CCTV")
    [tasking] = sync(Tasking.select())
    week = (datetime.now(LOCAL_TIME) + timedelta(days=7)).date()
    assert tasking["ends_at"].astimezone(LOCAL_TIME).date() == week
    plain = logged(officer)
    assert sync(Tasking.count()) == 1 and engagement_row(undated["id"])["tasking_id"]
    changed = {"kind": "door-knock", "topics": ["asb"], "follow_up": "Write to the landlord"}
    assert officer.post(f"/log/{plain['id']}", changed).status_code == 303
    assert officer.post(f"/log/{plain['id']}", changed).status_code == 303  # no change: none
    assert sync(Tasking.count()) == 2
    added = engagement_row(plain["id"])["tasking_id"]
    assert added is not None
    # Deleting the entry cancels its follow-up's tasking, and the assignee is told.
    assert officer.post(f"/log/{plain['id']}/delete").status_code == 303
    assert parts_of(added) == {officer.person.id: "cancelled"}
    assert sync(PushMessage.count().where(PushMessage.tasking == added)) == 2


def test_a_volunteers_promised_follow_up_stays_a_reminder_only(as_role):
    volunteer = as_role("volunteer")
    make_profile(volunteer.person)
    entry = logged(volunteer, follow_up="Bring the leaflets back")
    assert sync(Tasking.count()) == 0 and engagement_row(entry["id"])["tasking_id"] is None
    reminders = html(volunteer.get("/log")).select_one("#follow-ups").parent
    assert "Bring the leaflets back" in reminders.get_text()
    assert reminders.select("[data-tasking]") == []


def test_an_engagement_whose_tasking_fails_is_not_stored_and_its_resend_is(as_role, monkeypatch):
    pcso = as_role("pcso")
    body = {"uuid": str(uuid.uuid4()), "kind": "street", "follow_up": "Call back"}

    async def broken(request, values, staff_ids):
        raise RuntimeError("push outbox unavailable")

    monkeypatch.setattr(service, "create", broken)
    assert pcso.post("/log", body, headers=JSON).status_code == 500
    assert sync(Engagement.count()) == 0  # the phone keeps it and sends it again
    monkeypatch.undo()
    assert pcso.post("/log", body, headers=JSON).status_code == 201
    assert sync(Tasking.count()) == 1


def test_store_once_inside_transactions_settles_a_race_on_the_unique_constraint():
    import asyncio

    from app.database import atomic
    from app.phone_outbox import store_once

    person = make_person("pcso")
    key = str(uuid.uuid4())
    values = {"author": person.id, "kind": "event", "occurred_at": datetime.now(UTC)}

    async def one():
        async with atomic():
            return await store_once(Engagement, key, dict(values), "author")

    async def race():
        return await asyncio.gather(*(one() for _ in range(4)))

    results = sync(race())
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert sync(Engagement.count()) == 1
