"""The place part of a briefing for a point and radius: recent incidents, counts by type,
repeat places (no people)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.crime import nearby
from app.crime.nearby import as_time
from app.geo import compass, distance_m

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
    incident_span: dict
    incident_sources: list[str]


def month_before(month: str, months: int) -> str:
    year, number = map(int, month.split("-"))
    total = year * 12 + number - 1 - months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _day(moment: datetime) -> date:
    return moment.date()


def _period(name: str, label: str, previous_label: str, now_rows, before_rows, key) -> Period:
    now, before = Counter(key(r) for r in now_rows), Counter(key(r) for r in before_rows)
    counts = [(t, now[t], before[t]) for t in sorted(set(now) | set(before))]
    counts.sort(key=lambda c: (-c[1], -c[2], c[0]))
    return Period(name, label, previous_label, counts)


def _span_label(start: datetime, end: datetime) -> str:
    return f"{_day(start).isoformat()} to {_day(end - timedelta(seconds=1)).isoformat()}"


def incident_periods(incidents: list[dict], now: datetime) -> list[Period]:
    """Last 7 days against the 7 before, last 90 days against the 90 before."""
    periods = []
    for days, name in ((7, "Last 7 days"), (90, "Last 90 days")):
        start, before = now - timedelta(days=days), now - timedelta(days=2 * days)
        current = [i for i in incidents if i["occurred_at"] >= start]
        previous = [i for i in incidents if before <= i["occurred_at"] < start]
        periods.append(
            _period(
                f"{name} (incidents)",
                _span_label(start, now),
                _span_label(before, start),
                current,
                previous,
                lambda r: r["category"],
            )
        )
    return periods


def compared_month(latest: str, stored: set[str]) -> str | None:
    """The same month a year before when the data covers it, else the month before, else none."""
    for candidate in (month_before(latest, 12), month_before(latest, 1)):
        if candidate in stored:
            return candidate
    return None


async def build(lat: float, lng: float, radius: int, now: datetime | None = None) -> Briefing:
    """The place part of the briefing for a circle (no personal data in it)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    months = await nearby.coverage(lat, lng, radius)
    stored = {m["month"] for m in months}
    latest = max(stored) if stored else None
    previous = compared_month(latest, stored) if latest else None
    crimes = await nearby.crimes_near(lat, lng, radius, [m for m in (latest, previous) if m])
    incidents = await nearby.incidents_near(lat, lng, radius, now - timedelta(days=180))
    for incident in incidents:
        incident["occurred_at"] = as_time(incident["occurred_at"])
    periods = incident_periods(incidents, now) if incidents else []
    if latest:
        periods.append(
            _period(
                "Latest police.uk month (street crime)",
                latest,
                previous or "not in the data",
                [c for c in crimes if c["month"] == latest],
                [c for c in crimes if c["month"] == previous],
                lambda r: r["crime_type"],
            )
        )
    week = [i for i in incidents if i["occurred_at"] >= now - timedelta(days=7)]
    recent, kind = (
        (week, "incidents")
        if week
        else (
            [c for c in crimes if c["month"] == latest],
            "crimes",
        )
    )
    recent = sorted(recent, key=lambda r: r["metres"])[:RECENT_SHOWN]
    for row in recent:
        row["metres"] = distance_m(lat, lng, row["lat"], row["lng"])
        row["direction"] = compass(lat, lng, row["lat"], row["lng"])
    quarter = [i for i in incidents if i["occurred_at"] >= now - timedelta(days=90)]
    places = repeat_places([c for c in crimes if c["month"] == latest], quarter, lat, lng)
    span = await nearby.incident_span()
    sources = sorted({i["source"] for i in incidents})
    return Briefing(now, recent, kind, periods, places, months, span, sources)


def repeat_places(crimes: list[dict], incidents: list[dict], lat: float, lng: float) -> list[dict]:
    """Places with REPEAT_PLACE or more crimes (latest month) or incidents (last 90 days)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in crimes:
        groups[("crimes in the latest month", row["location"], row["lat"], row["lng"])].append(row)
    for row in incidents:
        point = (round(row["lat"], 4), round(row["lng"], 4))  # about 10 m: the same place
        groups[("incidents in 90 days", row["location"], *point)].append(row)
    places = []
    for (kind, location, plat, plng), rows in groups.items():
        if len(rows) >= REPEAT_PLACE:
            types = Counter(r.get("crime_type") or r.get("category") for r in rows)
            places.append(
                {
                    "location": location,
                    "kind": kind,
                    "count": len(rows),
                    "types": ", ".join(f"{t} {n}" for t, n in types.most_common(3)),
                    "metres": distance_m(lat, lng, plat, plng),
                    "direction": compass(lat, lng, plat, plng),
                }
            )
    return sorted(places, key=lambda p: (-p["count"], p["metres"]))[:10]
