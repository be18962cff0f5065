"""Patrol maps: a plan's points in walking order on its team area's boundary; on the plan
builder a tap or click on the map sets the new point's latitude and longitude."""

from __future__ import annotations

from app import maps
from app.boundaries.membership import boundary_of
from app.tables.places import TeamArea


async def plan_map(team_id: int, team_name: str, points: list, *, pick: bool, follow: bool) -> dict:
    """The map's data for a plan: its points numbered in order and joined by a line, the team
    area's boundary (or its centre), and, when `pick`, the add-point form's fields to fill."""
    found = await boundary_of(team_id)
    team = (
        await TeamArea.select(TeamArea.centre_lat, TeamArea.centre_lng)
        .where(TeamArea.id == team_id)
        .first()
    )
    shown = [
        maps.point(p["lat"], p["lng"], p["label"], "plan", n=n)
        for n, p in enumerate(points, start=1)
    ]
    centre = found.centre if found else (team["centre_lat"], team["centre_lng"]) if team else None
    label = f"Map of the plan's points in {team_name}"
    if pick:
        label += ": tap or click the map to set the new point's latitude and longitude"
    return maps.config(
        label,
        boundaries=[maps.boundary(found, team_name)] if found else [],
        points=shown,
        centre=centre,
        pick={"lat": "lat", "lng": "lng"} if pick else None,
        line=True,
        follow=follow,
    )
