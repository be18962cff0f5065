"""Where a briefing is for: a point (the phone's or typed), or a team area; checked like a form."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from app.actor import Actor
from app.briefing.forms import DEFAULT_RADIUS, RADII
from app.forms import FormErrors
from app.geo import haversine_m
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


def nearest_team(teams: list[dict], lat: float, lng: float) -> dict | None:
    return min(
        teams,
        key=lambda t: haversine_m(lat, lng, t["centre_lat"], t["centre_lng"]),
        default=None,
    )


async def resolve(actor: Actor, values: dict, errors: FormErrors) -> Where | None:
    """The circle PlaceForm asked for (a team area, a point, or else the actor's home team
    area), or None when there is none: a team area that does not exist is added to `errors`."""
    teams = await _teams()
    by_id = {t["id"]: t for t in teams}
    radius = values["radius"]
    if values["area"] is not None or "area" in errors:
        team = by_id.get(values["area"])
        if team is None:
            errors.add("area", "Choose a team area from the list")
        if errors:
            return None
        fallback = values["fallback"] or ""
        how = "home" if fallback else "area"
        lat, lng = team["centre_lat"], team["centre_lng"]
        return Where(lat, lng, radius, how, team, fallback=fallback)
    if values["lat"] is not None or values["lng"] is not None or errors.keys() & {"lat", "lng"}:
        if errors:
            return None
        lat, lng, accuracy = values["lat"], values["lng"], values["acc"]
        how = "position" if accuracy is not None else "point"
        return Where(lat, lng, radius, how, nearest_team(teams, lat, lng), accuracy)
    if errors or actor.home_team_id not in by_id:
        return None
    team = by_id[actor.home_team_id]
    return Where(team["centre_lat"], team["centre_lng"], radius, "home", team)
