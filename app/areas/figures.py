"""Each team area's figures, for one area (its page) or many (the roll-up): one grouped query per
figure family, whatever the number of areas, never one query per area.

Crimes (police.uk, monthly) and incidents are given to areas by grid cell (app/areas/cells.py);
everything else carries its team area. Every figure has a `key` that the records page
(app/areas/records.py) reads back to list the rows behind it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.areas import hooks
from app.areas.cells import AreaMap, area_map
from app.clock import LOCAL_TIME
from app.crime.nearby import as_time
from app.geo import LNG_SPAN
from app.patrol.compliance import Tally
from app.tables.places import TeamArea
from app.tables.taskings import State

OPEN_STATES = (
    State.OFFERED,
    State.ACCEPTED,
    State.ASSIGNED,
    State.ACKNOWLEDGED,
    State.IN_PROGRESS,
)
UNANSWERED = (State.OFFERED, State.ASSIGNED)
# Incident windows (days): each against the same number of days before it.
INCIDENT_DAYS = (
    (7, "Last 7 days"),
    (28, "Last 28 days"),
    (90, "Last 90 days"),
    (365, "Last 12 months"),
)
# Street crime is published by month: the latest months against the months before.
CRIME_MONTHS = ((3, "Latest 3 months"), (12, "Latest 12 months"))
# The roll-up's incidents: this week against the week before (the area page has every window).
ROLLUP_INCIDENT_DAYS = 7
WEEKS = 8  # engagement and abstraction by week: this week and the seven before
RECENT_DAYS = 28  # volunteers' hours, visits made, roll-up's engagement
DUE_SOON = timedelta(days=7)


@dataclass
class Compare:
    """Counts by type in a period and in the period before it."""

    key: str
    label: str
    start: object  # a datetime (incidents) or a month 'YYYY-MM' (crimes)
    previous_start: object
    end: object = None
    current: Counter = field(default_factory=Counter)
    previous: Counter = field(default_factory=Counter)
    previous_known: bool = True  # the data covers the period before

    @property
    def total(self) -> int:
        return sum(self.current.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        kinds = set(self.current) | set(self.previous)
        found = [(k, self.current[k], self.previous[k]) for k in kinds]
        return sorted(found, key=lambda r: (-r[1], -r[2], r[0]))


@dataclass
class AreaFigures:
    """What the area page shows for one team area (the roll-up reads the key figures)."""

    team_id: int
    name: str
    section: str
    division: str
    households: int | None
    crimes: list[Compare] = field(default_factory=list)
    incidents: list[Compare] = field(default_factory=list)
    open_taskings: set = field(default_factory=set)
    urgent: set = field(default_factory=set)
    overdue: set = field(default_factory=set)
    unanswered: int = 0
    by_person: Counter = field(default_factory=Counter)  # open parts per person's name
    patrol: Tally = field(default_factory=Tally)
    engagement: dict[str, list[int]] = field(default_factory=dict)  # kind -> per week
    engagement_recent: int = 0
    visits_recent: int = 0
    households_visited: int = 0
    referrals: Counter = field(default_factory=Counter)  # state -> count (not closed)
    followups_overdue: int = 0
    followups_soon: int = 0
    engagement_followups_due: int = 0
    volunteers: dict[str, dict] = field(default_factory=dict)  # name -> minutes, taskings, visits
    abstraction_people: dict[str, list[int]] = field(default_factory=dict)  # name -> minutes/week
    abstraction_causes: Counter = field(default_factory=Counter)  # cause -> minutes (8 weeks)
    problems: object = None  # hooks.open_problems: None until problem solving exists
    powers: object = None  # hooks.powers_used: None until powers are recorded

    def compare(self, key: str) -> Compare | None:
        return next((c for c in self.crimes + self.incidents if c.key == key), None)

    @property
    def coverage(self) -> float | None:
        if not self.households:
            return None
        return round(100 * self.households_visited / self.households, 1)

    @property
    def volunteer_minutes(self) -> int:
        return sum(v["minutes"] for v in self.volunteers.values())

    @property
    def abstraction_weeks(self) -> list[int]:
        weeks = [0] * WEEKS
        for minutes in self.abstraction_people.values():
            weeks = [a + b for a, b in zip(weeks, minutes, strict=True)]
        return weeks

    @property
    def engagement_weeks(self) -> list[int]:
        weeks = [0] * WEEKS
        for counts in self.engagement.values():
            weeks = [a + b for a, b in zip(weeks, counts, strict=True)]
        return weeks

    @property
    def followups_due(self) -> int:
        return self.followups_overdue + self.engagement_followups_due

    @property
    def behind(self) -> list[str]:
        """What is behind (the roll-up marks these): a guide for questions, not a score."""
        marks = []
        if self.overdue:
            marks.append("overdue taskings")
        if self.urgent and self.unanswered:
            marks.append("urgent work not answered")
        if self.patrol.missed:
            marks.append("patrol points missed")
        if self.followups_due:
            marks.append("follow-ups due")
        if self.problems and self.problems["overdue_reviews"]:
            marks.append("problem-solving reviews overdue")
        year = self.compare("c12")
        if year and year.previous_known and year.total > year.previous_total:
            marks.append("crime up on the year before")
        return marks


def _marks(values) -> str:
    return ", ".join("{}" for _ in values)


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    """' AND column IN (...)' for some areas, nothing for all."""
    if ids is None:
        return "", []
    return f" AND {column} IN ({_marks(ids or [0])})", list(ids or [0])


def _windows(
    column: str, bounds: list[tuple[object, object]], value: str = "1"
) -> tuple[str, list]:
    """SUM(CASE ...) AS w0, w1, ... for (start, end) bounds (end None: open)."""
    parts, args = [], []
    for n, (start, end) in enumerate(bounds):
        test = f"{column} >= {{}}" + (f" AND {column} < {{}}" if end is not None else "")
        parts.append(f"SUM(CASE WHEN {test} THEN {value} ELSE 0 END) AS w{n}")
        args += [start] if end is None else [start, end]
    return ", ".join(parts), args


def month_before(month: str, months: int) -> str:
    year, number = map(int, month.split("-"))
    total = year * 12 + number - 1 - months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def week_starts(now: datetime) -> list[datetime]:
    """The Mondays (00:00 UK time) of this week and the WEEKS - 1 before, this week first."""
    today = now.astimezone(LOCAL_TIME).date()
    monday = today - timedelta(days=today.weekday())
    return [
        datetime.combine(monday - timedelta(days=7 * n), datetime.min.time(), LOCAL_TIME)
        for n in range(WEEKS)
    ]


def week_bounds(now: datetime) -> list[tuple[datetime, datetime]]:
    starts = week_starts(now)
    ends = [starts[0] + timedelta(days=7), *starts[:-1]]
    return [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in zip(starts, ends, strict=True)]


def incident_windows(now: datetime) -> list[tuple[int, str, datetime, datetime]]:
    return [
        (d, label, now - timedelta(days=d), now - timedelta(days=2 * d))
        for d, label in INCIDENT_DAYS
    ]


def crime_periods(latest: str) -> list[tuple[int, str, str, str]]:
    """(months, label, first month, first month of the period before)."""
    return [
        (n, label, month_before(latest, n - 1), month_before(latest, 2 * n - 1))
        for n, label in CRIME_MONTHS
    ]


async def teams(ids: list[int] | None) -> list[dict]:
    where, args = _in("t.id", ids)
    return await TeamArea.raw(
        "SELECT t.id, t.name, t.centre_lat, t.centre_lng, t.households, s.name AS section, "  # noqa: S608
        "d.name AS division FROM team_area t JOIN section s ON s.id = t.section "
        f"JOIN division d ON d.id = s.division WHERE 1 = 1{where} ORDER BY d.name, s.name, t.name",
        *args,
    )


async def all_centres() -> list[dict]:
    return await TeamArea.raw("SELECT id, centre_lat, centre_lng FROM team_area")


def _cells_filter(
    amap: AreaMap, ids: list[int] | None, column: str, indexed: bool = True
) -> tuple[str, list]:
    """The cells of the areas `ids`; for all areas, the band of cells their reach covers (data
    of other forces' places, as a national import brings, is not read). `indexed`: the band is
    read from the cell index; else tested on each row (`+ 0`), when a time range is narrower."""
    if ids is not None:
        cells = sorted({c for team_id in ids for c in amap.cells_of(team_id)})
        return _in(column, cells)
    reach = amap.band()
    if reach is None:
        return "", []
    low, high, west, east = reach
    cell = column if indexed else f"{column} + 0"
    return (
        f" AND {cell} BETWEEN {{}} AND {{}} AND {column} % {LNG_SPAN} BETWEEN {{}} AND {{}}",
        [low, high, west, east],
    )


# Street crime counts change only when a force-month is imported: the counts read for a set of
# areas are kept, keyed on every stored month's id, digest, row count and import time (read each
# time: one small query), so an import, a replaced month or a removed one reads them afresh.
_crime_counts: dict[tuple, list[dict]] = {}
CRIME_COUNTS_KEPT = 256


async def _crimes(areas: dict[int, AreaFigures], amap: AreaMap, ids, by_type: bool) -> None:
    rows = await TeamArea.raw(
        "SELECT id, month, digest, rows, imported_at FROM crime_month ORDER BY id"
    )
    stored = {r["month"] for r in rows}
    if not stored:
        return
    latest = max(stored)
    periods = crime_periods(latest)
    bounds = []
    for _n, _, first, before in periods:
        bounds += [(first, None), (before, first)]
    sums, args = _windows("m.month", bounds, "c.count")
    where, cell_args = _cells_filter(amap, ids, "c.cell")
    kind = "c.crime_type" if by_type else "'all'"
    earliest = min(b[0] for b in bounds)
    key = (
        tuple(tuple(str(v) for v in r.values()) for r in rows),
        amap.centres,
        None if ids is None else tuple(ids),
        by_type,
    )
    found = _crime_counts.get(key)
    if found is None:
        found = await TeamArea.raw(
            f"SELECT c.cell, {kind} AS kind, {sums} FROM crime_cell_count c "  # noqa: S608
            f"JOIN crime_month m ON m.id = c.batch WHERE m.month >= {{}}{where} "
            f"GROUP BY c.cell{', c.crime_type' if by_type else ''}",
            *args,
            earliest,
            *cell_args,
        )
        if len(_crime_counts) >= CRIME_COUNTS_KEPT:
            _crime_counts.pop(next(iter(_crime_counts)))
        _crime_counts[key] = found
    for area in areas.values():
        for n, label, first, before in periods:
            known = all(month_before(latest, k) in stored for k in range(n, 2 * n))
            area.crimes.append(Compare(f"c{n}", label, first, before, latest, previous_known=known))
    for row in found:
        area = areas.get(amap.area_of(row["cell"]))
        if area is None:
            continue
        for n, compare in enumerate(area.crimes):
            compare.current[row["kind"]] += int(row[f"w{2 * n}"] or 0)
            compare.previous[row["kind"]] += int(row[f"w{2 * n + 1}"] or 0)


async def _incidents(areas, amap: AreaMap, ids, now: datetime, windows) -> None:
    bounds = []
    for _, _, start, earlier in windows:
        bounds += [(start, None), (earlier, start)]
    sums, args = _windows("occurred_at", bounds)
    # All areas: the time range is what narrows the read (the index on occurred_at).
    where, cell_args = _cells_filter(amap, ids, "cell", indexed=False)
    since = min(b[0] for b in bounds)
    found = await TeamArea.raw(
        # Category first: grouping by cell first leads SQLite to walk the whole cell index.
        f"SELECT cell, category AS kind, {sums} FROM incident "  # noqa: S608
        f"WHERE occurred_at >= {{}}{where} GROUP BY category, cell",
        *args,
        since,
        *cell_args,
    )
    for area in areas.values():
        for days, label, start, earlier in windows:
            area.incidents.append(Compare(f"i{days}", label, start, earlier, now))
    for row in found:
        area = areas.get(amap.area_of(row["cell"]))
        if area is None:
            continue
        for n, compare in enumerate(area.incidents):
            compare.current[row["kind"]] += int(row[f"w{2 * n}"] or 0)
            compare.previous[row["kind"]] += int(row[f"w{2 * n + 1}"] or 0)


async def _taskings(areas, ids, now: datetime) -> None:
    where, args = _in("t.team", ids)
    rows = await TeamArea.raw(
        "SELECT t.team, t.id, t.priority, t.ends_at, a.state, p.display_name AS who "  # noqa: S608
        "FROM tasking_assignment a JOIN tasking t ON t.id = a.tasking "
        "JOIN person p ON p.id = a.person "
        f"WHERE a.state IN ({_marks(OPEN_STATES)}) AND t.cancelled = {{}}{where}",
        *[str(s) for s in OPEN_STATES],
        False,
        *args,
    )
    for row in rows:
        area = areas.get(row["team"])
        if area is None:
            continue
        area.open_taskings.add(row["id"])
        if row["priority"] == "urgent":
            area.urgent.add(row["id"])
        if as_time(row["ends_at"]) < now:
            area.overdue.add(row["id"])
        if row["state"] in UNANSWERED:
            area.unanswered += 1
        area.by_person[row["who"]] += 1


async def _patrol(areas, ids, now: datetime) -> None:
    """This week's published points by how they were kept, counted in the database: as
    app/patrol/compliance.classify does (a point with no check-in is missed only once its
    window has ended; before that it is to come)."""
    local = now.astimezone(LOCAL_TIME).date()
    monday = local - timedelta(days=local.weekday())
    where, args = _in("pl.team", ids)
    rows = await TeamArea.raw(
        "SELECT team, COUNT(*) AS points, "  # noqa: S608
        "SUM(CASE WHEN first_at IS NULL AND window_end < {} THEN 1 ELSE 0 END) AS missed, "
        "SUM(CASE WHEN first_at IS NULL AND window_end >= {} THEN 1 ELSE 0 END) AS to_come, "
        "SUM(CASE WHEN first_at < window_start THEN 1 ELSE 0 END) AS early, "
        "SUM(CASE WHEN first_at > window_end THEN 1 ELSE 0 END) AS late, "
        "SUM(CASE WHEN first_at >= window_start AND first_at <= window_end THEN 1 ELSE 0 END) "
        "AS in_window FROM ("
        "SELECT pl.team, p.window_start, p.window_end, MIN(c.at) AS first_at "
        "FROM patrol_point p JOIN patrol_plan pl ON pl.id = p.plan "
        "LEFT JOIN patrol_check_in c ON c.point = p.id "
        f"WHERE pl.status = {{}} AND pl.day >= {{}} AND pl.day <= {{}}{where} "
        "GROUP BY pl.team, p.id, p.window_start, p.window_end) kept GROUP BY team",
        now,
        now,
        "published",
        monday,
        monday + timedelta(days=6),
        *args,
    )
    for row in rows:
        area = areas.get(row["team"])
        if area is None:
            continue
        area.patrol = Tally(
            **{
                name: int(row[name] or 0)
                for name in ("points", "in_window", "early", "late", "missed", "to_come")
            }
        )


async def _engagement(areas, ids, now: datetime, today: date) -> None:
    weeks = week_bounds(now)
    bounds = [*weeks, (now - timedelta(days=RECENT_DAYS), None)]
    sums, args = _windows("occurred_at", bounds)
    where, team_args = _in("team", ids)
    rows = await TeamArea.raw(
        # kind || '': grouping by the bare column leads SQLite to walk the whole kind index
        # instead of the few weeks the occurred_at index gives.
        f"SELECT team, kind || '' AS kind, {sums} FROM engagement "  # noqa: S608
        f"WHERE deleted_at IS NULL AND occurred_at >= {{}}{where} GROUP BY team, kind || ''",
        *args,
        min(weeks[-1][0], now - timedelta(days=RECENT_DAYS)),
        *team_args,
    )
    for row in rows:
        area = areas.get(row["team"])
        if area is None:
            continue
        area.engagement[row["kind"]] = [int(row[f"w{n}"] or 0) for n in range(WEEKS)]
        area.engagement_recent += int(row[f"w{WEEKS}"] or 0)
    due = await TeamArea.raw(
        "SELECT team, COUNT(*) AS n FROM engagement WHERE deleted_at IS NULL "  # noqa: S608
        f"AND follow_up_done = {{}} AND follow_up_due IS NOT NULL AND follow_up_due <= {{}}{where} "
        "GROUP BY team",
        False,
        today,
        *team_args,
    )
    for row in due:
        if row["team"] in areas:
            areas[row["team"]].engagement_followups_due = int(row["n"])


async def _visits(areas, ids, now: datetime, today: date) -> None:
    where, args = _in("v.team", ids)
    rows = await TeamArea.raw(
        "SELECT v.team, COUNT(DISTINCT v.household_key) AS households, "  # noqa: S608
        "SUM(CASE WHEN v.started_at >= {} THEN 1 ELSE 0 END) AS recent "
        f"FROM home_visit v WHERE v.state = {{}}{where} GROUP BY v.team",
        now - timedelta(days=RECENT_DAYS),
        "submitted",
        *args,
    )
    for row in rows:
        if row["team"] in areas:
            areas[row["team"]].households_visited = int(row["households"])
            areas[row["team"]].visits_recent = int(row["recent"] or 0)
    rows = await TeamArea.raw(
        "SELECT v.team, r.state, COUNT(*) AS n FROM referral r "  # noqa: S608
        f"JOIN home_visit v ON v.id = r.visit WHERE r.state <> {{}}{where} "
        "GROUP BY v.team, r.state",
        "closed",
        *args,
    )
    for row in rows:
        if row["team"] in areas:
            areas[row["team"]].referrals[row["state"]] = int(row["n"])
    rows = await TeamArea.raw(
        "SELECT v.team, SUM(CASE WHEN f.due_on < {} THEN 1 ELSE 0 END) AS overdue, "  # noqa: S608
        "SUM(CASE WHEN f.due_on >= {} AND f.due_on <= {} THEN 1 ELSE 0 END) AS soon "
        f"FROM follow_up f JOIN home_visit v ON v.id = f.visit WHERE f.done = {{}}{where} "
        "GROUP BY v.team",
        today,
        today,
        today + DUE_SOON,
        False,
        *args,
    )
    for row in rows:
        if row["team"] in areas:
            areas[row["team"]].followups_overdue = int(row["overdue"] or 0)
            areas[row["team"]].followups_soon = int(row["soon"] or 0)


def _minutes(start, end) -> int:
    if not start or not end:
        return 0
    return max(0, round((as_time(end) - as_time(start)).total_seconds() / 60))


async def _volunteers(areas, ids, now: datetime) -> None:
    """Volunteers' hours: their accepted taskings from 'in progress' to 'done' (the tasking's
    history keeps both times) and their submitted visits from start to submission, finished in
    the last RECENT_DAYS days."""
    since = now - timedelta(days=RECENT_DAYS)
    where, args = _in("t.team", ids)
    rows = await TeamArea.raw(
        "SELECT t.team, p.display_name AS who, a.id, "  # noqa: S608
        "MIN(CASE WHEN e.to_state = {} THEN e.at END) AS started, "
        "MAX(CASE WHEN e.to_state = {} THEN e.at END) AS finished "
        "FROM tasking_assignment a JOIN tasking t ON t.id = a.tasking "
        "JOIN person p ON p.id = a.person "
        # By the tasking (indexed), then the part: tasking_event.assignment has no index.
        "JOIN tasking_event e ON e.tasking = t.id AND e.assignment = a.id "
        # A part's updated_at is when it became done (done is final): only recent ones.
        f"WHERE p.role = {{}} AND a.state = {{}} AND a.updated_at >= {{}}{where} "
        "GROUP BY t.team, p.display_name, a.id",
        "in_progress",
        "done",
        "volunteer",
        "done",
        since,
        *args,
    )
    for row in rows:
        area = areas.get(row["team"])
        if area is None or not row["finished"] or as_time(row["finished"]) < since:
            continue
        entry = area.volunteers.setdefault(row["who"], {"minutes": 0, "taskings": 0, "visits": 0})
        entry["minutes"] += _minutes(row["started"], row["finished"])
        entry["taskings"] += 1
    where, args = _in("v.team", ids)
    rows = await TeamArea.raw(
        "SELECT v.team, p.display_name AS who, v.started_at, v.submitted_at FROM home_visit v "  # noqa: S608
        "JOIN person p ON p.id = v.visitor "
        f"WHERE p.role = {{}} AND v.state = {{}} AND v.submitted_at >= {{}}{where}",
        "volunteer",
        "submitted",
        since,
        *args,
    )
    for row in rows:
        area = areas.get(row["team"])
        if area is None:
            continue
        entry = area.volunteers.setdefault(row["who"], {"minutes": 0, "taskings": 0, "visits": 0})
        entry["minutes"] += _minutes(row["started_at"], row["submitted_at"])
        entry["visits"] += 1


async def _abstraction(areas, ids, now: datetime) -> None:
    weeks = week_bounds(now)
    sums, args = _windows("a.starts_at", weeks, "a.minutes")
    where, team_args = _in("a.team", ids)
    rows = await TeamArea.raw(
        f"SELECT a.team, p.display_name AS who, a.cause, {sums} FROM abstraction a "  # noqa: S608
        f"JOIN person p ON p.id = a.person WHERE a.starts_at >= {{}}{where} "
        "GROUP BY a.team, p.display_name, a.cause",
        *args,
        weeks[-1][0],
        *team_args,
    )
    for row in rows:
        area = areas.get(row["team"])
        if area is None:
            continue
        minutes = [int(row[f"w{n}"] or 0) for n in range(WEEKS)]
        person = area.abstraction_people.setdefault(row["who"], [0] * WEEKS)
        area.abstraction_people[row["who"]] = [a + b for a, b in zip(person, minutes, strict=True)]
        area.abstraction_causes[row["cause"]] += sum(minutes)


async def gather(
    ids: list[int] | None, now: datetime | None = None, *, detail: bool = True
) -> dict[int, AreaFigures]:
    """The figures of the team areas `ids` (None: every area), by area id. `detail`: the area
    page's (crime by type, every incident window); else the roll-up's key figures (crime totals,
    the last 7 days of incidents). Run it inside a snapshot()."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    today = now.astimezone(LOCAL_TIME).date()
    rows = await teams(ids)
    areas = {
        t["id"]: AreaFigures(t["id"], t["name"], t["section"], t["division"], t["households"])
        for t in rows
    }
    if not areas:
        return {}
    wanted = None if ids is None else list(areas)
    amap = area_map(await all_centres())
    windows = incident_windows(now)
    if not detail:
        windows = [w for w in windows if w[0] == ROLLUP_INCIDENT_DAYS]
    await _crimes(areas, amap, wanted, by_type=detail)
    await _incidents(areas, amap, wanted, now, windows)
    await _taskings(areas, wanted, now)
    await _patrol(areas, wanted, now)
    await _engagement(areas, wanted, now, today)
    await _visits(areas, wanted, now, today)
    await _volunteers(areas, wanted, now)
    await _abstraction(areas, wanted, now)
    problems = await hooks.open_problems(list(areas))
    powers = await hooks.powers_used(list(areas))
    for team_id, area in areas.items():
        area.problems = None if problems is None else problems.get(team_id)
        area.powers = None if powers is None else powers.get(team_id)
    return areas
