"""Distances and directions on the ground (geopy's geodesic), and a walking order."""

from __future__ import annotations

import math

from geopy.distance import geodesic

Point = tuple[float, float]  # (lat, lng)
COMPASS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


def distance_m(a: Point, b: Point) -> float:
    """Metres between two points on the WGS84 ellipsoid."""
    return geodesic(a, b).meters


def bearing_deg(a: Point, b: Point) -> float:
    """Initial bearing from a to b, degrees clockwise from north."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlng = math.radians(b[1] - a[1])
    x = math.sin(dlng) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlng)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def compass(a: Point, b: Point) -> str:
    """One of the eight compass points from a towards b."""
    return COMPASS[int((bearing_deg(a, b) + 22.5) // 45) % 8]


def describe_distance(metres: float) -> str:
    """'80 m' or '1.2 km', as people say it."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km"


def walking_order(start: Point | None, points: list[Point]) -> list[int]:
    """Indexes of points in a short walking order: nearest neighbour from the start, then
    improved by 2-opt, all by geodesic distance. Exact for small plans is not needed: a
    supervisor can change the order."""
    n = len(points)
    if n <= 1:
        return list(range(n))
    dist = [[distance_m(p, q) for q in points] for p in points]
    origin = [distance_m(start, p) for p in points] if start else None
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
