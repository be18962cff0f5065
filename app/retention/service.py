"""Retention's use cases: what is due, keeping a record (with a reason and a review date), and
erasing (one record from the review page, or everything due from `beatbook retention --apply`).

Erasing blanks a record's personal fields, writes its tombstone (kind, number, the phone's UUID,
its date) and one audit entry per record holding only the kind, the number and dates; the bulk
kinds are deleted with one entry holding the count. The audit log's own period is applied only by
`apply()` (the command), never from the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.clock import LOCAL_TIME
from app.database import atomic, snapshot
from app.forms import Date, Form, FormErrors, Text
from app.outcomes import NotAllowed, NotFound
from app.retention import schedule
from app.retention.kinds import BULK_KINDS, RECORD_KINDS, Due, RecordKind, chunks
from app.roles import MANAGERS, Role
from app.tables.mentoring import MentorCoordinator
from app.tables.retention import RetentionHold, Tombstone

# Who acts when `beatbook retention` runs: no person, named so in the log.
COMMAND_LINE = Actor(
    id=None, username="(command line)", display_name="(command line)", role=Role.ADMIN
)
SHOWN_PER_KIND = 50  # records listed per kind on the review page (the count says how many)
LONGEST_HOLD_DAYS = 3650


@dataclass
class KindDue:
    """One kind's part of the report: its period and what is past it."""

    kind: str
    label: str
    days: int
    counted_from: str
    cutoff: datetime
    bulk: bool
    count: int = 0
    records: list[Due] = field(default_factory=list)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _today(now: datetime) -> date:
    return now.astimezone(LOCAL_TIME).date()


async def _erased_ids(kind: str, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(ids):
        rows = await Tombstone.select(Tombstone.record_id).where(
            (Tombstone.kind == kind) & Tombstone.record_id.is_in(part)
        )
        found.update(r["record_id"] for r in rows)
    return found


async def _held_ids(kind: str, today: date) -> set[int]:
    rows = await RetentionHold.select(RetentionHold.record_id).where(
        (RetentionHold.kind == kind) & (RetentionHold.review_on > today)
    )
    return {r["record_id"] for r in rows}


async def _due(spec: RecordKind, days: int, now: datetime, ids=None) -> list[Due]:
    """The kind's records past the period: not erased already, not kept past today."""
    rows = await spec.candidates(now - timedelta(days=days), ids)
    if not rows:
        return []
    skip = await _erased_ids(spec.name, [r.id for r in rows])
    skip |= await _held_ids(spec.name, _today(now))
    return sorted((r for r in rows if r.id not in skip), key=lambda r: (r.date, r.id))


async def _may_review(actor: Actor):
    """Which due records the actor may decide on: an admin every one; a supervisor their teams'
    records and incidents, and mentoring records only as the mentor coordinator."""
    if actor.role not in MANAGERS:
        raise NotAllowed("Only supervisors and admins review retention")
    if actor.role == Role.ADMIN:
        return lambda spec, due: True
    teams = set(await actor.team_ids())
    coordinator = await MentorCoordinator.exists().where(MentorCoordinator.person == actor.id)

    def may(spec: RecordKind, due: Due) -> bool:
        if spec.mentoring:
            return coordinator
        if due.kind == "incident":
            return True
        return due.team is not None and due.team in teams

    return may


async def report(actor: Actor, now: datetime | None = None) -> list[KindDue]:
    """Every kind with its period and what is due (everything, for the command's actor)."""
    now = _now(now)
    days = schedule.current()
    may = await _may_review(actor)
    found = []
    async with snapshot():
        for period in schedule.DEFAULTS:
            cutoff = now - timedelta(days=days[period.kind])
            entry = KindDue(
                period.kind,
                period.label,
                days[period.kind],
                period.counted_from,
                cutoff,
                period.kind in BULK_KINDS,
            )
            if entry.bulk:
                entry.count = await BULK_KINDS[period.kind].count(cutoff)
            else:
                spec = RECORD_KINDS[period.kind]
                entry.records = [
                    d for d in await _due(spec, days[period.kind], now) if may(spec, d)
                ]
                entry.count = len(entry.records)
            found.append(entry)
    return found


async def review(actor: Actor, now: datetime | None = None) -> list[KindDue]:
    """The review page: each record kind's due records the actor may decide on (the first
    SHOWN_PER_KIND of each), and the bulk kinds' counts. Audited as a consultation."""
    kinds = await report(actor, now)
    listed = 0
    for entry in kinds:
        entry.records = entry.records[:SHOWN_PER_KIND]
        listed += len(entry.records)
    await audit.record(
        actor, Operation.CONSULTATION, "retention", "", detail=f"review list: {listed} records"
    )
    return kinds


async def _erase(actor: Actor, spec: RecordKind, rows: list[Due], days: int) -> None:
    """Blank the records, write their tombstones and the erasure entries (no erased values),
    and drop any earlier decision to keep them (its reason may name the person)."""
    ids = [r.id for r in rows]
    await spec.erase(ids)
    await Tombstone.insert(
        *[Tombstone(kind=r.kind, record_id=r.id, uuid=r.uuid, record_date=r.date) for r in rows]
    )
    await RetentionHold.delete().where(
        (RetentionHold.kind == spec.name) & RetentionHold.record_id.is_in(ids)
    )
    for r in rows:
        await audit.record(
            actor,
            Operation.ERASURE,
            r.kind,
            r.id,
            detail=f"retention: dated {r.date:%Y-%m-%d}, period {days} days",
        )


async def apply(actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Erase everything due (the command's --apply): returns how many of each kind."""
    now = _now(now)
    days = schedule.current()
    erased: dict[str, int] = {}
    for period in schedule.DEFAULTS:
        kind = period.kind
        if kind in BULK_KINDS:
            async with atomic():
                cutoff = now - timedelta(days=days[kind])
                count = await BULK_KINDS[kind].delete(cutoff)
                if count:
                    await audit.record(
                        actor,
                        Operation.ERASURE,
                        kind,
                        "",
                        detail=f"retention: {count} deleted, dated before {cutoff:%Y-%m-%d}",
                    )
            erased[kind] = count
            continue
        spec = RECORD_KINDS[kind]
        async with atomic():
            due = await _due(spec, days[kind], now)
            for part in chunks(range(len(due))):
                await _erase(actor, spec, [due[i] for i in part], days[kind])
        erased[kind] = len(due)
    return erased


async def _one_due(actor: Actor, kind: str, record_id: int, now: datetime) -> tuple:
    """(spec, the record, its period) when it is due and the actor may decide on it."""
    may = await _may_review(actor)
    spec = RECORD_KINDS.get(kind)
    if spec is None:
        raise NotFound("No such kind of record")
    days = schedule.current()[kind]
    rows = await _due(spec, days, now, [record_id])
    if not rows or not may(spec, rows[0]):
        raise NotFound("That record is not due for review")
    return spec, rows[0], days


async def erase_one(actor: Actor, kind: str, record_id: int, now: datetime | None = None) -> None:
    """Erase one due record, as --apply would (from the review page)."""
    now = _now(now)
    async with atomic():
        spec, row, days = await _one_due(actor, kind, record_id, now)
        await _erase(actor, spec, [row], days)


class KeepForm(Form):
    """Keeping a due record: why it is still needed, and when to look at it again."""

    reason = Text(
        "Say why this record is still needed",
        required=True,
        max_length=500,
        too_long="Keep the reason to 500 characters or fewer",
    )
    review_on = Date("Enter the date to review it again, like 2027-06-01", required=True)


async def keep(
    actor: Actor, kind: str, record_id: int, data: Any, now: datetime | None = None
) -> FormErrors:
    """Keep a due record until a later review date (values from KeepForm); the reason is kept
    with the decision, the audit entry says only that it was kept and until when."""
    now = _now(now)
    values, errors = KeepForm.parse(data)
    today = _today(now)
    review_on = values["review_on"]
    if review_on is not None and not today < review_on <= today + timedelta(days=LONGEST_HOLD_DAYS):
        errors.add("review_on", "Choose a review date after today and within ten years")
    async with atomic():
        await _one_due(actor, kind, record_id, now)
        if errors:
            return errors
        await RetentionHold(
            kind=kind,
            record_id=record_id,
            reason=values["reason"],
            review_on=review_on,
            decided_by=actor.id,
        ).save()
        await audit.record(
            actor,
            Operation.ALTERATION,
            kind,
            record_id,
            detail=f"retention: kept, next review {review_on:%Y-%m-%d}",
        )
    return errors
