"""Reading crimes and incidents near a point: a grid-cell index lookup, then an exact radius."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from app.geo import EARTH_RADIUS_M, cells_around, haversine_m
from app.tables.briefing import Crime, Incident


def as_time(value) -> datetime:
    """A timestamp as read back: SQLite may give text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


def _box(lat: float, lng: float, radius: float) -> tuple[float, float, float, float]:
    """The circle's bounding box: the database drops most rows of the cells before Python."""
    dlat = math.degrees(radius / EARTH_RADIUS_M) * 1.001
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def _where(lat: float, lng: float, radius: float) -> tuple[str, list]:
    cells = cells_around(lat, lng, radius)
    sql = f"cell IN ({_marks(cells)}) AND lat BETWEEN {{}} AND {{}} AND lng BETWEEN {{}} AND {{}}"
    return sql, [*cells, *_box(lat, lng, radius)]


def _within(rows: list[dict], lat: float, lng: float, radius: float) -> list[dict]:
    """Keep the rows inside the circle, each with its great-circle distance in metres."""
    kept = []
    for row in rows:
        metres = haversine_m(lat, lng, row["lat"], row["lng"])
        if metres <= radius:
            row["metres"] = metres
            kept.append(row)
    return kept


async def coverage(lat: float, lng: float, radius: float) -> list[dict]:
    """The police.uk force-months with crimes in the circle's cells, newest first."""
    cells = cells_around(lat, lng, radius)
    return await Crime.raw(
        "SELECT DISTINCT m.force, m.month FROM crime_cell_count c "  # noqa: S608 - marks only
        f"JOIN crime_month m ON m.id = c.batch WHERE c.cell IN ({_marks(cells)}) "
        "ORDER BY m.month DESC, m.force",
        *cells,
    )


async def crimes_near(lat: float, lng: float, radius: float, months: list[str]) -> list[dict]:
    """Street crimes of the given months within radius metres (raw SQL: the ORM is slower here)."""
    if not months:
        return []
    where, args = _where(lat, lng, radius)
    rows = await Crime.raw(
        "SELECT month, crime_type, lat, lng, location FROM crime "  # noqa: S608 - marks only
        f"WHERE {where} AND month IN ({_marks(months)})",
        *args,
        *months,
    )
    return _within(rows, lat, lng, radius)


async def incidents_near(lat: float, lng: float, radius: float, since: datetime) -> list[dict]:
    """Incidents since a time within radius metres."""
    where, args = _where(lat, lng, radius)
    rows = await Incident.raw(
        "SELECT reference, occurred_at, category, lat, lng, location, victim_ref, "  # noqa: S608
        f"suspect_ref, knife, source FROM incident WHERE {where} AND occurred_at >= {{}}",
        *args,
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


# ---- The briefing's reads ----------------------------------------------------------------
#
# A circle is tested in SQL with a cheap distance: the cells' index, the bounding box, then
# degrees scaled to a plane at the centre (within a metre of the great-circle distance at these
# radii), so the database returns only rows inside, nearest first, or their counts.

METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


def _circle(lat: float, lng: float, radius: float) -> tuple[str, list, str, list]:
    """(condition, its arguments, squared distance in degrees, its arguments) for a circle."""
    where, args = _where(lat, lng, radius)
    squeeze = math.cos(math.radians(lat)) ** 2
    distance = "((lat - {}) * (lat - {}) + (lng - {}) * (lng - {}) * {})"
    distance_args = [lat, lat, lng, lng, squeeze]
    limit = (radius / METRES_PER_DEGREE) ** 2
    return (
        f"{where} AND {distance} <= {{}}",
        [*args, *distance_args, limit],
        distance,
        distance_args,
    )


async def crime_counts(lat: float, lng: float, radius: float, months: list[str]) -> list[dict]:
    """Street crimes in the circle by month and type: month, kind, n."""
    if not months:
        return []
    where, args, _, _ = _circle(lat, lng, radius)
    return await Crime.raw(
        "SELECT month, crime_type AS kind, COUNT(*) AS n FROM crime "  # noqa: S608 - marks only
        f"WHERE {where} AND month IN ({_marks(months)}) GROUP BY month, crime_type",
        *args,
        *months,
    )


SPOT = 10_000  # counted by spot: 1/10,000 of a degree, about 11 m by 7 m in England
# A row's spot (sy, sx: latitude and longitude times SPOT, as integers).
SPOT_COLUMNS = f"CAST(lat * {SPOT} AS INTEGER) AS sy, CAST(lng * {SPOT} AS INTEGER) AS sx"


async def incident_counts(
    lat: float, lng: float, radius: float, since, bounds, by_spot: bool = False
) -> list[dict]:
    """Incidents in the circle since a time, by category and source, counted in windows:
    `bounds` (start, end) pairs (end None: open), giving columns w0, w1, ... `by_spot`: grouped
    also by spot (sy, sx), so a boundary keeps the spots inside it and no incident's own place
    or time is read (the counts of a team area's polygon for those who see counts only)."""
    where, args, _, _ = _circle(lat, lng, radius)
    windows, window_args = [], []
    for n, (start, end) in enumerate(bounds):
        test = "occurred_at >= {}" + (" AND occurred_at < {}" if end is not None else "")
        windows.append(f"SUM(CASE WHEN {test} THEN 1 ELSE 0 END) AS w{n}")
        window_args += [start] if end is None else [start, end]
    spot, by = (f"{SPOT_COLUMNS}, ", ", sy, sx") if by_spot else ("", "")
    return await Incident.raw(
        f"SELECT category AS kind, source, {spot}{', '.join(windows)} "  # noqa: S608
        f"FROM incident WHERE {where} AND occurred_at >= {{}} GROUP BY category, source{by}",
        *window_args,
        *args,
        since,
    )


async def crime_year_counts(
    lat: float, lng: float, radius: float, latest: list[str], before: list[str], by_spot: bool
) -> list[dict]:
    """Street crimes in the circle by type, in two sets of months (columns now and then);
    `by_spot`: grouped also by spot (sy, sx as incident_counts) for a boundary."""
    where, args, _, _ = _circle(lat, lng, radius)
    spot = f", {SPOT_COLUMNS}"
    return await Crime.raw(
        f"SELECT crime_type AS kind{spot if by_spot else ''}, "  # noqa: S608 - marks only
        f"SUM(CASE WHEN month IN ({_marks(latest)}) THEN 1 ELSE 0 END) AS now, "
        f"SUM(CASE WHEN month IN ({_marks(before)}) THEN 1 ELSE 0 END) AS before "
        f"FROM crime WHERE {where} AND month IN ({_marks(latest + before)}) "
        f"GROUP BY crime_type{', sy, sx' if by_spot else ''}",
        *latest,
        *before,
        *args,
        *latest,
        *before,
    )


async def crimes_in(lat: float, lng: float, radius: float, months: list[str]) -> list[dict]:
    """The street crimes of the months in the circle, nearest first: month, crime_type,
    location, lat, lng (the columns a briefing shows, nothing else)."""
    if not months:
        return []
    where, args, distance, distance_args = _circle(lat, lng, radius)
    return await Crime.raw(
        "SELECT month, crime_type, location, lat, lng FROM crime "  # noqa: S608 - marks only
        f"WHERE {where} AND month IN ({_marks(months)}) ORDER BY {distance}, id",
        *args,
        *months,
        *distance_args,
    )


async def incidents_in(lat: float, lng: float, radius: float, since) -> list[dict]:
    """The incidents since a time in the circle, nearest first: category, source, occurred_at,
    location, lat, lng (no people)."""
    where, args, distance, distance_args = _circle(lat, lng, radius)
    return await Incident.raw(
        "SELECT category, source, occurred_at, location, lat, lng FROM incident "  # noqa: S608
        f"WHERE {where} AND occurred_at >= {{}} ORDER BY {distance}, id",
        *args,
        since,
        *distance_args,
    )


async def incident_times() -> dict:
    """The first and last incident times (one statement, each read from the index)."""
    rows = await Incident.raw(
        "SELECT (SELECT MIN(occurred_at) FROM incident) AS first, "
        "(SELECT MAX(occurred_at) FROM incident) AS last"
    )
    return rows[0]
