"""The tasking form's map: tap or click to pick the place (it sets the latitude and longitude
and chooses "a point"); the actor's home team area's boundary is drawn when it has one."""

from __future__ import annotations

from app import maps
from app.actor import Actor
from app.boundaries.membership import boundary_of
from app.tables.places import TeamArea


async def pick_map(actor: Actor, lat: float | None = None, lng: float | None = None) -> dict:
    """The map's data: centred on the point already chosen, else the home team area."""
    found = await boundary_of(actor.home_team_id)
    centre = None
    if lat is not None and lng is not None:
        centre = (lat, lng)
    elif found is not None:
        centre = found.centre
    elif actor.home_team_id is not None:
        team = (
            await TeamArea.select(TeamArea.centre_lat, TeamArea.centre_lng)
            .where(TeamArea.id == actor.home_team_id)
            .first()
        )
        centre = (team["centre_lat"], team["centre_lng"]) if team else None
    return maps.config(
        "Map: tap or click to pick the tasking's place",
        boundaries=[maps.boundary(found, "Your team area")] if found else [],
        centre=centre,
        pick={"lat": "lat", "lng": "lng", "check": "input[name=place_kind][value=point]"},
    )
