"""A problem's map: its places on its team areas' boundaries.

Need to know (app/problems/service.py's rule): police roles see each place at its point with
the circle counted around it (the problem's radius) and the displacement ring (twice it), and,
while the problem is open, a tap or click on the map fills the add-place form's latitude and
longitude. A volunteer sees the places at street level only: each point snapped to the same
grid as an offer's (app/taskings/need_to_know.py coarse_point), no circle, no ring (a ring's
centre is the exact point), no picking."""

from __future__ import annotations

from app import maps
from app.boundaries.membership import boundary_of
from app.tables.places import TeamArea
from app.taskings.need_to_know import coarse_point


async def problem_map(
    problem: dict, areas: list[dict], places: list[dict], whole: bool
) -> dict | None:
    """The map's data (app/maps.py, with `rings` for map.js); None for a volunteer when no
    place has a point (nothing of theirs to show)."""
    boundaries = []
    centre = None
    for area in areas:
        found = await boundary_of(area["id"])
        if found is not None:
            boundaries.append(maps.boundary(found, area["name"]))
            centre = centre or found.centre
    if centre is None and areas:
        team = (
            await TeamArea.select(TeamArea.centre_lat, TeamArea.centre_lng)
            .where(TeamArea.id == areas[0]["id"])
            .first()
        )
        if team and team["centre_lat"] is not None:
            centre = (team["centre_lat"], team["centre_lng"])
    points = []
    rings = []
    for place in places:
        lat, lng = place["lat"], place["lng"]
        if lat is None or lng is None:
            continue
        if not whole:
            lat, lng = coarse_point(lat, lng)
        points.append(maps.point(lat, lng, place["label"], "place"))
        if whole and problem.get("radius_m"):
            radius = problem["radius_m"]
            rings.append({"lat": lat, "lng": lng, "radius": radius, "kind": "counted"})
            rings.append({"lat": lat, "lng": lng, "radius": 2 * radius, "kind": "displacement"})
    if not whole and not points:
        return None
    pick = whole and problem["state"] != "closed"
    if whole:
        label = (
            "Map of the problem's places, the circle counted around each and the ring for "
            "displacement"
        )
    else:
        label = "Map of the problem's places, at street level"
    if pick:
        label += ": tap or click the map to set a new place's latitude and longitude"
    config = maps.config(
        label,
        boundaries=boundaries,
        points=points,
        pick={"lat": "place_lat", "lng": "place_lng", "open": "#add-place"} if pick else None,
        centre=(points[0]["lat"], points[0]["lng"]) if points else centre,
    )
    config["rings"] = rings
    return config
