"""The place part of a briefing for a point and radius: recent incidents, counts by type,
repeat places (no people).

Two levels of detail (app/briefing/levels.py): police roles see the force's incidents one by
one (time, place, distance); civilians see what data.police.uk publishes (street crimes by
month at an anonymised "on or near" place) and the force's incidents only as counts by type for
each period, counted by the database: no incident's time or place is read for them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.briefing.repeats import group_near, label
from app.crime import nearby
from app.crime.nearby import as_time
from app.geo import compass, local_metres
from app.settings import get_settings

RECENT_SHOWN = 25
REPEAT_PLACE = 3  # crimes or incidents at one place in the period


@dataclass
class Period:
    """One block of counts: a period and the one it is compared with."""

    name: str
    label: str
    previous_label: str
    counts: list[tuple[str, int, int]] = field(default_factory=list)  # type, count, previous

    @property
    def largest(self) -> int:
        return max([1] + [max(c, p) for _, c, p in self.counts])


@dataclass
class Briefing:
    """Everything the place part of a briefing shows (no people)."""

    as_of: datetime
    recent: list[dict]
    recent_kind: str  # "incidents" (last 7 days) or "crimes" (latest police.uk month)
    periods: list[Period]
    repeat_places: list[dict]
    crime_months: list[dict]  # the force-months covering this place
    incident_span: dict  # first and last incident: times for police, days for civilians
    incident_sources: list[str]
    detail: bool = True  # the force's incidents one by one (police); False: counts only
    crime_month: str | None = None  # the latest police.uk month covering the place


def month_before(month: str, months: int) -> str:
    year, number = map(int, month.split("-"))
    total = year * 12 + number - 1 - months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _day(moment: datetime) -> date:
    return moment.date()


def _period(name: str, label: str, previous_label: str, now: Counter, before: Counter) -> Period:
    counts = [(t, now[t], before[t]) for t in sorted(set(now) | set(before)) if now[t] or before[t]]
    counts.sort(key=lambda c: (-c[1], -c[2], c[0]))
    return Period(name, label, previous_label, counts)


def _span_label(start: datetime, end: datetime) -> str:
    return f"{_day(start).isoformat()} to {_day(end - timedelta(seconds=1)).isoformat()}"


def compared_month(latest: str, stored: set[str]) -> str | None:
    """The same month a year before when the data covers it, else the month before, else none."""
    for candidate in (month_before(latest, 12), month_before(latest, 1)):
        if candidate in stored:
            return candidate
    return None


@dataclass
class Counts:
    """The counts table and what it was worked out from."""

    months: list[dict]  # the force-months covering the place
    latest: str | None
    previous: str | None
    periods: list[Period] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the incident extracts counted


INCIDENT_WINDOWS = ((7, "Last 7 days"), (90, "Last 90 days"))
INCIDENT_DAYS = 2 * max(days for days, _ in INCIDENT_WINDOWS)  # every window and the one before
CRIME_PERIOD = "Latest police.uk month (street crime)"


def _windows(now: datetime) -> list[tuple[int, str, datetime, datetime]]:
    """(days, name, start, start of the window before) for each incident window."""
    return [
        (days, name, now - timedelta(days=days), now - timedelta(days=2 * days))
        for days, name in INCIDENT_WINDOWS
    ]


async def _coverage(lat: float, lng: float, radius: int) -> Counts:
    months = await nearby.coverage(lat, lng, radius)
    stored = {m["month"] for m in months}
    latest = max(stored) if stored else None
    previous = compared_month(latest, stored) if latest else None
    return Counts(months, latest, previous)


def _incident_periods(counts: Counts, now: datetime, tallies: list[tuple[Counter, Counter]]):
    for (_, name, start, earlier), (current, before) in zip(_windows(now), tallies, strict=True):
        label = _span_label(start, now)
        counts.periods.append(
            _period(f"{name} (incidents)", label, _span_label(earlier, start), current, before)
        )


def _crime_period(counts: Counts, current: Counter, before: Counter) -> None:
    previous = counts.previous or "not in the data"
    counts.periods.append(_period(CRIME_PERIOD, counts.latest, previous, current, before))


YEAR_PERIOD = "Last 12 months of police.uk data (street crime)"


async def _year_period(counts: Counts, lat: float, lng: float, radius: int, shape) -> None:
    """The last 12 months of street crime against the 12 before, where the data holds all 24
    (counted by the database; with a shape, by spots of about 11 m and those inside kept)."""
    if not counts.latest:
        return
    stored = {m["month"] for m in counts.months}
    latest = [month_before(counts.latest, n) for n in range(12)]
    before = [month_before(counts.latest, n) for n in range(12, 24)]
    if not stored.issuperset(latest + before):
        return  # the data does not hold two whole years here: no comparison rather than a wrong one
    rows = await nearby.crime_year_counts(lat, lng, radius, latest, before, shape is not None)
    if shape is not None:
        rows = [r for r in rows if _spot_inside(shape, r)]
    now, then = Counter(), Counter()
    for row in rows:
        now[row["kind"]] += int(row["now"] or 0)
        then[row["kind"]] += int(row["before"] or 0)
    label = f"{latest[-1]} to {latest[0]}"
    counts.periods.append(_period(YEAR_PERIOD, label, f"{before[-1]} to {before[0]}", now, then))


def _spot_inside(shape, row: dict) -> bool:
    """Whether a counted spot (nearby.SPOT) lies in the shape (its middle is tested)."""
    half = 0.5 / nearby.SPOT
    return shape.contains(row["sy"] / nearby.SPOT + half, row["sx"] / nearby.SPOT + half)


async def _counted_incidents(
    counts: Counts, lat: float, lng: float, radius: int, now, shape=None
) -> None:
    """The incident periods, counted by the database (no incident row is read); with a
    shape (a team area's boundary), counted by spots of about 11 m and the spots inside kept."""
    windows = _windows(now)
    bounds = [b for _, _, start, earlier in windows for b in ((start, None), (earlier, start))]
    since = now - timedelta(days=INCIDENT_DAYS)
    rows = await nearby.incident_counts(lat, lng, radius, since, bounds, shape is not None)
    if shape is not None:
        rows = [r for r in rows if _spot_inside(shape, r)]
    counts.sources = sorted({r["source"] for r in rows})
    if rows:
        tallies = []
        for n in range(len(windows)):
            current, before = Counter(), Counter()
            for row in rows:
                current[row["kind"]] += int(row[f"w{2 * n}"] or 0)
                before[row["kind"]] += int(row[f"w{2 * n + 1}"] or 0)
            tallies.append((current, before))
        _incident_periods(counts, now, tallies)


async def counts_only(lat: float, lng: float, radius: int, now: datetime, shape=None) -> Counts:
    """The counts table alone (for the CSV): counted by the database, no rows fetched (with a
    shape, police.uk's public street crimes are read and those inside it counted)."""
    counts = await _coverage(lat, lng, radius)
    await _counted_incidents(counts, lat, lng, radius, now, shape)
    if counts.latest:
        by_month = {counts.latest: Counter(), counts.previous: Counter()}
        months = [m for m in (counts.latest, counts.previous) if m]
        if shape is None:
            for row in await nearby.crime_counts(lat, lng, radius, months):
                by_month[row["month"]][row["kind"]] = int(row["n"])
        else:
            for row in _inside(shape, await nearby.crimes_in(lat, lng, radius, months)):
                by_month[row["month"]][row["crime_type"]] += 1
        _crime_period(counts, by_month[counts.latest], by_month[counts.previous])
    await _year_period(counts, lat, lng, radius, shape)
    return counts


def _inside(shape, rows: list[dict]) -> list[dict]:
    """The rows inside the shape (all of them without one)."""
    if shape is None:
        return rows
    return [r for r in rows if shape.contains(r["lat"], r["lng"])]


def _placed(rows: list[dict], lat: float, lng: float) -> list[dict]:
    """Rows with their distance (metres) and compass direction from the centre."""
    for row in rows:
        row["metres"] = local_metres(lat, lng, row["lat"], row["lng"])
        row["direction"] = compass(lat, lng, row["lat"], row["lng"])
    return rows


async def build(
    lat: float,
    lng: float,
    radius: int,
    now: datetime | None = None,
    *,
    detail: bool = True,
    shape=None,
) -> Briefing:
    """The place part of the briefing for a circle (no personal data in it): one read of the
    circle's crimes (two months) and one of its incidents (180 days), both nearest first,
    counted here; the CSV's counts_only counts the same circle in the database.

    `detail` False (civilians): the incidents are counted by the database, by type and period,
    and nothing else of them is read; the recent list and the repeat places are police.uk's
    street crimes, and the incident extract's span is given in days.

    `shape` (a team area's boundary, with `contains(lat, lng)`): only what lies inside it, the
    circle being one that holds the whole area."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    counts = await _coverage(lat, lng, radius)
    incidents = []
    if detail:
        since = now - timedelta(days=INCIDENT_DAYS)
        incidents = _inside(shape, await nearby.incidents_in(lat, lng, radius, since))
        for row in incidents:
            row["occurred_at"] = as_time(row["occurred_at"])
        counts.sources = sorted({i["source"] for i in incidents})
        if incidents:
            tallies = []
            for _, _, start, earlier in _windows(now):
                current, before = Counter(), Counter()
                for row in incidents:
                    at = row["occurred_at"]
                    if at >= start:
                        current[row["category"]] += 1
                    elif at >= earlier:
                        before[row["category"]] += 1
                tallies.append((current, before))
            _incident_periods(counts, now, tallies)
    else:
        await _counted_incidents(counts, lat, lng, radius, now, shape)
    latest_crimes = []
    if counts.latest:
        months = [m for m in (counts.latest, counts.previous) if m]
        crimes = _inside(shape, await nearby.crimes_in(lat, lng, radius, months))
        latest_crimes = [c for c in crimes if c["month"] == counts.latest]
        before = Counter(c["crime_type"] for c in crimes if c["month"] == counts.previous)
        _crime_period(counts, Counter(c["crime_type"] for c in latest_crimes), before)
        await _year_period(counts, lat, lng, radius, shape)
    week = [i for i in incidents if i["occurred_at"] >= now - timedelta(days=7)]
    recent, kind = (week, "incidents") if week else (latest_crimes, "crimes")
    quarter = [i for i in incidents if i["occurred_at"] >= now - timedelta(days=90)]
    places = repeat_places(latest_crimes, quarter, lat, lng)
    span = await nearby.incident_times()
    if not detail:
        span = {k: as_time(v).date() if v is not None else None for k, v in span.items()}
    return Briefing(
        now,
        _placed(recent[:RECENT_SHOWN], lat, lng),
        kind,
        counts.periods,
        places,
        counts.months,
        span,
        counts.sources,
        detail,
        counts.latest,
    )


def repeat_places(
    crimes: list[dict], incidents: list[dict], lat: float, lng: float, metres: float | None = None
) -> list[dict]:
    """Places with REPEAT_PLACE or more crimes (latest month) or incidents (last 90 days):
    those within `metres` (BEATBOOK_REPEAT_PLACE_METRES) of each other are one place, at their
    middle, named by their commonest location text; most first then nearest; ten at most."""
    metres = get_settings().repeat_place_metres if metres is None else metres
    places = []
    for kind, rows, type_key in (
        ("crimes in the latest month", crimes, "crime_type"),
        ("incidents in 90 days", incidents, "category"),
    ):
        rows = [r for r in rows if r["lat"] is not None]
        for group in group_near([(r["lat"], r["lng"]) for r in rows], metres):
            if len(group) < REPEAT_PLACE:
                break  # biggest first: the rest are smaller
            members = [rows[i] for i in group]
            plat = sum(r["lat"] for r in members) / len(members)
            plng = sum(r["lng"] for r in members) / len(members)
            types = Counter(r[type_key] for r in members)
            places.append(
                {
                    "location": label([r["location"] for r in members]),
                    "kind": kind,
                    "count": len(members),
                    "types": ", ".join(f"{t} {n}" for t, n in types.most_common(3)),
                    "lat": plat,
                    "lng": plng,
                    "metres": local_metres(lat, lng, plat, plng),
                }
            )
    places.sort(key=lambda p: (-p["count"], p["metres"]))
    return _placed(places[:10], lat, lng)
