"""Tasking changes: each with its history, audit entry and notifications in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from app.audit import Operation, record
from app.auth.sessions import Viewer
from app.database import atomic
from app.roles import Role
from app.settings import get_settings
from app.tables.people import Person, PersonTeam
from app.tables.taskings import Tasking, TaskingAssignment, TaskingEvent, VolunteerProfile
from app.taskings import states
from app.taskings.followups import close_followups
from app.taskings.kinds import TRAINING, why_not
from app.taskings.push_queue import enqueue
from app.taskings.states import State

TAKEN = (State.ACCEPTED, State.IN_PROGRESS, State.DONE)


def acting_as(person) -> SimpleNamespace:
    """A stand-in for a request by `person` (the demo and the bench act without HTTP)."""
    viewer = Viewer(
        id=person.id,
        username=person.username,
        display_name=person.display_name,
        role=Role(person.role),
        collar_number=person.collar_number,
        home_team_id=person.home_team,
        session_id=0,
    )
    return SimpleNamespace(user=viewer, scope={"user": viewer}, client=None)


def now() -> datetime:
    return datetime.now(UTC)


async def tasking_row(tasking_id: int) -> dict | None:
    """A tasking with its area's name, as a dict."""
    return (
        await Tasking.select(*Tasking.all_columns(), Tasking.team.name.as_alias("area"))
        .where(Tasking.id == tasking_id)
        .first()
    )


async def _event(tasking_id, assignment_id, actor, from_state, to_state, note="") -> None:
    await TaskingEvent.insert(
        TaskingEvent(
            tasking=tasking_id,
            assignment=assignment_id,
            actor=actor,
            from_state=from_state,
            to_state=to_state,
            note=note[:500],
        )
    )


async def volunteers_of_area(team_id: int) -> list[dict]:
    """Active volunteers whose home team, or one of whose extra teams, is the area."""
    extra = await PersonTeam.select(PersonTeam.person).where(PersonTeam.team == team_id)
    ids = [r["person"] for r in extra]
    where = Person.home_team == team_id
    if ids:
        where = where | Person.id.is_in(ids)
    people = await Person.select(Person.id, Person.display_name, Person.collar_number).where(
        (Person.role == Role.VOLUNTEER) & (Person.active.eq(True)) & where
    )
    profiles = {
        p["person"]: p
        for p in await VolunteerProfile.select().where(
            VolunteerProfile.person.is_in([p["id"] for p in people] or [0])
        )
    }
    for person in people:
        person["why_not"] = why_not_for(person["id"], profiles)
    return sorted(people, key=lambda p: p["display_name"])


def why_not_for(person_id: int, profiles: dict) -> object:
    """A callable kind -> reason, bound to one volunteer's profile."""
    profile = profiles.get(person_id)
    return lambda kind: why_not(kind, profile)


async def create(request, values: dict, staff_ids: list[int]) -> int:
    """Make a tasking and assign it to staff or offer it to the fit volunteers of its area."""
    user = request.user
    async with atomic():
        tasking = Tasking(**values, created_by=user.id)
        await tasking.save()
        await _event(tasking.id, None, user.id, "", "created", values["title"])
        row = await tasking_row(tasking.id)
        if values["mode"] == "assign":
            people = staff_ids
            state = State.ASSIGNED
        else:
            volunteers = await volunteers_of_area(values["team"])
            people = [v["id"] for v in volunteers if v["why_not"](values["kind"]) is None]
            state = State.OFFERED
        if people:  # in bulk: an offer may go to a thousand volunteers
            await TaskingAssignment.insert(
                *(TaskingAssignment(tasking=tasking.id, person=p, state=state) for p in people)
            )
            made = await TaskingAssignment.select(TaskingAssignment.id).where(
                TaskingAssignment.tasking == tasking.id
            )
            await TaskingEvent.insert(
                *(
                    TaskingEvent(
                        tasking=tasking.id, assignment=r["id"], actor=user.id, to_state=state
                    )
                    for r in made
                )
            )
        await enqueue(row, people, "assigned" if state == State.ASSIGNED else "offer")
        await record(
            request,
            Operation.COLLECTION,
            "tasking",
            tasking.id,
            detail=f"{values['mode']} to {len(people)} people",
        )
    return tasking.id


async def _lock(tasking_id: int) -> None:
    """Serialise answers to one tasking (PostgreSQL row lock; SQLite's write lock does it)."""
    if isinstance(Tasking._meta.db, PostgresEngine):
        await Tasking._meta.db.run_querystring(
            QueryString("SELECT id FROM tasking WHERE id = {} FOR UPDATE", tasking_id)
        )


class Refused(ValueError):
    """An answer that cannot be taken (the message says why, for the person)."""


async def answer(request, assignment_id: int, target: str, note: str = "", person_id=None) -> dict:
    """The assignee moves their own part on; raises Refused, or LookupError if it is not theirs."""
    person_id = person_id if person_id is not None else request.user.id
    async with atomic():
        part = (
            await TaskingAssignment.select()
            .where(
                (TaskingAssignment.id == assignment_id) & (TaskingAssignment.person == person_id)
            )
            .first()
        )
        if part is None:
            raise LookupError(assignment_id)
        await _lock(part["tasking"])
        # Read again under the lock: a double tap's second answer sees the first one's state.
        part = await TaskingAssignment.select().where(TaskingAssignment.id == assignment_id).first()
        tasking = await tasking_row(part["tasking"])
        try:
            new = states.check(part["state"], target, states.ASSIGNEE)
        except states.TransitionRefused as exc:
            raise Refused(_refusal(part["state"], target)) from exc
        if new in states.NOTE_REQUIRED and not note.strip():
            raise Refused(states.NOTE_REQUIRED[new])
        if new == State.ACCEPTED:
            taken = await TaskingAssignment.count().where(
                (TaskingAssignment.tasking == tasking["id"])
                & TaskingAssignment.state.is_in(list(TAKEN))
            )
            if taken >= tasking["places_wanted"]:
                raise Refused("All the places on this tasking have been taken")
        await TaskingAssignment.update(
            {
                TaskingAssignment.state: new,
                TaskingAssignment.note: note[:500],
                TaskingAssignment.updated_at: now(),
            }
        ).where(TaskingAssignment.id == assignment_id)
        await _event(tasking["id"], assignment_id, person_id, part["state"], new, note)
        if new == State.ACCEPTED and taken + 1 >= tasking["places_wanted"]:
            await _close_offers(tasking["id"])
        if new == State.DONE:
            # What the tasking was made for (a visit's follow-up, a promise) is done with it.
            await close_followups(request, tasking["id"])
        await record(
            request,
            Operation.ALTERATION,
            "tasking",
            tasking["id"],
            detail=f"{part['state']} to {new}",
        )
        return {"tasking": tasking["id"], "state": new}


def _refusal(current: str, target: str) -> str:
    """Why an answer was refused, in the assignee's words."""
    if current == State.CLOSED:
        return "All the places on this tasking have been taken"
    if current == State.CANCELLED:
        return "This tasking has been cancelled"
    wanted = State(target).label.lower() if target in set(State) else "that"
    return f"It is {State(current).label.lower()}, so it cannot be marked {wanted} yet"


async def _close_offers(tasking_id: int) -> None:
    """The places are filled: offers nobody answered close."""
    open_offers = await TaskingAssignment.select(TaskingAssignment.id).where(
        (TaskingAssignment.tasking == tasking_id) & (TaskingAssignment.state == State.OFFERED)
    )
    for row in open_offers:
        await TaskingAssignment.update(
            {TaskingAssignment.state: State.CLOSED, TaskingAssignment.updated_at: now()}
        ).where(TaskingAssignment.id == row["id"])
        await _event(tasking_id, row["id"], None, State.OFFERED, State.CLOSED, "places filled")


async def _open_parts(tasking_id: int) -> list[dict]:
    return await TaskingAssignment.select().where(
        (TaskingAssignment.tasking == tasking_id)
        & TaskingAssignment.state.not_in(list(states.FINAL))
    )


async def cancel(request, tasking_id: int, reason: str) -> None:
    """The supervisor cancels: every part not finished is cancelled and its person told."""
    async with atomic():
        tasking = await tasking_row(tasking_id)
        parts = await _open_parts(tasking_id)
        for part in parts:
            states.check(part["state"], State.CANCELLED, states.SUPERVISOR)
            await TaskingAssignment.update(
                {TaskingAssignment.state: State.CANCELLED, TaskingAssignment.updated_at: now()}
            ).where(TaskingAssignment.id == part["id"])
            await _event(tasking_id, part["id"], request.user.id, part["state"], "cancelled")
        await Tasking.update({Tasking.cancelled: True, Tasking.updated_at: now()}).where(
            Tasking.id == tasking_id
        )
        await _event(tasking_id, None, request.user.id, "", "cancelled", reason)
        await enqueue(tasking, [p["person"] for p in parts], "cancelled")
        await record(request, Operation.ALTERATION, "tasking", tasking_id, detail="cancelled")


async def change(request, tasking_id: int, values: dict) -> list[str]:
    """The supervisor changes a tasking; everyone still on it is told."""
    async with atomic():
        before = await tasking_row(tasking_id)
        changed = [k for k, v in values.items() if before[k] != v]
        if not changed:
            return []
        await Tasking.update({**values, "updated_at": now()}).where(Tasking.id == tasking_id)
        await _event(tasking_id, None, request.user.id, "", "changed", ", ".join(changed))
        parts = await _open_parts(tasking_id)
        await enqueue(await tasking_row(tasking_id), [p["person"] for p in parts], "changed")
        await record(
            request, Operation.ALTERATION, "tasking", tasking_id, detail=", ".join(changed)
        )
        return changed


async def alert_unacknowledged(at: datetime | None = None) -> list[int]:
    """Urgent taskings nobody answered in time: alert the supervisor who set them, once."""
    at = at or now()
    limit = at - timedelta(minutes=get_settings().tasking_urgent_ack_minutes)
    due = await Tasking.select(Tasking.id).where(
        (Tasking.priority == "urgent")
        & (Tasking.cancelled.eq(False))
        & (Tasking.alerted_at.is_null())
        & (Tasking.created_at <= limit)
    )
    alerted = []
    for row in due:
        async with atomic():
            tasking = await tasking_row(row["id"])
            parts = await TaskingAssignment.select(TaskingAssignment.state).where(
                TaskingAssignment.tasking == row["id"]
            )
            waiting = [p for p in parts if p["state"] == State.ASSIGNED]
            taken = [p for p in parts if p["state"] in TAKEN]
            late = waiting if tasking["mode"] == "assign" else len(taken) < tasking["places_wanted"]
            # The claim: only one app server sets alerted_at, so only one alert is sent.
            claimed = (
                await Tasking.update({Tasking.alerted_at: at})
                .where((Tasking.id == row["id"]) & Tasking.alerted_at.is_null())
                .returning(Tasking.id)
            )
            if not claimed or not late or tasking["created_by"] is None:
                continue
            minutes = get_settings().tasking_urgent_ack_minutes
            await _event(row["id"], None, None, "", "alert", f"not acknowledged in {minutes} min")
            await enqueue(tasking, [tasking["created_by"]], "alert")
            alerted.append(row["id"])
    return alerted


def training_labels(profile: dict | None) -> list[str]:
    return [label for key, label in TRAINING.items() if profile and profile.get(key)]
