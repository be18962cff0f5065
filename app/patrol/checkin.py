"""Checking in on patrol: the rule (automatic within the set distance of the point, else a
reason is needed), today's plan on the phone, and the check-in and check-out use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app import audit, phone_outbox
from app.actor import Actor
from app.audit import Operation
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.geo import compass, describe_distance, distance_m
from app.outcomes import NotFound
from app.patrol.plans import check_ins_by_point, points_of, todays_plans
from app.settings import get_settings
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState


@dataclass(frozen=True)
class Decision:
    """What a check-in attempt amounts to."""

    automatic: bool
    distance_m: float | None  # None when the phone had no position

    @property
    def needs_reason(self) -> bool:
        return not self.automatic


def decide(point: tuple[float, float], fix: tuple[float, float] | None) -> Decision:
    """Automatic when the fix is within the radius of the point (the boundary included).

    The fix's accuracy is recorded with the check-in, not used here: a supervisor reading
    compliance sees how good each fix was.
    """
    if fix is None:
        return Decision(automatic=False, distance_m=None)
    metres = distance_m(*point, *fix)
    # To the millimetre: no phone fix is finer, and float noise must not move the boundary.
    automatic = round(metres, 3) <= get_settings().checkin_radius_m
    return Decision(automatic=automatic, distance_m=metres)


# The use cases: today's plan on the phone, checking in at a point and leaving it. ------------


@dataclass(frozen=True)
class CheckedIn:
    """What a check-in came to: stored (new or already), or the errors that stored nothing."""

    point_id: int
    record_id: int | None
    created: bool
    errors: FormErrors


async def today(actor: Actor, here: tuple[float, float] | None = None) -> list[dict]:
    """Each of the actor's plans today with its points in order, their check-ins, the next
    point, and (given where the phone is) each point's distance and direction."""
    views = []
    async with snapshot():
        for plan in await todays_plans(actor):
            points = await points_of(plan["id"])
            done = await check_ins_by_point(plan["id"], actor.id)
            next_id = next((p["id"] for p in points if p["id"] not in done), None)
            for p in points:
                p["check_in"] = done.get(p["id"])
                p["is_next"] = p["id"] == next_id
                # Where the server knows no position, a reason is needed (the phone's script
                # shows or hides the box as its position comes and goes).
                p["needs_reason"] = decide((p["lat"], p["lng"]), here).needs_reason
                if here:
                    metres = distance_m(*here, p["lat"], p["lng"])
                    p["distance"] = describe_distance(metres)
                    p["direction"] = compass(*here, p["lat"], p["lng"])
            views.append({"plan": plan, "points": points, "done": len(done), "total": len(points)})
    return views


async def withdrawn_today(actor: Actor) -> list[dict]:
    """The actor's plans of today that were published, then withdrawn: the phone says so."""
    return await todays_plans(actor, state=PlanState.WITHDRAWN)


async def _patrolled_point(actor: Actor, point_id: int) -> PatrolPoint:
    """A point of a published plan the actor patrols today, else NotFound."""
    point = await PatrolPoint.objects().where(PatrolPoint.id == point_id).first()
    if point is None:
        raise NotFound(point_id)
    plan = await PatrolPlan.select(PatrolPlan.status).where(PatrolPlan.id == point.plan).first()
    if plan is None or plan["status"] != PlanState.PUBLISHED:
        raise NotFound(point_id)
    if point.plan not in {p["id"] for p in await todays_plans(actor)}:
        raise NotFound(point_id)
    return point


async def check_in(
    actor: Actor, point_id: int, values: dict, errors: FormErrors | None = None
) -> CheckedIn:
    """Check in at a point of today's plan (values from CheckInForm, sent from the phone's
    outbox): automatic within the set distance, else with a reason. Stored once by the
    phone's record number: a replay or a second tap answers with the stored one, whatever
    else it says. Raises NotFound (not a point the actor patrols today) and
    phone_outbox.NotTheSender (a record number someone else used)."""
    errors = FormErrors(errors or {})
    async with atomic():
        point = await _patrolled_point(actor, point_id)
        if values["uuid"]:
            stored = (
                await PatrolCheckIn.select(PatrolCheckIn.id, PatrolCheckIn.person)
                .where(PatrolCheckIn.uuid == values["uuid"])
                .first()
            )
            if stored is not None:
                if stored["person"] != actor.id:
                    raise phone_outbox.NotTheSender(detail="That record number is already used")
                return CheckedIn(point.id, stored["id"], False, FormErrors())
        here = values["here"]
        decision = decide((point.lat, point.lng), here)
        if decision.needs_reason and not values["reason"]:
            where = (
                f"You are {describe_distance(decision.distance_m)} from this point"
                if decision.distance_m is not None
                else "Your phone has no position"
            )
            errors.add("reason", f"{where}: say why you are checking in here")
        if errors:
            return CheckedIn(point.id, None, False, errors)
        row = dict(
            point=point.id,
            person=actor.id,
            at=values["at"] or datetime.now(UTC),
            lat=here[0] if here else None,
            lng=here[1] if here else None,
            accuracy_m=values["accuracy"],
            distance_m=decision.distance_m,
            automatic=decision.automatic,
            reason="" if decision.automatic else values["reason"],
            note=values["note"],
        )
        # Two copies racing (a double tap): the unique uuid keeps one, the other answers 200.
        record_id, created = await phone_outbox.store_once(
            PatrolCheckIn, values["uuid"], row, "person", uuid_column="uuid"
        )
        if created:
            await audit.record(
                actor,
                Operation.COLLECTION,
                "patrol-check-in",
                record_id,
                detail=f"point {point.id}, {'automatic' if decision.automatic else 'manual'}",
            )
    return CheckedIn(point.id, record_id, created, errors)


async def check_out(actor: Actor, point_id: int) -> int:
    """Leave a point: the time is kept on the actor's first check-in there (once). Returns the
    check-in's id; raises NotFound when they never checked in there."""
    async with atomic():
        found = (
            await PatrolCheckIn.select(PatrolCheckIn.id, PatrolCheckIn.checked_out_at)
            .where((PatrolCheckIn.point == point_id) & (PatrolCheckIn.person == actor.id))
            .order_by(PatrolCheckIn.at)
            .first()
        )
        if found is None:
            raise NotFound(point_id)
        if found["checked_out_at"] is None:
            await PatrolCheckIn.update({PatrolCheckIn.checked_out_at: datetime.now(UTC)}).where(
                PatrolCheckIn.id == found["id"]
            )
            await audit.record(
                actor, Operation.ALTERATION, "patrol-check-in", found["id"], detail="checked out"
            )
    return found["id"]
