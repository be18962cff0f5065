"""Where a briefing is for: a point (the phone's or typed), or a team area; checked like a form."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from app.geo import haversine_m
from app.tables.places import TeamArea
from app.web import FormErrors

RADII = (250, 500, 1000)
DEFAULT_RADIUS = 500
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


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


async def _teams() -> list[dict]:
    return await TeamArea.select(
        TeamArea.id, TeamArea.name, TeamArea.centre_lat, TeamArea.centre_lng
    )


def nearest_team(teams: list[dict], lat: float, lng: float) -> dict | None:
    return min(
        teams,
        key=lambda t: haversine_m(lat, lng, t["centre_lat"], t["centre_lng"]),
        default=None,
    )


async def resolve(
    params: dict[str, str], home_team_id: int | None
) -> tuple[Where | None, FormErrors]:
    """Read ?lat=&lng=&radius= or ?area=&radius= (or nothing: the home team area)."""
    errors = FormErrors()
    radius_text = params.get("radius") or str(DEFAULT_RADIUS)
    radius = int(radius_text) if radius_text.isdigit() and int(radius_text) in RADII else None
    if radius is None:
        errors.add("radius", "Choose a radius of 250 m, 500 m or 1 km")
    teams = await _teams()
    by_id = {t["id"]: t for t in teams}
    area, lat_text, lng_text = (params.get(k, "").strip() for k in ("area", "lat", "lng"))
    if area:
        team = by_id.get(int(area)) if area.isdigit() else None
        if team is None:
            errors.add("area", "Choose a team area from the list")
        if errors:
            return None, errors
        how = "home" if params.get("fallback") else "area"
        return Where(
            team["centre_lat"],
            team["centre_lng"],
            radius,
            how,
            team,
            fallback=params.get("fallback", ""),
        ), errors
    if lat_text or lng_text:
        lat, lng = _number(lat_text, -90, 90), _number(lng_text, -180, 180)
        if lat is None:
            errors.add("lat", "Enter a latitude between -90 and 90, like 52.9225")
        if lng is None:
            errors.add("lng", "Enter a longitude between -180 and 180, like -1.4746")
        if errors:
            return None, errors
        accuracy = _number(params.get("acc", ""), 0, 100_000)
        how = "position" if accuracy is not None else "point"
        return Where(lat, lng, radius, how, nearest_team(teams, lat, lng), accuracy), errors
    if errors or home_team_id not in by_id:
        return None, errors
    team = by_id[home_team_id]
    return Where(team["centre_lat"], team["centre_lng"], radius, "home", team), errors
