"""Places on the ground: grid cells for spatial lookups, distances, compass directions, and
a short walking order. One module for every feature."""

from __future__ import annotations

import math

from geopy.distance import geodesic

CELL_DEGREES = 0.01  # about 1.1 km north-south, 0.7 km east-west in England
LNG_SPAN = 100_000  # cells per row: room for every longitude at 0.01 degrees
EARTH_RADIUS_M = 6_371_008.8
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
Point = tuple[float, float]  # (lat, lng)


def cell_of(lat: float, lng: float) -> int:
    """The grid cell holding a point (an integer a plain B-tree index can look up)."""
    row = math.floor((lat + 90) / CELL_DEGREES)
    col = math.floor((lng + 180) / CELL_DEGREES)
    return row * LNG_SPAN + col


def cells_around(lat: float, lng: float, radius_m: float) -> list[int]:
    """Every cell that a circle of radius_m around the point touches (its bounding box)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    rows = range(
        math.floor((lat - dlat + 90) / CELL_DEGREES),
        math.floor((lat + dlat + 90) / CELL_DEGREES) + 1,
    )
    cols = range(
        math.floor((lng - dlng + 180) / CELL_DEGREES),
        math.floor((lng + dlng + 180) / CELL_DEGREES) + 1,
    )
    return [r * LNG_SPAN + c for r in rows for c in cols]


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (fast: used to filter; geodesic is used to show)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


_WGS84_A, _WGS84_E2 = 6_378_137.0, 0.00669437999014


def local_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The ellipsoid (WGS-84) distance for points a few kilometres apart, in metres: the local
    radii of curvature at the mid-latitude (within centimetres of geodesic at a briefing's radii,
    and hundreds of times cheaper)."""
    mid = math.radians((lat1 + lat2) / 2)
    w = 1 - _WGS84_E2 * math.sin(mid) ** 2
    north = math.radians(lat2 - lat1) * _WGS84_A * (1 - _WGS84_E2) / w**1.5
    east = math.radians(lng2 - lng1) * _WGS84_A / math.sqrt(w) * math.cos(mid)
    return math.hypot(north, east)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The exact (WGS-84 ellipsoid) distance in metres, for the figures a user reads."""
    return geodesic((lat1, lng1), (lat2, lng2)).meters


def compass(lat1: float, lng1: float, lat2: float, lng2: float) -> str:
    """The 8-point compass direction from the first point to the second."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lng2 - lng1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    bearing = (math.degrees(math.atan2(x, y)) + 360) % 360
    return COMPASS[int((bearing + 22.5) // 45) % 8]


def describe_distance(metres: float) -> str:
    """'80 m' or '1.2 km', as people say it."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km"


def walking_order(
    start: tuple[float, float] | None, points: list[tuple[float, float]]
) -> list[int]:
    """Indexes of (lat, lng) points in a short walking order: nearest neighbour from the start,
    then improved by 2-opt, all by geodesic distance. Exact for small plans is not needed: a
    supervisor can change the order."""
    n = len(points)
    if n <= 1:
        return list(range(n))
    dist = [[distance_m(*p, *q) for q in points] for p in points]
    origin = [distance_m(*start, *p) for p in points] if start else None
    first = min(range(n), key=lambda i: origin[i]) if origin else 0
    order, left = [first], set(range(n)) - {first}
    while left:
        nxt = min(left, key=lambda j: dist[order[-1]][j])
        order.append(nxt)
        left.remove(nxt)

    def length(seq: list[int]) -> float:
        total = origin[seq[0]] if origin else 0.0
        return total + sum(dist[seq[i]][seq[i + 1]] for i in range(len(seq) - 1))

    improved = True
    while improved:
        improved = False
        for i in range(0 if origin else 1, n - 1):
            for j in range(i + 1, n):
                candidate = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                if length(candidate) < length(order) - 1e-6:
                    order, improved = candidate, True
    return order
