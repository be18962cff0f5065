"""Shifts: a member of staff starts one (now or later today) or sets a weekly pattern; at a
shift's start, if they opted in, a push ("Abbey: 3 new incidents since your last shift, 1 urgent
tasking") that opens their briefing is queued on the push queue (app/taskings/push_queue.py's
table; app/taskings/sender.py sends it). due() is run by the loop in app/shifts/loop.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app import audit
from app.actor import Actor
from app.areas.cells import area_map
from app.areas.figures import all_centres
from app.audit import Operation
from app.clock import LOCAL_TIME
from app.database import atomic, snapshot
from app.outcomes import NotFound
from app.tables.places import TeamArea
from app.tables.shifts import Shift, ShiftPattern
from app.tables.taskings import PushMessage, PushStatus, PushSubscription
from app.taskings.states import State

# A shift whose start passed longer ago than this is not pushed: a message an hour late (a
# server that was down) would wake nobody usefully.
GRACE = timedelta(minutes=15)
# With no earlier shift, "since your last shift" is the day before this one.
NO_EARLIER = timedelta(hours=24)
PUSH_TTL = 3600
URGENT_OPEN = (State.OFFERED, State.ASSIGNED, State.ACKNOWLEDGED, State.ACCEPTED, State.IN_PROGRESS)


def now() -> datetime:
    return datetime.now(UTC)


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=LOCAL_TIME).astimezone(UTC)


async def mine(actor: Actor, at: datetime | None = None) -> dict:
    """The actor's shifts of the last week and to come, and their weekly pattern."""
    at = at or now()
    async with snapshot():
        shifts = (
            await Shift.select()
            .where((Shift.person == actor.id) & (Shift.ends_at >= at - timedelta(days=7)))
            .order_by(Shift.starts_at, ascending=False)
            .limit(30)
        )
        patterns = (
            await ShiftPattern.select()
            .where(ShiftPattern.person == actor.id)
            .order_by(ShiftPattern.weekday)
        )
    for shift in shifts:
        shift["now"] = shift["starts_at"] <= at < shift["ends_at"]
    return {"shifts": shifts, "patterns": patterns}


async def start(actor: Actor, values: dict, at: datetime | None = None) -> int:
    """Start a shift of the actor: now, or at the time given today (UK time)."""
    at = at or now()
    starts_at = (
        _at(at.astimezone(LOCAL_TIME).date(), values["starts"]) if values.get("starts") else at
    )
    async with atomic():
        shift = Shift(
            person=actor.id,
            team=actor.home_team_id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=values.get("hours") or 8),
            push=bool(values.get("push")),
        )
        await shift.save()
        await audit.record(actor, Operation.COLLECTION, "shift", shift.id, detail="shift started")
    return shift.id


async def set_pattern(actor: Actor, values: dict) -> int:
    """Replace the actor's weekly pattern (no days: no pattern)."""
    async with atomic():
        await ShiftPattern.delete().where(ShiftPattern.person == actor.id)
        rows = [
            ShiftPattern(
                person=actor.id,
                weekday=int(day),
                starts=values["starts"],
                hours=values.get("hours") or 8,
                push=bool(values.get("push")),
            )
            for day in values.get("days") or []
        ]
        if rows:
            await ShiftPattern.insert(*rows)
        await audit.record(
            actor, Operation.ALTERATION, "shift_pattern", actor.id, detail=f"{len(rows)} days"
        )
    return len(rows)


async def end(actor: Actor, shift_id: int, at: datetime | None = None) -> None:
    """End one of the actor's shifts now (one still to come is taken away)."""
    at = at or now()
    async with atomic():
        shift = (
            await Shift.select(Shift.id, Shift.starts_at)
            .where((Shift.id == shift_id) & (Shift.person == actor.id))
            .first()
        )
        if shift is None:
            raise NotFound(shift_id)
        if shift["starts_at"] > at:
            await Shift.delete().where(Shift.id == shift_id)
        else:
            await Shift.update({Shift.ends_at: at}).where(Shift.id == shift_id)
        await audit.record(actor, Operation.ALTERATION, "shift", shift_id, detail="shift ended")


# The background part: shifts made from patterns, and the pushes at shifts' starts. -----------


async def _make_from_patterns(at: datetime) -> int:
    """Make the shift of each pattern whose start is due now (once: the claim is an UPDATE
    that re-checks, so two servers cannot both make it)."""
    local_today = at.astimezone(LOCAL_TIME).date()
    made = 0
    for day in (local_today - timedelta(days=1), local_today):
        patterns = await ShiftPattern.select().where(ShiftPattern.weekday == day.weekday())
        for pattern in patterns:
            starts_at = _at(day, pattern["starts"])
            if not starts_at <= at < starts_at + GRACE:
                continue
            claimed = (
                await ShiftPattern.update({ShiftPattern.last_made_for: starts_at})
                .where(
                    (ShiftPattern.id == pattern["id"])
                    & (
                        ShiftPattern.last_made_for.is_null()
                        | (ShiftPattern.last_made_for < starts_at)
                    )
                )
                .returning(ShiftPattern.id, ShiftPattern.person)
            )
            if not claimed:
                continue
            person = claimed[0]["person"]
            team = await _home_team(person)
            await Shift(
                person=person,
                team=team,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=pattern["hours"]),
                push=pattern["push"],
                pattern=pattern["id"],
            ).save()
            made += 1
    return made


async def _home_team(person_id: int) -> int | None:
    from app.tables.people import Person

    row = await Person.select(Person.home_team).where(Person.id == person_id).first()
    return row["home_team"] if row else None


async def new_incidents(team_id: int | None, since: datetime, until: datetime) -> int:
    """Incidents in the team area (its grid cells: app/areas/cells.py) between the two times."""
    if team_id is None:
        return 0
    cells = area_map(await all_centres()).cells_of(team_id)
    if not cells:
        return 0
    marks = ", ".join("{}" for _ in cells)
    rows = await TeamArea.raw(
        "SELECT COUNT(*) AS n FROM incident WHERE occurred_at >= {} AND occurred_at < {}"  # noqa: S608
        f" AND cell IN ({marks})",
        since,
        until,
        *cells,
    )
    return int(rows[0]["n"] or 0)


async def urgent_taskings(person_id: int) -> int:
    """The person's open urgent taskings and offers."""
    marks = ", ".join("{}" for _ in URGENT_OPEN)
    rows = await TeamArea.raw(
        "SELECT COUNT(*) AS n FROM tasking_assignment a JOIN tasking t ON t.id = a.tasking"  # noqa: S608
        f" WHERE a.person = {{}} AND a.state IN ({marks}) AND t.priority = 'urgent'"
        " AND t.cancelled = {}",
        person_id,
        *URGENT_OPEN,
        False,
    )
    return int(rows[0]["n"] or 0)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


async def briefing_title(shift: dict) -> str:
    """'Abbey: 3 new incidents since your last shift, 1 urgent tasking' (no personal data)."""
    earlier = (
        await Shift.select(Shift.ends_at)
        .where(
            (Shift.person == shift["person"])
            & (Shift.starts_at < shift["starts_at"])
            & (Shift.id != shift["id"])
        )
        .order_by(Shift.starts_at, ascending=False)
        .first()
    )
    since = (
        min(earlier["ends_at"], shift["starts_at"]) if earlier else shift["starts_at"] - NO_EARLIER
    )
    incidents = await new_incidents(shift["team"], since, shift["starts_at"])
    urgent = await urgent_taskings(shift["person"])
    area = "Your area"
    if shift["team"] is not None:
        row = await TeamArea.select(TeamArea.name).where(TeamArea.id == shift["team"]).first()
        area = row["name"] if row else area
    since_words = "since your last shift" if earlier else "in the last 24 hours"
    incidents_words = _plural(incidents, "new incident")
    title = f"{area}: {incidents_words} {since_words}, {_plural(urgent, 'urgent tasking')}"
    return title[:120]


async def due(at: datetime | None = None) -> int:
    """Make the pattern shifts now due, and queue the push of each opted-in shift starting now
    (one per device; a 'no device' row when they have none). Returns the messages queued."""
    at = at or now()
    queued = 0
    async with atomic():
        await _make_from_patterns(at)
        starting = (
            await Shift.update({Shift.pushed_at: at})
            .where(
                Shift.push.eq(True)
                & Shift.pushed_at.is_null()
                & (Shift.starts_at <= at)
                & (Shift.starts_at > at - GRACE)
            )
            .returning(Shift.id, Shift.person, Shift.team, Shift.starts_at)
        )
        for shift in starting:
            title = await briefing_title(shift)
            await Shift.update({Shift.push_title: title}).where(Shift.id == shift["id"])
            subs = await PushSubscription.select(PushSubscription.id).where(
                PushSubscription.person == shift["person"]
            )
            rows = [
                PushMessage(
                    tasking=None,
                    person=shift["person"],
                    subscription=sub["id"] if sub else None,
                    kind="shift",
                    title=title,
                    ttl=PUSH_TTL,
                    urgency="normal",
                    status=PushStatus.PENDING if sub else PushStatus.NO_DEVICE,
                )
                for sub in (subs or [None])
            ]
            await PushMessage.insert(*rows)
            queued += len(rows)
    return queued
