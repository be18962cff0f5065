"""Reading crimes and incidents near a point: a grid-cell index lookup, then an exact radius."""

from __future__ import annotations

from datetime import datetime

from app.crime.geo import cells_around, haversine_m
from app.tables.briefing import Crime, CrimeMonth, Incident


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


def _within(rows: list[dict], lat: float, lng: float, radius: float) -> list[dict]:
    """Keep the rows inside the circle, each with its great-circle distance in metres."""
    kept = []
    for row in rows:
        metres = haversine_m(lat, lng, row["lat"], row["lng"])
        if metres <= radius:
            row["metres"] = metres
            kept.append(row)
    return kept


async def crime_months() -> list[dict]:
    """Every stored force-month, newest first."""
    return await CrimeMonth.select(
        CrimeMonth.force, CrimeMonth.month, CrimeMonth.rows, CrimeMonth.source
    ).order_by(CrimeMonth.month, ascending=False)


async def months_near(lat: float, lng: float, radius: float) -> set[str]:
    """The police.uk months that hold crimes in the circle's cells (forces publish apart)."""
    cells = cells_around(lat, lng, radius)
    rows = await Crime.raw(
        f"SELECT DISTINCT month FROM crime WHERE cell IN ({_marks(cells)})",  # noqa: S608
        *cells,
    )
    return {r["month"] for r in rows}


async def crimes_near(lat: float, lng: float, radius: float, months: list[str]) -> list[dict]:
    """Street crimes of the given months within radius metres (raw SQL: the ORM is slower here)."""
    if not months:
        return []
    cells = cells_around(lat, lng, radius)
    rows = await Crime.raw(
        "SELECT month, crime_type, lat, lng, location FROM crime "  # noqa: S608 - marks only
        f"WHERE cell IN ({_marks(cells)}) AND month IN ({_marks(months)})",
        *cells,
        *months,
    )
    return _within(rows, lat, lng, radius)


async def incidents_near(lat: float, lng: float, radius: float, since: datetime) -> list[dict]:
    """Incidents since a time within radius metres."""
    cells = cells_around(lat, lng, radius)
    rows = await Incident.raw(
        "SELECT reference, occurred_at, category, lat, lng, location, victim_ref, "  # noqa: S608
        f"suspect_ref, knife FROM incident WHERE cell IN ({_marks(cells)}) AND occurred_at >= {{}}",
        *cells,
        since,
    )
    return _within(rows, lat, lng, radius)


async def incidents_of(column: str, refs: list[str], since: datetime, knife: bool = False):
    """Every incident (anywhere) since a time whose victim_ref or suspect_ref is one of refs."""
    if not refs or column not in ("victim_ref", "suspect_ref"):
        return []
    knife_only = " AND knife = {}" if knife else ""
    return await Incident.raw(
        f"SELECT {column} AS ref, occurred_at, category, location, lat, lng FROM incident "  # noqa: S608
        f"WHERE {column} IN ({_marks(refs)}) AND occurred_at >= {{}}{knife_only}",
        *refs,
        since,
        *([True] if knife else []),
    )


async def incident_span() -> dict:
    """The first and last incident times, and the extracts they came from."""
    rows = await Incident.raw(
        "SELECT MIN(occurred_at) AS first, MAX(occurred_at) AS last, COUNT(*) AS n FROM incident"
    )
    sources = await Incident.select(Incident.source).distinct().limit(5)
    return {**rows[0], "sources": [s["source"] for s in sources]}
