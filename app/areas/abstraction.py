"""Abstraction: staff record time they were taken away from neighbourhood work (response cover,
custody, court, training, a planned operation or event); supervisors see it per person, area
and week on the area page (app/areas/figures.py counts it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.database import atomic, snapshot
from app.outcomes import NotAllowed, NotFound
from app.tables.areas import Abstraction

RECENT_DAYS = 28


def _may_record(actor: Actor) -> None:
    if not actor.is_police:
        raise NotAllowed("Abstraction is recorded by police staff")


async def record(actor: Actor, values: dict, now: datetime | None = None) -> int:
    """Store one abstraction of the actor (police roles) from AbstractionForm's values, against
    their home team area; returns its id. Raises NotAllowed for other roles."""
    _may_record(actor)
    starts_at = values.get("start") or (now or datetime.now(UTC)).replace(microsecond=0)
    async with atomic():
        row = Abstraction(
            person=actor.id,
            team=actor.home_team_id,
            cause=str(values["cause"]),
            starts_at=starts_at,
            minutes=values["minutes"],
            note=values.get("note") or "",
        )
        await row.save()
        await audit.record(
            actor,
            Operation.COLLECTION,
            "abstraction",
            row.id,
            detail=f"{values['cause']}, {values['minutes']} minutes",
        )
    return row.id


async def mine(actor: Actor, now: datetime | None = None) -> list[dict]:
    """The actor's own abstraction of the last RECENT_DAYS days, latest first."""
    _may_record(actor)
    since = (now or datetime.now(UTC)) - timedelta(days=RECENT_DAYS)
    async with snapshot():
        return (
            await Abstraction.select(
                Abstraction.id, Abstraction.cause, Abstraction.starts_at, Abstraction.minutes
            )
            .where((Abstraction.person == actor.id) & (Abstraction.starts_at >= since))
            .order_by(Abstraction.starts_at, ascending=False)
        )


async def remove(actor: Actor, abstraction_id: int) -> None:
    """Take back one of the actor's own entries (a wrong tap). Raises NotFound for an entry
    that is not theirs (as if it did not exist)."""
    _may_record(actor)
    async with atomic():
        owned = await Abstraction.exists().where(
            (Abstraction.id == abstraction_id) & (Abstraction.person == actor.id)
        )
        if not owned:
            raise NotFound(abstraction_id)
        await Abstraction.delete().where(Abstraction.id == abstraction_id)
        await audit.record(actor, Operation.ERASURE, "abstraction", abstraction_id)
