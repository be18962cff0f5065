"""Tasking changes, each taking the actor first: the change, its history, its audit entry and its
notifications (the push queue) in one transaction.

Other features call these by name: visits and engagement make follow-up taskings with
`create`, the log cancels with `cancel`, patrol tells patrollers with `create`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from app import outcomes
from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic
from app.forms import FormErrors
from app.outcomes import NotFound
from app.phone_outbox import NotTheSender
from app.roles import Role
from app.settings import get_settings
from app.tables.people import Person, PersonTeam
from app.tables.places import TeamArea
from app.tables.taskings import Tasking, TaskingAssignment, TaskingEvent, VolunteerProfile
from app.taskings import states
from app.taskings.followups import close_followups
from app.taskings.forms import STAFF, TaskingForm
from app.taskings.geocoding import address_at, look_up
from app.taskings.kinds import TRAINING, why_not
from app.taskings.need_to_know import names_the_house
from app.taskings.push_queue import enqueue
from app.taskings.states import State
from app.taskings.volunteers import why_not_accept

TAKEN = (State.ACCEPTED, State.IN_PROGRESS, State.DONE)
# An answer that cannot be taken (the message says why, for the person).
Refused = outcomes.Refused


def now() -> datetime:
    return datetime.now(UTC)


async def tasking_row(tasking_id: int) -> dict | None:
    """A tasking with its area's name, as a dict."""
    return (
        await Tasking.select(*Tasking.all_columns(), Tasking.team.name.as_alias("area"))
        .where(Tasking.id == tasking_id)
        .first()
    )


async def get(actor: Actor, tasking_id: int) -> dict:
    """A tasking (with its area's name) for the desk; raises NotFound."""
    row = await tasking_row(tasking_id)
    if row is None:
        raise NotFound(tasking_id)
    return row


async def _event(
    tasking_id, assignment_id, actor_id, from_state, to_state, note="", client_uuid=None
) -> None:
    await TaskingEvent.insert(
        TaskingEvent(
            tasking=tasking_id,
            assignment=assignment_id,
            actor=actor_id,
            from_state=from_state,
            to_state=to_state,
            note=note[:500],
            client_uuid=client_uuid,
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


async def create(
    actor: Actor, values: dict, staff_ids: list[int], offer_to: list[int] | None = None
) -> int:
    """Make a tasking and assign it to staff or offer it to the fit volunteers of its area
    (`offer_to`: only those of them named, e.g. the volunteer a problem's action is given to).
    `values` are the Tasking's columns (already checked); joins the caller's transaction."""
    async with atomic():
        tasking = Tasking(**values, created_by=actor.id)
        await tasking.save()
        await _event(tasking.id, None, actor.id, "", "created", values["title"])
        row = await tasking_row(tasking.id)
        if values["mode"] == "assign":
            people = staff_ids
            state = State.ASSIGNED
        else:
            volunteers = await volunteers_of_area(values["team"])
            people = [v["id"] for v in volunteers if v["why_not"](values["kind"]) is None]
            if offer_to is not None:
                people = [p for p in people if p in set(offer_to)]
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
                        tasking=tasking.id, assignment=r["id"], actor=actor.id, to_state=state
                    )
                    for r in made
                )
            )
        await enqueue(row, people, "assigned" if state == State.ASSIGNED else "offer")
        await record(
            actor,
            Operation.COLLECTION,
            "tasking",
            tasking.id,
            detail=f"{values['mode']} to {len(people)} people",
        )
    return tasking.id


# Volunteers see an offer's title before they accept; its address only once they have.
TITLE_NAMES_HOUSE = (
    "Volunteers see the title before they accept: leave out the house number and flat "
    "(whoever accepts sees the address)"
)


async def _check_with_database(
    values: dict, errors: FormErrors, creating: bool, mode: str | None = None
) -> list[int]:
    """What the form cannot check alone: the area and the staff exist, the address is found,
    an offer's title does not give the house away. Sets the address's point; returns the staff
    to assign."""
    typed = values.get("address") or ""
    if values.get("team") is not None and not await TeamArea.exists().where(
        TeamArea.id == values["team"]
    ):
        errors.add("team", "Choose the team area the tasking is in")
    if values.get("place_kind") == "address" and values.get("address"):
        found = await look_up(values["address"])
        if found is None:
            errors.add("address", "That address was not found: check it, or enter a point")
        else:
            values.update(address=found.address[:200], lat=found.latitude, lng=found.longitude)
    elif values.get("place_kind") == "point" and values.get("lat") is not None and not errors:
        # A point picked or typed: the address there (reverse look-up) is shown instead of the
        # coordinates; an offer shows only its street until accepted (need_to_know.py).
        values["address"] = ((await address_at(values["lat"], values["lng"])) or "")[:200]
    offered = (values.get("mode") or mode) == "offer"
    if offered and values.get("title"):  # typed, or looked up from a point: either may name it
        if any(names_the_house(values["title"], a) for a in (typed, values.get("address"))):
            errors.add("title", TITLE_NAMES_HOUSE)
    staff = values.pop("staff", None) or []
    if creating and values.get("mode") == "assign":
        found_staff = await Person.select(Person.id).where(
            Person.id.is_in(staff or [0]) & Person.role.is_in(list(STAFF)) & Person.active.eq(True)
        )
        if not staff or len(found_staff) != len(set(staff)):
            errors.add("staff", "Choose at least one member of staff to assign it to")
    return staff


async def add(
    actor: Actor, values: dict, errors: FormErrors | None = None
) -> tuple[int | None, FormErrors]:
    """The supervisor's new tasking (values and errors from TaskingForm.parse): its id, or the
    errors and nothing stored."""
    errors = FormErrors(errors or {})
    values = dict(values)
    # Outside the transaction: the address lookup may go over the network.
    staff = await _check_with_database(values, errors, creating=True)
    if errors:
        return None, TaskingForm.in_order(errors)
    return await create(actor, values, staff), errors


async def edit(
    actor: Actor, tasking_id: int, values: dict, errors: FormErrors | None = None
) -> FormErrors:
    """The supervisor changes a tasking (values from TaskingChangeForm.parse); raises NotFound;
    returns the errors (nothing changed if any)."""
    tasking = await get(actor, tasking_id)
    found = FormErrors()
    if tasking["cancelled"]:
        found.add("title", "This tasking has been cancelled and cannot be changed")
    for name, message in (errors or {}).items():
        found.add(name, message)
    values = dict(values)
    await _check_with_database(values, found, creating=False, mode=tasking["mode"])
    if found:
        return TaskingForm.in_order(found)
    await change(actor, tasking_id, values)
    return found


async def _lock(tasking_id: int) -> None:
    """Serialise answers to one tasking (PostgreSQL row lock; SQLite's write lock does it)."""
    if isinstance(Tasking._meta.db, PostgresEngine):
        await Tasking._meta.db.run_querystring(
            QueryString("SELECT id FROM tasking WHERE id = {} FOR UPDATE", tasking_id)
        )


async def _answered_before(actor: Actor, client_uuid: str | None) -> dict | None:
    """The answer the phone already sent with this UUID (a replay), or None. The same UUID
    used by another person, or for another tasking, is refused as theirs (NotTheSender, 409)."""
    if not client_uuid:
        return None
    found = (
        await TaskingEvent.select(TaskingEvent.tasking, TaskingEvent.to_state, TaskingEvent.actor)
        .where(TaskingEvent.client_uuid == client_uuid)
        .first()
    )
    if found is None:
        return None
    if found["actor"] != actor.id:
        raise NotTheSender(detail="That record number is already used")
    return {"tasking": found["tasking"], "state": found["to_state"], "replay": True}


async def answer(
    actor: Actor, assignment_id: int, target: str, note: str = "", client_uuid: str | None = None
) -> dict:
    """The assignee moves their own part on; raises Refused, or NotFound if it is not theirs.
    With the phone's `client_uuid` an answer is stored once: a replay changes nothing and
    returns what was stored, marked "replay"."""
    async with atomic():
        part = (
            await TaskingAssignment.select()
            .where((TaskingAssignment.id == assignment_id) & (TaskingAssignment.person == actor.id))
            .first()
        )
        if part is None:
            raise NotFound(assignment_id)
        await _lock(part["tasking"])
        # Under the lock (SQLite: the one writer) a replay finds the first send's event.
        if (before := await _answered_before(actor, client_uuid)) is not None:
            if before["tasking"] != part["tasking"]:
                raise NotTheSender(detail="That record number is already used")
            return before
        # Read again under the lock: a double tap's second answer sees the first one's state.
        part = await TaskingAssignment.select().where(TaskingAssignment.id == assignment_id).first()
        tasking = await tasking_row(part["tasking"])
        try:
            new = states.check(part["state"], target, states.ASSIGNEE)
        except states.TransitionRefused as exc:
            raise Refused(_refusal(part["state"], target)) from exc
        if new in states.NOTE_REQUIRED and not note.strip():
            raise Refused(states.NOTE_REQUIRED[new])
        if new == State.ACCEPTED and (lapsed := await why_not_accept(actor, tasking["kind"])):
            raise Refused(f"You cannot accept this now: your volunteer profile {lapsed}")
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
        await _event(tasking["id"], assignment_id, actor.id, part["state"], new, note, client_uuid)
        if new == State.ACCEPTED and taken + 1 >= tasking["places_wanted"]:
            await _close_offers(tasking["id"])
        if new == State.DONE:
            # What the tasking was made for (a visit's follow-up, a promise) is done with it.
            await close_followups(actor, tasking["id"])
        await record(
            actor,
            Operation.ALTERATION,
            "tasking",
            tasking["id"],
            detail=f"{part['state']} to {new}",
        )
        return {"tasking": tasking["id"], "state": new}


async def answer_tasking(
    actor: Actor, tasking_id: int, target: str, note: str = "", client_uuid: str | None = None
) -> dict:
    """The actor answers their own part in a tasking; raises NotFound (not theirs) or Refused.
    With the phone's `client_uuid` a replay is stored once (see `answer`)."""
    async with atomic():
        part = await _part_of(actor, tasking_id)
        return await answer(actor, part["id"], target, note, client_uuid)


async def _part_of(actor: Actor, tasking_id: int) -> dict:
    part = (
        await TaskingAssignment.select()
        .where((TaskingAssignment.tasking == tasking_id) & (TaskingAssignment.person == actor.id))
        .first()
    )
    if part is None:  # not yours: as if it did not exist
        raise NotFound(tasking_id)
    return part


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


async def cancel(actor: Actor, tasking_id: int, reason: str) -> None:
    """The supervisor cancels: every part not finished is cancelled and its person told.
    A tasking already cancelled stays as it is."""
    async with atomic():
        tasking = await tasking_row(tasking_id)
        if tasking is None:
            raise NotFound(tasking_id)
        if tasking["cancelled"]:
            return
        parts = await _open_parts(tasking_id)
        for part in parts:
            states.check(part["state"], State.CANCELLED, states.SUPERVISOR)
            await TaskingAssignment.update(
                {TaskingAssignment.state: State.CANCELLED, TaskingAssignment.updated_at: now()}
            ).where(TaskingAssignment.id == part["id"])
            await _event(tasking_id, part["id"], actor.id, part["state"], State.CANCELLED)
        await Tasking.update({Tasking.cancelled: True, Tasking.updated_at: now()}).where(
            Tasking.id == tasking_id
        )
        await _event(tasking_id, None, actor.id, "", State.CANCELLED, reason)
        await enqueue(tasking, [p["person"] for p in parts], "cancelled")
        await record(actor, Operation.ALTERATION, "tasking", tasking_id, detail="cancelled")


async def change(actor: Actor, tasking_id: int, values: dict) -> list[str]:
    """The supervisor changes a tasking; everyone still on it is told. Returns what changed."""
    async with atomic():
        before = await tasking_row(tasking_id)
        if before is None:
            raise NotFound(tasking_id)
        changed = [k for k, v in values.items() if before[k] != v]
        if not changed:
            return []
        await Tasking.update({**values, "updated_at": now()}).where(Tasking.id == tasking_id)
        await _event(tasking_id, None, actor.id, "", "changed", ", ".join(changed))
        parts = await _open_parts(tasking_id)
        await enqueue(await tasking_row(tasking_id), [p["person"] for p in parts], "changed")
        await record(actor, Operation.ALTERATION, "tasking", tasking_id, detail=", ".join(changed))
        return changed


async def alert_unacknowledged(at: datetime | None = None) -> list[int]:
    """Urgent taskings nobody answered in time: alert the supervisor who set them, once.
    The push sender runs it (no one acts: nothing is audited)."""
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
