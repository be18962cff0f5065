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


async def today_map(plans: list[dict], here: tuple[float, float] | None, accuracy) -> dict | None:
    """Today's plans on the phone: each plan's points in walking order (numbered, joined), its
    team area's boundary, and where the person is (as the page was asked for, then followed
    while the page is open when they have allowed their position). None without a point."""
    shown = [
        maps.point(p["lat"], p["lng"], p["label"], "plan", n=n)
        for view in plans
        for n, p in enumerate(view["points"], start=1)
    ]
    if not shown:
        return None
    you = {"lat": here[0], "lng": here[1], "accuracy": accuracy or 0} if here else None
    boundaries = []
    for team_id, name in {(v["plan"]["team"], v["plan"]["team_name"]) for v in plans}:
        found = await boundary_of(team_id)
        if found is not None:
            boundaries.append(maps.boundary(found, name))
    return maps.config(
        "Map of today's plan: the points in walking order, and you",
        boundaries=boundaries,
        points=shown,
        you=you,
        line=True,
        follow=True,
    )


def demand_map(team: dict, places: list) -> dict:
    """The demand page's places (numbered as listed) on the team area's boundary, or the
    circle around its centre without one."""
    shown = [
        maps.point(p.lat, p.lng, f"{p.label} (weight {p.score:.1f})", "place", n=n)
        for n, p in enumerate(places, start=1)
    ]
    found = team.get("boundary")
    circle = None if found else {"lat": team["lat"], "lng": team["lng"], "radius": team["radius"]}
    return maps.config(
        f"Map of the places with demand in {team['name']}, numbered as in the list",
        boundaries=[maps.boundary(found, team["name"])] if found else [],
        points=shown,
        circle=circle,
        centre=(team["lat"], team["lng"]),
        attribution=[maps.POLICE_UK_ATTRIBUTION],
    )
