"""What waits for a person, for their home screen and the counts on the navigation.

Offers to answer, taskings assigned (urgent first), the next patrol point (with distance and
direction), follow-ups due and visits in progress. Read on every home screen: plain SQL, each a
lookup by the person's key run at once (small_read); the counts for the navigation are one
statement (see counts()).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.actor import Actor
from app.clock import LOCAL_TIME
from app.database import small_read
from app.geo import compass, describe_distance, distance_m
from app.roles import POLICE
from app.tables.patrol import PatrolPoint
from app.taskings.queries import my_parts
from app.taskings.states import State

# A part that is the person's work still to do (an offer is counted apart: it waits an answer).
OPEN = (State.ASSIGNED, State.ACKNOWLEDGED, State.ACCEPTED, State.IN_PROGRESS)
PRIORITY_ORDER = {"urgent": 0, "priority": 1, "routine": 2}

_PLAN_MINE = (
    "(p.assignee = {me} OR (p.assignee IS NULL AND (p.team = {home}"
    " OR p.team IN (SELECT pt.team FROM person_team pt WHERE pt.person = {me}))))"
)
# Today's (and last night's) published points of the person's plans, each marked done when
# they have checked in there, in walking order.
# (Only placeholders are put in by format(); values go as parameters.)
POINTS = (
    "SELECT x.id, x.label, x.lat, x.lng, x.window_start, x.window_end, x.position,"  # noqa: S608
    " p.id AS plan, p.shift_start, p.start_lat, p.start_lng,"
    " EXISTS (SELECT 1 FROM patrol_check_in c WHERE c.point = x.id AND c.person = {}) AS done"
    " FROM patrol_point x JOIN patrol_plan p ON p.id = x.plan"
    " WHERE p.status = 'published' AND p.day >= {} AND p.day <= {} AND "
    + _PLAN_MINE.format(me="{}", home="{}")
    + " ORDER BY p.shift_start, p.id, x.position, x.id"
)
# Follow-ups due (of home visits the person owns, and promised when logging: staff's became
# taskings, counted there) and visits in progress: one statement, each row (what, key, when).
OTHERS = (
    "SELECT 'visit_followup' AS what, CAST(f.id AS TEXT) AS ref, CAST(f.due_on AS TEXT) AS at"
    " FROM follow_up f WHERE f.owner = {} AND f.done = {} AND f.due_on <= {}"
    " UNION ALL SELECT 'log_followup', CAST(e.id AS TEXT), CAST(e.follow_up_due AS TEXT)"
    " FROM engagement e WHERE e.author = {} AND e.follow_up <> '' AND e.follow_up_done = {}"
    " AND e.deleted_at IS NULL AND e.tasking_id IS NULL"
    " AND (e.follow_up_due IS NULL OR e.follow_up_due <= {})"
    " UNION ALL SELECT 'visit', v.uuid, CAST(v.started_at AS TEXT) FROM home_visit v"
    " WHERE v.visitor = {} AND v.state = 'in_progress'"
)


def _marks(n: int) -> str:
    return ", ".join("{}" for _ in range(n))


# The counts on the navigation, by the route each item opens: one statement, one state of data.
COUNTS = " UNION ALL ".join(
    [
        "SELECT 'taskings:index' AS route, COUNT(*) AS n FROM tasking_assignment a"  # noqa: S608
        f" WHERE a.person = {{}} AND a.state IN ({_marks(len(OPEN) + 1)})",
        "SELECT 'patrol:today', COUNT(*) FROM patrol_point x JOIN patrol_plan p ON p.id = x.plan"  # noqa: S608
        " WHERE p.status = 'published' AND p.day >= {} AND p.day <= {} AND x.window_end >= {}"
        " AND NOT EXISTS (SELECT 1 FROM patrol_check_in c WHERE c.point = x.id"
        " AND c.person = {}) AND " + _PLAN_MINE.format(me="{}", home="{}"),
        "SELECT 'visits:index', (SELECT COUNT(*) FROM home_visit v WHERE v.visitor = {}"
        " AND v.state = 'in_progress') + (SELECT COUNT(*) FROM follow_up f WHERE f.owner = {}"
        " AND f.done = {} AND f.due_on <= {})",
        "SELECT 'engagement:index', COUNT(*) FROM engagement e"
        " WHERE e.author = {} AND e.follow_up <> '' AND e.follow_up_done = {}"
        " AND e.deleted_at IS NULL AND e.tasking_id IS NULL"
        " AND (e.follow_up_due IS NULL OR e.follow_up_due <= {})",
    ]
)


@dataclass
class Waiting:
    """One person's waiting work, in the order the home screen shows it."""

    offers: list[dict] = field(default_factory=list)
    taskings: list[dict] = field(default_factory=list)
    next_point: dict | None = None
    points_left: int = 0
    visit_followups: list[dict] = field(default_factory=list)
    log_followups: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)

    @property
    def urgent(self) -> int:
        return sum(1 for p in self.offers + self.taskings if p["tasking"]["priority"] == "urgent")

    def counts(self) -> dict[str, int]:
        """The navigation's counts, by route (the same as counts() reads)."""
        return {
            "taskings:index": len(self.offers) + len(self.taskings),
            "patrol:today": self.points_left,
            "visits:index": len(self.visits) + len(self.visit_followups),
            "engagement:index": len(self.log_followups),
        }

    @property
    def anything(self) -> bool:
        return any(self.counts().values())


def _urgent_first(parts: list[dict]) -> list[dict]:
    return sorted(
        parts,
        key=lambda p: (PRIORITY_ORDER.get(p["tasking"]["priority"], 3), p["tasking"]["starts_at"]),
    )


def _days(now: datetime) -> tuple[date, date]:
    today = now.astimezone(LOCAL_TIME).date()
    return today - timedelta(days=1), today


def _next_point(rows: list[dict], now: datetime, here: tuple[float, float] | None) -> dict | None:
    """The first point not yet checked in whose window has not ended, in plan order; with its
    distance and direction from the phone (if it said where it is), else from the point before
    it on the plan (or the plan's start), as the walk goes."""
    before: dict | None = None
    for row in rows:
        if not row["done"] and _aware(row["window_end"]) >= now:
            point = dict(row)
            if here is not None:
                origin, point["from"] = here, "from where you are"
            elif before is not None and before["plan"] == row["plan"]:
                origin = (before["lat"], before["lng"])
                point["from"] = f"from {before['label']}"
            elif row["start_lat"] is not None:
                origin, point["from"] = (row["start_lat"], row["start_lng"]), "from the start"
            else:
                origin = None
            if origin is not None:
                metres = distance_m(*origin, row["lat"], row["lng"])
                point["distance"] = describe_distance(metres)
                point["direction"] = compass(*origin, row["lat"], row["lng"])
            return point
        before = row
    return None


def _aware(value) -> datetime:
    if isinstance(value, str):  # text from SQLite, or CAST(... AS TEXT): "+00" -> "+00:00"
        if len(value) > 3 and value[-3] in "+-" and value[-4:-3].isdigit():
            value += ":00"
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


async def waiting(
    actor: Actor, here: tuple[float, float] | None = None, now: datetime | None = None
) -> Waiting:
    """What waits for the actor now (`here`: where their phone is, if it said)."""
    now = now or datetime.now(UTC)
    yesterday, today = _days(now)
    found = Waiting()
    # Each a lookup by the person's key, run at once on SQLite (app.database.small_read): a
    # snapshot's trips to a reader thread cost more than these reads (bench/throughput.py).
    parts = await my_parts(actor.id, actor.role)
    if actor.role in POLICE:
        rows = await small_read(
            PatrolPoint.raw(
                POINTS, actor.id, yesterday, today, actor.id, actor.home_team_id, actor.id
            )
        )
        for row in rows:
            row["done"] = bool(row["done"])
        open_points = [r for r in rows if not r["done"] and _aware(r["window_end"]) >= now]
        found.points_left = len(open_points)
        found.next_point = _next_point(rows, now, here)
    others = await small_read(
        PatrolPoint.raw(OTHERS, actor.id, False, today, actor.id, False, today, actor.id)
    )
    for row in others:
        if row["what"] == "visit":
            found.visits.append({"uuid": row["ref"], "started_at": _aware(row["at"])})
            continue
        due = _day(row["at"][:10]) if row["at"] else None
        entry = {"id": int(row["ref"]), "due": due, "overdue": due is not None and due < today}
        if row["what"] == "visit_followup":
            found.visit_followups.append(entry)
        else:
            found.log_followups.append(entry)
    found.visits.sort(key=lambda v: v["started_at"])
    found.visit_followups.sort(key=lambda f: (f["due"], f["id"]))
    found.log_followups.sort(key=lambda f: (f["due"] is None, f["due"] or today, f["id"]))
    if found.next_point:
        for key in ("window_start", "window_end"):
            found.next_point[key] = _aware(found.next_point[key])
    found.offers = _urgent_first([p for p in parts if p["state"] == State.OFFERED])
    found.taskings = _urgent_first([p for p in parts if p["state"] in OPEN])
    return found


async def counts(actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """The navigation's counts of what waits, by the route each item opens (one statement)."""
    now = now or datetime.now(UTC)
    yesterday, today = _days(now)
    patrol = actor.role in POLICE
    args = [actor.id, State.OFFERED, *OPEN]
    args += [yesterday, today, now, actor.id, actor.id, actor.home_team_id, actor.id]
    args += [actor.id, actor.id, False, today]
    args += [actor.id, False, today]
    rows = await small_read(PatrolPoint.raw(COUNTS, *args))
    found = {row["route"]: int(row["n"] or 0) for row in rows}
    if not patrol:
        found["patrol:today"] = 0
    return found
