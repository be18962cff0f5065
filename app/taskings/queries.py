"""Reading taskings for their pages: mine (with the nearest), one of mine, the supervisor's desk.
Each page's look at personal data is audited with it."""

from __future__ import annotations

from geopy.distance import great_circle

from app.actor import Actor
from app.audit import Operation, record
from app.database import small_read, snapshot
from app.outcomes import NotFound
from app.tables.people import Person
from app.tables.places import TeamArea
from app.tables.taskings import Tasking, TaskingAssignment, TaskingEvent
from app.taskings import states
from app.taskings.forms import STAFF
from app.taskings.need_to_know import shown_to
from app.taskings.push_queue import delivery_by_person
from app.taskings.service import TAKEN, volunteers_of_area
from app.taskings.states import State

# My parts are read on every briefing and taskings page: plain SQL, written once (Piccolo took
# several milliseconds to build this join's SQL, far more than the query takes).
_PART_COLUMNS = [c._meta.db_column_name for c in Tasking._meta.columns if c._meta.name != "details"]
MY_PARTS = f"""
SELECT a.id, a.state, a.note, area.name AS area,
       {", ".join(f't.{name} AS "t.{name}"' for name in _PART_COLUMNS)}
FROM tasking_assignment a
JOIN tasking t ON t.id = a.tasking
LEFT JOIN team_area area ON area.id = t.team
WHERE a.person = {{}} AND a.state NOT IN ({{}}, {{}})
ORDER BY t.starts_at
"""  # noqa: S608 - the column names come from the table class; values go as parameters


async def my_parts(person_id: int, role: str) -> list[dict]:
    """My parts in taskings (not closed or declined offers), by due time, each with the
    tasking's fields as I may see them (an offer not yet accepted: app/taskings/need_to_know)."""
    query = TaskingAssignment.raw(MY_PARTS, person_id, State.CLOSED, State.DECLINED)
    rows = await small_read(query)  # one person's open parts: a handful
    parts = []
    for row in rows:
        tasking = {name: row[f"t.{name}"] for name in _PART_COLUMNS}
        tasking = shown_to(role, row["state"], {**tasking, "area": row["area"]})
        parts.append(
            {
                "id": row["id"],
                "state": row["state"],
                "note": row["note"],
                "area": row["area"],
                "tasking": tasking,
            }
        )
    return parts


async def _area_centre(team_id: int | None) -> tuple[float, float] | None:
    if team_id is None:
        return None
    team = (
        await TeamArea.select(TeamArea.centre_lat, TeamArea.centre_lng)
        .where(TeamArea.id == team_id)
        .first()
    )
    return (team["centre_lat"], team["centre_lng"]) if team else None


def _point(part: dict) -> tuple[float, float] | None:
    t = part["tasking"]
    if t.get("lat") is not None:
        return t["lat"], t["lng"]
    return None


async def my_taskings(actor: Actor, lat: float | None = None, lng: float | None = None) -> dict:
    """The actor's offers, their own open taskings by due time, the finished ones apart, and the
    open ones nearest first (from where they are, if given, else from their team area's centre)."""
    async with snapshot():
        parts = await my_parts(actor.id, actor.role)
        if lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
            here, here_label = (lat, lng), "from where you are"
        else:
            here = await _area_centre(actor.home_team_id)
            here_label = "from the centre of your team area"
        nearby = []
        for part in parts:
            if part["state"] in states.FINAL:
                continue
            point = _point(part) or await _area_centre(part["tasking"]["team"])
            if here and point:
                nearby.append((great_circle(here, point).km, part))
        nearby.sort(key=lambda pair: pair[0])
        await record(actor, Operation.CONSULTATION, "tasking", "mine", detail=f"{len(parts)} shown")
    return {
        "offers": [p for p in parts if p["state"] == State.OFFERED],
        # Open work first; what is finished (done, cannot do, cancelled) sits apart.
        "mine": [
            p for p in parts if p["state"] != State.OFFERED and p["state"] not in states.FINAL
        ],
        "finished": [p for p in parts if p["state"] in states.FINAL],
        "nearby": nearby,
        "here_label": here_label,
    }


async def my_tasking(actor: Actor, tasking_id: int) -> dict:
    """One tasking the actor has a part in, their part, its history and the answers they may
    give; raises NotFound if they have no part in it (as if it did not exist). An offer not yet
    accepted shows no address, exact point or details (app/taskings/need_to_know.py)."""
    async with snapshot():
        part = (
            await TaskingAssignment.select()
            .where(
                (TaskingAssignment.tasking == tasking_id) & (TaskingAssignment.person == actor.id)
            )
            .first()
        )
        if part is None:
            raise NotFound(tasking_id)
        tasking = shown_to(actor.role, part["state"], await _tasking_row(tasking_id))
        history = (
            await TaskingEvent.select(TaskingEvent.to_state, TaskingEvent.note, TaskingEvent.at)
            .where(TaskingEvent.assignment == part["id"])
            .order_by(TaskingEvent.at)
        )
        await record(actor, Operation.CONSULTATION, "tasking", tasking_id)
    moves = sorted(states.allowed(State(part["state"]), states.ASSIGNEE), key=list(State).index)
    return {"tasking": tasking, "part": part, "history": history, "moves": moves}


async def _tasking_row(tasking_id: int) -> dict | None:
    return (
        await Tasking.select(*Tasking.all_columns(), Tasking.team.name.as_alias("area"))
        .where(Tasking.id == tasking_id)
        .first()
    )


async def desk(actor: Actor) -> dict:
    """The supervisor's desk: the latest 200 taskings, each with how many parts are in which
    state."""
    async with snapshot():
        taskings = (
            await Tasking.select(
                Tasking.id,
                Tasking.title,
                Tasking.kind,
                Tasking.priority,
                Tasking.mode,
                Tasking.starts_at,
                Tasking.cancelled,
                Tasking.alerted_at,
                Tasking.team.name.as_alias("area"),
            )
            .order_by(Tasking.starts_at, ascending=False)
            .limit(200)
        )
        parts = await TaskingAssignment.select(
            TaskingAssignment.tasking, TaskingAssignment.state
        ).where(TaskingAssignment.tasking.is_in([t["id"] for t in taskings] or [0]))
    counts: dict[int, dict[str, int]] = {}
    for part in parts:
        by = counts.setdefault(part["tasking"], {})
        by[part["state"]] = by.get(part["state"], 0) + 1
    return {"taskings": taskings, "counts": counts}


async def desk_tasking(actor: Actor, tasking_id: int, look: bool = True) -> dict:
    """One tasking on the desk: who has a part and how it stands, its history, the volunteers
    of the area left out of an offer (and why), and how notifications went. Raises NotFound.
    `look`: audit it as a look (the page's own refreshes continue the look its load recorded)."""
    async with snapshot() if look else snapshot():
        tasking = await _tasking_row(tasking_id)
        if tasking is None:
            raise NotFound(tasking_id)
        parts = (
            await TaskingAssignment.select(
                TaskingAssignment.id,
                TaskingAssignment.person,
                TaskingAssignment.state,
                TaskingAssignment.note,
                TaskingAssignment.updated_at,
                TaskingAssignment.person.display_name.as_alias("name"),
                TaskingAssignment.person.collar_number.as_alias("collar"),
            )
            .where(TaskingAssignment.tasking == tasking_id)
            .order_by(TaskingAssignment.id)
        )
        history = (
            await TaskingEvent.select(
                TaskingEvent.at,
                TaskingEvent.from_state,
                TaskingEvent.to_state,
                TaskingEvent.note,
                TaskingEvent.actor.display_name.as_alias("actor"),
                TaskingEvent.assignment.person.display_name.as_alias("about"),
            )
            .where(TaskingEvent.tasking == tasking_id)
            .order_by(TaskingEvent.id)
        )
        left_out = []
        if tasking["mode"] == "offer" and tasking["team"]:
            offered = {p["person"] for p in parts}
            for volunteer in await volunteers_of_area(tasking["team"]):
                reason = volunteer["why_not"](tasking["kind"])
                if volunteer["id"] not in offered and reason:
                    left_out.append((volunteer, reason))
        delivery = await delivery_by_person(tasking_id)
        if look:
            await record(actor, Operation.CONSULTATION, "tasking", tasking_id, detail="desk")
    return {
        "tasking": tasking,
        "parts": parts,
        "history": history,
        "left_out": left_out,
        "delivery": delivery,
        "taken": sum(p["state"] in TAKEN for p in parts),
    }


async def staff(actor: Actor) -> list[dict]:
    """Active staff a tasking may be assigned to, by name."""
    return (
        await Person.select(Person.id, Person.display_name, Person.role)
        .where(Person.role.is_in(list(STAFF)) & Person.active.eq(True))
        .order_by(Person.display_name)
    )
