"""Where a briefing is for: a point (the phone's or typed), or a team area; checked like a form."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from app.actor import Actor
from app.boundaries.membership import Boundary, boundaries, team_at
from app.briefing.forms import DEFAULT_RADIUS, RADII
from app.forms import FormErrors
from app.tables.places import TeamArea

__all__ = ["DEFAULT_RADIUS", "FALLBACKS", "RADII", "Where", "nearest_team", "resolve"]
FALLBACKS = {
    "refused": "Your phone did not share its position",
    "slow": "Your position took too long to find",
    "inaccurate": "Your position was not accurate enough for the radius",
    "unavailable": "Your phone could not find its position",
}


@dataclass
class Where:
    """The circle a briefing covers, how it was chosen, and the team area it falls in."""

    lat: float
    lng: float
    radius: int
    how: str  # "position", "point", "area" or "home"
    team: dict | None = None  # nearest team area (id, name, centre_lat, centre_lng)
    accuracy: float | None = None
    fallback: str = ""
    boundary: Boundary | None = None  # a team area's briefing: the whole area inside it
    reach: int = 0  # metres searched around (lat, lng): the radius, or the whole boundary

    def __post_init__(self) -> None:
        self.reach = self.reach or self.radius

    @property
    def whole_area(self) -> bool:
        """A team area's briefing covering its boundary (not a circle)."""
        return self.boundary is not None and self.how in ("area", "home")

    @property
    def shape(self):
        """What is kept: the boundary's polygons for a whole area, else None (the circle)."""
        return self.boundary.shape if self.whole_area else None

    def query(self, **extra) -> str:
        """The URL query that gives this briefing again (bookmarkable, shareable)."""
        if self.how in ("area", "home") and self.team:
            params = {"area": self.team["id"], "radius": self.radius}
        else:
            params = {"lat": f"{self.lat:.5f}", "lng": f"{self.lng:.5f}", "radius": self.radius}
        return urlencode({**params, **extra})

    @property
    def fallback_message(self) -> str:
        return FALLBACKS.get(self.fallback, "")


async def _teams() -> list[dict]:
    # Plain SQL: building Piccolo's select costs more than running it on every briefing.
    return await TeamArea.raw("SELECT id, name, centre_lat, centre_lng FROM team_area")


def nearest_team(teams: list[dict], lat: float, lng: float, areas=None) -> dict | None:
    """The team area a point is in: by boundary where areas have one, else the nearest centre."""
    return team_at(teams, areas or {}, lat, lng)


def _area(team: dict, radius: int, how: str, areas: dict, fallback: str = "") -> Where:
    """A team area's briefing: its whole boundary when it has one, else a circle at its centre."""
    boundary = areas.get(team["id"])
    if boundary is None:
        return Where(team["centre_lat"], team["centre_lng"], radius, how, team, fallback=fallback)
    lat, lng = boundary.centre
    reach = math.ceil(boundary.shape.covering_radius(lat, lng))
    return Where(lat, lng, radius, how, team, fallback=fallback, boundary=boundary, reach=reach)


async def resolve(actor: Actor, values: dict, errors: FormErrors) -> Where | None:
    """The circle PlaceForm asked for (a team area, a point, or else the actor's home team
    area), or None when there is none: a team area that does not exist is added to `errors`."""
    teams = await _teams()
    areas = await boundaries()
    by_id = {t["id"]: t for t in teams}
    radius = values["radius"]
    if values["area"] is not None or "area" in errors:
        team = by_id.get(values["area"])
        if team is None:
            errors.add("area", "Choose a team area from the list")
        if errors:
            return None
        fallback = values["fallback"] or ""
        return _area(team, radius, "home" if fallback else "area", areas, fallback)
    if values["lat"] is not None or values["lng"] is not None or errors.keys() & {"lat", "lng"}:
        if errors:
            return None
        lat, lng, accuracy = values["lat"], values["lng"], values["acc"]
        how = "position" if accuracy is not None else "point"
        team = nearest_team(teams, lat, lng, areas)
        return Where(lat, lng, radius, how, team, accuracy, boundary=areas.get(team and team["id"]))
    if errors or actor.home_team_id not in by_id:
        return None
    return _area(by_id[actor.home_team_id], radius, "home", areas)
