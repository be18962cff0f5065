"""Compliance: per plan, person and week, points visited in their window, early, late, missed,
or still to come (no check-in yet, and its window has not ended: not missed yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.database import snapshot
from app.forms import YEARS, iso_week
from app.outcomes import NotFound
from app.patrol.times import LOCAL
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState, Timing
from app.tables.places import TeamArea


@dataclass
class Tally:
    """Counts for a plan, or for a person across a week's plans."""

    points: int = 0
    in_window: int = 0
    early: int = 0
    late: int = 0
    missed: int = 0
    to_come: int = 0
    manual: int = 0
    minutes_spent: float = 0.0
    plans: list[int] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Points checked in, whenever."""
        return self.in_window + self.early + self.late

    def add(self, other: Tally) -> None:
        for name in (
            "points",
            "in_window",
            "early",
            "late",
            "missed",
            "to_come",
            "manual",
            "minutes_spent",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# A point with no check-in whose window has not ended yet: not missed, still to come.
TO_COME = "to_come"


def classify(
    check_in_at: datetime | None, start: datetime, end: datetime, now: datetime | None = None
) -> Timing | str:
    """In the window, early, late or missed (the window's ends count as inside). A point with no
    check-in is missed only once its window has ended: before that (at `now`) it is TO_COME."""
    if check_in_at is None:
        if now is not None and now <= end:
            return TO_COME
        return Timing.MISSED
    if check_in_at < start:
        return Timing.EARLY
    if check_in_at > end:
        return Timing.LATE
    return Timing.IN_WINDOW


def week_bounds(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=6)


async def week_report(
    team_id: int, monday: date, now: datetime | None = None
) -> tuple[list[dict], dict[str, Tally]]:
    """Each published plan of the week with its tally, and a tally per person who patrolled.
    Points with no check-in whose window ends after `now` (default: the present) are to come."""
    now = now or datetime.now(UTC)
    first, last = week_bounds(monday)
    plans = (
        await PatrolPlan.select(
            PatrolPlan.all_columns(), PatrolPlan.assignee.display_name.as_alias("assignee_name")
        )
        .where(
            (PatrolPlan.team == team_id)
            & (PatrolPlan.status == PlanState.PUBLISHED)
            & (PatrolPlan.day >= first)
            & (PatrolPlan.day <= last)
        )
        .order_by(PatrolPlan.shift_start)
    )
    rows, people = [], {}
    for plan in plans:
        points = await PatrolPoint.select().where(PatrolPoint.plan == plan["id"])
        check_ins = (
            await PatrolCheckIn.select(
                PatrolCheckIn.all_columns(), PatrolCheckIn.person.display_name.as_alias("who")
            )
            .where(PatrolCheckIn.point.is_in([p["id"] for p in points] or [0]))
            .order_by(PatrolCheckIn.at)
        )
        first_at: dict[int, dict] = {}
        for c in check_ins:
            first_at.setdefault(c["point"], c)
        tally = Tally(points=len(points), plans=[plan["id"]])
        for point in points:
            c = first_at.get(point["id"])
            kind = classify(c["at"] if c else None, point["window_start"], point["window_end"], now)
            setattr(tally, str(kind), getattr(tally, str(kind)) + 1)
            if c and not c["automatic"]:
                tally.manual += 1
            if c and c["checked_out_at"]:
                tally.minutes_spent += (c["checked_out_at"] - c["at"]).total_seconds() / 60
        rows.append({"plan": plan, "tally": tally})
        for who in {c["who"] for c in first_at.values()} or {plan["assignee_name"] or "Nobody"}:
            people.setdefault(who, Tally()).add(tally)
    return rows, people


async def report(
    actor: Actor, team_id: int, monday: date, now: datetime | None = None
) -> tuple[list[dict], dict[str, Tally]]:
    """A team area's week of patrol plans (week_report, as at `now`), for a supervisor: the look
    at who patrolled where is audited. Raises NotFound when there is no such team area."""
    async with snapshot():
        if not await TeamArea.exists().where(TeamArea.id == team_id):
            raise NotFound(team_id)
        rows, people = await week_report(team_id, monday, now)
        await audit.record(
            actor,
            Operation.CONSULTATION,
            "patrol-compliance",
            team_id,
            detail=f"week of {monday.isoformat()}",
        )
    return rows, people


def this_monday(today: date | None = None) -> date:
    today = today or datetime.now(LOCAL).date()
    return today - timedelta(days=today.weekday())


def monday_of(value: str) -> date | None:
    """'2026-W47' or any date in the week -> that week's Monday."""
    try:
        if "-W" in value:
            return iso_week(value)
        day = date.fromisoformat(value)
        return day - timedelta(days=day.weekday()) if day.year in YEARS else None
    except ValueError:
        return None
