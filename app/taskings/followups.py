"""Taskings made for follow-ups (of home visits, of the engagement log): their windows and places,
their states for a follow-up list, and closing what a tasking was made for when it is done."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.actor import Actor
from app.audit import Operation, record
from app.clock import LOCAL_TIME
from app.roles import Role
from app.tables.engagement import Engagement
from app.tables.taskings import Tasking, TaskingAssignment
from app.tables.visits import FollowUp
from app.taskings.states import LABELS, State


def due_window(day: date) -> tuple[datetime, datetime]:
    """The follow-up's due day, in UK time, is the tasking's window."""
    start = datetime.combine(day, time(0, 0), tzinfo=LOCAL_TIME)
    return start, start + timedelta(days=1) - timedelta(minutes=1)


def place_of(row: dict) -> dict:
    """Where the tasking is: the household's address (with its point), a point, or the area."""
    point = {"lat": row.get("lat"), "lng": row.get("lng")}
    if point["lat"] is None:
        point = {"lat": None, "lng": None}
    address = (row.get("address") or "").strip()[:200]
    if address:
        return {"place_kind": "address", "address": address, **point}
    return {"place_kind": "point" if point["lat"] is not None else "area", "address": "", **point}


async def tasking_states(tasking_ids: list[int], actor: Actor) -> dict[int, dict]:
    """For each tasking: a short state for a follow-up list, and a link the actor may open."""
    ids = [i for i in tasking_ids if i is not None]
    if not ids:
        return {}
    taskings = await Tasking.select(Tasking.id, Tasking.mode, Tasking.cancelled).where(
        Tasking.id.is_in(ids)
    )
    parts = await TaskingAssignment.select(
        TaskingAssignment.tasking,
        TaskingAssignment.person,
        TaskingAssignment.state,
        TaskingAssignment.person.display_name.as_alias("name"),
    ).where(TaskingAssignment.tasking.is_in(ids))
    found = {}
    for t in taskings:
        mine = [p for p in parts if p["tasking"] == t["id"]]
        found[t["id"]] = {
            "state": _summary(t, mine),
            "url": _link(t["id"], mine, actor),
        }
    return found


# The furthest a part has got, most advanced first: the state a follow-up list shows.
_ORDER = [State.DONE, State.IN_PROGRESS, State.ACKNOWLEDGED, State.ACCEPTED, State.ASSIGNED]


def _summary(tasking: dict, parts: list[dict]) -> str:
    if tasking["cancelled"]:
        return "Cancelled"
    for state in _ORDER:
        holders = [p["name"] for p in parts if p["state"] == state]
        if holders:
            return f"{LABELS[state]} ({', '.join(holders)})"
    offered = sum(1 for p in parts if p["state"] == State.OFFERED)
    if offered:
        return f"Offered to {offered} volunteer{'s' if offered != 1 else ''}, not yet accepted"
    if any(p["state"] == State.CANNOT_DO for p in parts):
        return "Cannot do"
    return "Not offered: no volunteer of the area is fit for home visits"


def _link(tasking_id: int, parts: list[dict], actor: Actor) -> str | None:
    if actor.role == Role.SUPERVISOR:  # the desk's rule (app/routes/taskings_desk.py)
        return f"/tasks/manage/{tasking_id}"
    if any(p["person"] == actor.id for p in parts):
        return f"/tasks/{tasking_id}"
    return None


async def close_followups(actor: Actor, tasking_id: int) -> None:
    """The tasking is done: the follow-ups and the promise it was made for are done too
    (in the caller's transaction: `service.answer` calls it)."""
    closed = (
        await FollowUp.update({FollowUp.done: True, FollowUp.done_at: datetime.now(UTC)})
        .where((FollowUp.tasking_id == tasking_id) & FollowUp.done.eq(False))
        .returning(FollowUp.id)
    )
    for row in closed:
        await record(actor, Operation.ALTERATION, "follow_up", row["id"], detail="tasking done")
    promised = (
        await Engagement.update({Engagement.follow_up_done: True})
        .where((Engagement.tasking_id == tasking_id) & Engagement.follow_up_done.eq(False))
        .returning(Engagement.id)
    )
    for row in promised:
        await record(
            actor,
            Operation.ALTERATION,
            "engagement",
            row["id"],
            detail="follow-up: tasking done",
        )
