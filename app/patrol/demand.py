"""Where and when the demand is in a team area: recent crimes and incidents, by small cell."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from app.actor import Actor
from app.boundaries.membership import boundary_of
from app.crime import nearby
from app.crime.nearby import as_time
from app.geo import EARTH_RADIUS_M
from app.outcomes import NotFound
from app.patrol.times import LOCAL, in_shift
from app.tables.places import TeamArea

# A team area with a boundary: the places inside it. Without one (centres are approximate): a
# circle around the centre.
RADIUS_M = 1500
CELL_M = 150  # one place to stand and be seen: a short street, a parade of shops
INCIDENT_DAYS = 90
INCIDENT_HALF_LIFE_DAYS = 14  # an incident two weeks old counts half as much as today's
CRIME_MONTHS = 6
CRIME_HALF_LIFE_MONTHS = 1  # police.uk gives only the month: the latest month counts 1, then 0.5...
WINDOW_MINUTES = 30  # a suggested point's default time window
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Place:
    """One small cell with demand: its weight, what and where, and when its incidents happen."""

    key: tuple[int, int]
    score: float = 0.0
    incidents: int = 0
    crimes: int = 0
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    days: list[int] = field(default_factory=lambda: [0] * 7)
    names: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    _lat: float = 0.0
    _lng: float = 0.0

    def add(self, lat: float, lng: float, weight: float, name: str, kind: str) -> None:
        self.score += weight
        self._lat += lat * weight
        self._lng += lng * weight
        self.names[name] += weight
        self.kinds[kind] += 1

    @property
    def lat(self) -> float:
        return self._lat / self.score

    @property
    def lng(self) -> float:
        return self._lng / self.score

    @property
    def label(self) -> str:
        """The most common location text (weighted), ties by name for a stable answer."""
        return min(self.names.items(), key=lambda item: (-item[1], item[0]))[0]

    @property
    def place_only(self) -> bool:
        """Only police.uk crimes here: a month and a place, no hour or day."""
        return self.incidents == 0

    @property
    def busiest_hour(self) -> int | None:
        return None if self.place_only else max(range(24), key=lambda h: (self.hours[h], -h))

    def top_kinds(self, count: int = 3) -> list[str]:
        return [k for k, _ in sorted(self.kinds.items(), key=lambda i: (-i[1], i[0]))[:count]]


def incident_weight(age: timedelta) -> float:
    return 0.5 ** (max(age.total_seconds(), 0) / 86400 / INCIDENT_HALF_LIFE_DAYS)


def months_between(earlier: str, later: str) -> int:
    (y1, m1), (y2, m2) = (map(int, earlier.split("-")), map(int, later.split("-")))
    return (y2 - y1) * 12 + m2 - m1


def crime_weight(month: str, latest: str) -> float:
    """Weighted by months before the newest police.uk month here (it is published late)."""
    return 0.5 ** (months_between(month, latest) / CRIME_HALF_LIFE_MONTHS)


def cell_key(lat: float, lng: float, centre_lat: float) -> tuple[int, int]:
    """A CELL_M square grid (east-west size scaled at the area's centre)."""
    step = math.degrees(CELL_M / EARTH_RADIUS_M)
    return math.floor(lat / step), math.floor(lng * math.cos(math.radians(centre_lat)) / step)


async def demand(
    lat: float, lng: float, now: datetime | None = None, radius: int = RADIUS_M, shape=None
) -> list[Place]:
    """The places around a point, heaviest recent demand first (indexed cell + box queries);
    with `shape` (a team area's boundary), only what lies inside it."""
    now = now or datetime.now(UTC)
    months = sorted({m["month"] for m in await nearby.coverage(lat, lng, radius)}, reverse=True)
    months = [m for m in months if months_between(m, months[0]) < CRIME_MONTHS] if months else []
    crimes = await nearby.crimes_near(lat, lng, radius, months)
    since = now - timedelta(days=INCIDENT_DAYS)
    incidents = await nearby.incidents_near(lat, lng, radius, since)
    if shape is not None:
        crimes = [r for r in crimes if shape.contains(r["lat"], r["lng"])]
        incidents = [r for r in incidents if shape.contains(r["lat"], r["lng"])]
    places: dict[tuple[int, int], Place] = {}

    def place(row: dict) -> Place:
        key = cell_key(row["lat"], row["lng"], lat)
        return places.setdefault(key, Place(key))

    for row in crimes:
        spot = place(row)
        spot.add(
            row["lat"],
            row["lng"],
            crime_weight(row["month"], months[0]),
            row["location"],
            row["crime_type"],
        )
        spot.crimes += 1
    for row in incidents:
        when = as_time(row["occurred_at"])
        spot = place(row)
        spot.add(
            row["lat"], row["lng"], incident_weight(now - when), row["location"], row["category"]
        )
        spot.incidents += 1
        local = when.astimezone(LOCAL)
        spot.hours[local.hour] += 1
        spot.days[local.weekday()] += 1
    return sorted(places.values(), key=lambda p: (-p.score, p.key))


def bars(counts: list[int], width: float, height: float) -> list[dict]:
    """SVG bars (x, y, width, height) for counts, scaled to the largest."""
    top = max(counts) or 1
    step = width / len(counts)
    shown = []
    for i, count in enumerate(counts):
        tall = round(height * count / top, 1)
        shown.append(
            {
                "x": round(i * step, 1),
                "y": round(height - tall, 1),
                "w": round(step - 1, 1),
                "h": tall,
                "n": count,
            }
        )
    return shown


def map_points(
    places: list[Place], lat: float, lng: float, radius: int, size: int = 300
) -> list[dict]:
    """Places in an SVG square with the centre in the middle and the circle's edge at the sides."""
    scale = (size / 2 - 10) / radius
    top = max((p.score for p in places), default=1) or 1
    shown = []
    for rank, p in enumerate(places, start=1):
        north = math.radians(p.lat - lat) * EARTH_RADIUS_M
        east = math.radians(p.lng - lng) * EARTH_RADIUS_M * math.cos(math.radians(lat))
        shown.append(
            {
                "rank": rank,
                "x": round(size / 2 + east * scale, 1),
                "y": round(size / 2 - north * scale, 1),
                "r": round(4 + 8 * math.sqrt(p.score / top), 1),
            }
        )
    return shown


def outline_path(boundary, lat: float, lng: float, radius: int, size: int = 300) -> str:
    """An SVG path of a boundary's rings, in the square map_points draws (holes included)."""
    if boundary is None:
        return ""
    scale = (size / 2 - 10) / radius
    squeeze = math.cos(math.radians(lat))
    out = []
    for part in boundary.shape.parts:
        for ring in part:
            xy = [
                (
                    size / 2 + math.radians(x - lng) * EARTH_RADIUS_M * squeeze * scale,
                    size / 2 - math.radians(y - lat) * EARTH_RADIUS_M * scale,
                )
                for x, y in ring
            ]
            out.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy) + "Z")
    return "".join(out)


def suggested_window(
    place: Place, shift_start: datetime, shift_end: datetime, minutes: int = WINDOW_MINUTES
) -> tuple[datetime, datetime]:
    """The busiest hour of the place that fits in the shift, else the shift's start."""
    length = timedelta(minutes=minutes)
    if not place.place_only:
        for hour in sorted(range(24), key=lambda h: (-place.hours[h], h)):
            if not place.hours[hour]:
                break
            start = in_shift(shift_start, time(hour))
            if shift_start <= start and start + length <= shift_end:
                return start, start + length
    return shift_start, min(shift_start + length, shift_end)


async def team_demand(team_id: int, now: datetime | None = None) -> tuple[dict | None, list[Place]]:
    """A team area (id, name, centre; its boundary, and the lat, lng and radius looked in) and
    the demand in it: inside its boundary when it has one, else around its centre."""
    team = (
        await TeamArea.select(
            TeamArea.id,
            TeamArea.name,
            TeamArea.centre_lat,
            TeamArea.centre_lng,
            TeamArea.centre_is_approximate,
        )
        .where(TeamArea.id == team_id)
        .first()
    )
    if team is None:
        return None, []
    boundary = await boundary_of(team_id)
    team["boundary"] = boundary
    if boundary is None:
        team["lat"], team["lng"], team["radius"] = team["centre_lat"], team["centre_lng"], RADIUS_M
        return team, await demand(team["lat"], team["lng"], now)
    team["lat"], team["lng"] = boundary.centre
    team["radius"] = math.ceil(boundary.shape.covering_radius(*boundary.centre))
    found = await demand(team["lat"], team["lng"], now, team["radius"], boundary.shape)
    return team, found


async def area_demand(
    actor: Actor, team_id: int | None = None, now: datetime | None = None
) -> tuple[dict | None, list[Place]]:
    """The demand in a team area for a supervisor: the one asked for (NotFound if there is no
    such area), else their own, else the first by name; (None, []) with no team areas."""
    if team_id is not None:
        team, places = await team_demand(team_id, now)
        if team is None:
            raise NotFound(team_id)
        return team, places
    team_id = actor.home_team_id
    if team_id is None:
        first = await TeamArea.select(TeamArea.id).order_by(TeamArea.name).first()
        team_id = first["id"] if first else None
    return await team_demand(team_id, now) if team_id else (None, [])
