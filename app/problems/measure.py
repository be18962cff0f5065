"""Counting a problem from the data: the incidents (the force's extract) and street crimes
(police.uk) at its places and of its kinds, in a period against the same length before and the
same period a year before (when the data holds it), and in a ring around the places (twice the
radius) to show displacement. Read-only; the figures come with their sources.

A row is counted at the places when its great-circle distance to the nearest place is at most
the radius, in the ring when it is more than the radius and at most twice it; each row once.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.clock import LOCAL_TIME
from app.crime.nearby import as_time, coverage, incident_times
from app.geo import EARTH_RADIUS_M, cells_around, haversine_m
from app.tables.briefing import Crime, Incident

YEAR = timedelta(days=365)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PERIODS = ("now", "before", "year")


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


def _box(lat: float, lng: float, radius: float) -> list[float]:
    dlat = math.degrees(radius / EARTH_RADIUS_M) * 1.001
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return [lat - dlat, lat + dlat, lng - dlng, lng + dlng]


def _near_sql(places: list[tuple[float, float]], radius: float) -> tuple[str, list]:
    """The rows that may be within `radius` of any place: each place's cells and box."""
    parts, args = [], []
    for lat, lng in places:
        cells = cells_around(lat, lng, radius)
        box = "lat BETWEEN {} AND {} AND lng BETWEEN {} AND {}"
        parts.append(f"(cell IN ({_marks(cells)}) AND {box})")
        args += [*cells, *_box(lat, lng, radius)]
    return "(" + " OR ".join(parts) + ")", args


def zone_of(row: dict, places: list[tuple[float, float]], radius: float) -> str | None:
    """'in' (within the radius of a place), 'ring' (within twice it), or None."""
    nearest = min(haversine_m(lat, lng, row["lat"], row["lng"]) for lat, lng in places)
    if nearest <= radius:
        return "in"
    if nearest <= 2 * radius:
        return "ring"
    return None


def month_add(month: str, months: int) -> str:
    year, number = map(int, month.split("-"))
    total = year * 12 + number - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _day(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).date().isoformat()


@dataclass
class Window:
    """One period counted: its bounds (incidents: times; crimes: months) and whether the data
    holds all of it."""

    name: str
    label: str
    held: bool = True
    start: datetime | None = None
    end: datetime | None = None
    months: list[str] = field(default_factory=list)


@dataclass
class Table:
    """Counts by kind for three windows, at the places and in the ring."""

    title: str
    windows: dict[str, Window]
    at_places: dict[str, Counter] = field(default_factory=dict)  # window -> kind -> n
    in_ring: dict[str, Counter] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def kinds(self) -> list[str]:
        found = set()
        for counter in (*self.at_places.values(), *self.in_ring.values()):
            found.update(k for k, n in counter.items() if n)
        return sorted(found)

    def total(self, zone: str, window: str) -> int | None:
        if not self.windows[window].held:
            return None
        counts = self.at_places if zone == "in" else self.in_ring
        return sum(counts.get(window, Counter()).values())

    def count(self, zone: str, window: str, kind: str) -> int | None:
        if not self.windows[window].held:
            return None
        counts = self.at_places if zone == "in" else self.in_ring
        return counts.get(window, Counter())[kind]

    @property
    def empty(self) -> bool:
        return not self.kinds()


@dataclass
class Measure:
    """What was counted for one comparison (scanning, or the assessment)."""

    name: str
    radius: int
    incidents: Table
    crimes: Table | None  # None: no police.uk month falls in the period yet
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    days: list[int] = field(default_factory=lambda: [0] * 7)
    notes: list[str] = field(default_factory=list)

    @property
    def profile_total(self) -> int:
        return sum(self.days)

    def day_rows(self) -> list[tuple[str, int]]:
        return list(zip(DAYS, self.days, strict=True))


def incident_windows(start: datetime, end: datetime, first: datetime | None) -> dict[str, Window]:
    length = end - start
    year_start = start - YEAR
    return {
        "now": Window("now", f"{_day(start)} to {_day(end)}", True, start, end),
        "before": Window(
            "before", f"{_day(start - length)} to {_day(start)}", True, start - length, start
        ),
        "year": Window(
            "year",
            f"{_day(year_start)} to {_day(end - YEAR)}",
            first is not None and first <= year_start,
            year_start,
            end - YEAR,
        ),
    }


def crime_windows(
    start: datetime, latest: str | None, stored: set[str]
) -> dict[str, Window] | None:
    """The police.uk months since the response began's month (to the latest stored), the same
    number before, and the same months a year before; None when none is stored yet."""
    first = start.astimezone(LOCAL_TIME).strftime("%Y-%m")
    if latest is None or latest < first:
        return None
    months, month = [], first
    while month <= latest:
        months.append(month)
        month = month_add(month, 1)
    before = [month_add(m, -len(months)) for m in months]
    year = [month_add(m, -12) for m in months]

    def window(name: str, chosen: list[str]) -> Window:
        label = chosen[0] if len(chosen) == 1 else f"{chosen[0]} to {chosen[-1]}"
        return Window(name, label, all(m in stored for m in chosen), months=chosen)

    return {
        "now": window("now", months),
        "before": window("before", before),
        "year": window("year", year),
    }


async def _incident_rows(places, radius, kinds, since, until) -> list[dict]:
    where, args = _near_sql(places, 2 * radius)
    sql = (
        "SELECT id, category, source, occurred_at, lat, lng FROM incident "  # noqa: S608
        f"WHERE {where} AND occurred_at >= {{}} AND occurred_at < {{}}"
    )
    args += [since, until]
    if kinds:
        sql += f" AND category IN ({_marks(kinds)})"
        args += kinds
    return await Incident.raw(sql, *args)


async def _crime_rows(places, radius, types, months) -> list[dict]:
    if not months:
        return []
    where, args = _near_sql(places, 2 * radius)
    sql = (
        "SELECT c.id, c.month, c.crime_type, c.lat, c.lng, m.force FROM crime c "  # noqa: S608
        f"JOIN crime_month m ON m.id = c.batch WHERE {where} AND c.month IN ({_marks(months)})"
    )
    args += months
    if types:
        sql += f" AND c.crime_type IN ({_marks(types)})"
        args += types
    return await Crime.raw(sql, *args)


async def measure(
    places: list[tuple[float, float]],
    radius: int,
    incident_kinds: list[str],
    crime_types: list[str],
    comparisons: list[tuple[str, datetime]],
    now: datetime | None = None,
) -> list[Measure]:
    """For each (name, start) comparison: counts from start to now against the same length
    before and the same period a year before. One read of incidents and one of crimes for all
    the comparisons. Nothing when the problem has no places."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    if not places:
        return []
    span = await incident_times()
    first = as_time(span["first"]) if span and span.get("first") else None
    stored: set[str] = set()
    for lat, lng in places:
        stored |= {m["month"] for m in await coverage(lat, lng, 2 * radius)}
    latest = max(stored) if stored else None
    plans = []
    for name, start in comparisons:
        plans.append(
            (name, incident_windows(start, now, first), crime_windows(start, latest, stored))
        )
    since = min(w.start for _, windows, _ in plans for w in windows.values())
    incident_rows = await _incident_rows(places, radius, incident_kinds, since, now)
    months = sorted(
        {m for _, _, cw in plans if cw for w in cw.values() for m in w.months if m in stored}
    )
    crime_rows = await _crime_rows(places, radius, crime_types, months)
    incident_sources, crime_sources = set(), set()
    for rows in (incident_rows, crime_rows):
        for row in rows:
            row["zone"] = zone_of(row, places, radius)
    for row in incident_rows:
        row["occurred_at"] = as_time(row["occurred_at"])
        if row["zone"]:
            incident_sources.add(row["source"])
    for row in crime_rows:
        if row["zone"]:
            crime_sources.add(f"police.uk street crime, {row['force']}, {row['month']}")
    found = []
    for name, windows, cw in plans:
        incidents = Table("Incidents (the force's extract)", windows)
        for key, window in windows.items():
            at, ring = Counter(), Counter()
            for row in incident_rows:
                if row["zone"] and window.start <= row["occurred_at"] < window.end:
                    (at if row["zone"] == "in" else ring)[row["category"]] += 1
            incidents.at_places[key], incidents.in_ring[key] = at, ring
        incidents.sources = sorted(incident_sources)
        crimes = None
        if cw:
            crimes = Table("Street crime (police.uk, by month)", cw)
            for key, window in cw.items():
                wanted = set(window.months)
                at, ring = Counter(), Counter()
                for row in crime_rows:
                    if row["zone"] and row["month"] in wanted:
                        (at if row["zone"] == "in" else ring)[row["crime_type"]] += 1
                crimes.at_places[key], crimes.in_ring[key] = at, ring
            crimes.sources = sorted(crime_sources)
        result = Measure(name, radius, incidents, crimes)
        window = windows["now"]
        for row in incident_rows:
            if row["zone"] == "in" and window.start <= row["occurred_at"] < window.end:
                local = row["occurred_at"].astimezone(LOCAL_TIME)
                result.hours[local.hour] += 1
                result.days[local.weekday()] += 1
        if not windows["year"].held:
            result.notes.append("The incident data does not reach back a year before this period.")
        if cw is None:
            result.notes.append("No police.uk month since this period began is in the data yet.")
        found.append(result)
    return found
