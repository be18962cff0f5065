"""Which team area a point is in, and which points are in a team area: point in polygon where
an area has a boundary, the nearest centre point where none has.

The parsed polygons are kept in memory and read again only when an import changed them (one
small query a call: the number of boundaries and the newest import time)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.boundaries.shapes import Shape
from app.geo import haversine_m
from app.tables.boundaries import AreaBoundary


@dataclass
class Boundary:
    """A team area's polygons and what the app says about them."""

    team_id: int
    shape: Shape
    parts: str
    approximate: bool
    centre: tuple[float, float]  # a point inside

    def contains(self, lat: float, lng: float) -> bool:
        return self.shape.contains(lat, lng)

    def keep(self, rows: list[dict]) -> list[dict]:
        """The rows (with lat and lng) inside the area."""
        return [r for r in rows if r["lat"] is not None and self.shape.contains(r["lat"], r["lng"])]

    def geojson(self) -> dict:
        return self.shape.to_geojson()


_cache: dict[str, object] = {"version": None, "areas": {}}


async def boundaries() -> dict[int, Boundary]:
    """Every team area's boundary, by team area id."""
    stamp = await AreaBoundary.raw(
        "SELECT COUNT(*) AS n, MAX(imported_at) AS newest, MAX(id) AS top FROM area_boundary"
    )
    version = (stamp[0]["n"], str(stamp[0]["newest"]), stamp[0]["top"]) if stamp else None
    if version != _cache["version"]:
        rows = await AreaBoundary.raw(
            "SELECT team_area, geometry, parts, approximate, centre_lat, centre_lng "
            "FROM area_boundary"
        )
        _cache["areas"] = {
            r["team_area"]: Boundary(
                r["team_area"],
                Shape.from_geojson(json.loads(r["geometry"])),
                r["parts"],
                bool(r["approximate"]),
                (r["centre_lat"], r["centre_lng"]),
            )
            for r in rows
        }
        _cache["version"] = version
    return _cache["areas"]  # type: ignore[return-value]


async def boundary_of(team_id: int | None) -> Boundary | None:
    if team_id is None:
        return None
    return (await boundaries()).get(team_id)


def team_at(teams: list[dict], areas: dict[int, Boundary], lat: float, lng: float):
    """The team area (one of `teams`: dicts with id, centre_lat, centre_lng) a point is in:
    one whose boundary holds it (the nearest team centre point when boundaries overlap, as
    approximate ones may); else the nearest centre of the areas without a boundary; else the
    nearest."""
    if not teams:
        return None
    holding = [t for t in teams if t["id"] in areas and areas[t["id"]].contains(lat, lng)]
    unbounded = [t for t in teams if t["id"] not in areas]
    pool = holding or unbounded or teams

    return min(pool, key=lambda t: haversine_m(lat, lng, t["centre_lat"], t["centre_lng"]))


def in_area(
    team: dict, areas: dict[int, Boundary], lat: float, lng: float, radius_m: float
) -> bool:
    """Whether a point is in the team area: inside its boundary, or (no boundary) within
    radius_m of its centre point."""
    area = areas.get(team["id"])
    if area is not None:
        return area.contains(lat, lng)
    return haversine_m(lat, lng, team["centre_lat"], team["centre_lng"]) <= radius_m
