"""Repeat places: incidents (or crimes) within a set distance of each other are one place
(BEATBOOK_REPEAT_PLACE_METRES), labelled by its commonest location text.

Grouping links points closer than the distance to each other, starting from the point with
the most neighbours; a place grows only within twice the distance of the point it started from,
so a busy street does not chain into one place end to end. Points are put into cells the size
of the distance first, so each is compared with its neighbours' cells only."""

from __future__ import annotations

import math
from collections import Counter

from app.geo import EARTH_RADIUS_M, local_metres


def _cells(points: list[tuple[float, float]], metres: float) -> tuple[dict, callable]:
    step_lat = math.degrees(metres / EARTH_RADIUS_M)
    mid = sum(p[0] for p in points) / len(points)
    step_lng = step_lat / max(math.cos(math.radians(mid)), 0.01)

    def cell(p):
        return math.floor(p[0] / step_lat), math.floor(p[1] / step_lng)

    grid: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(points):
        grid.setdefault(cell(p), []).append(i)
    return grid, cell


def group_near(points: list[tuple[float, float]], metres: float) -> list[list[int]]:
    """Indexes of (lat, lng) points grouped into places: each point in exactly one group,
    biggest groups first (then by their first index, for a stable answer)."""
    if not points:
        return []
    grid, cell = _cells(points, metres)
    neighbours: list[list[int]] = []
    for i, p in enumerate(points):
        r, c = cell(p)
        near = [
            j
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            for j in grid.get((r + dr, c + dc), [])
            if j != i and local_metres(p[0], p[1], *points[j]) <= metres
        ]
        neighbours.append(near)
    placed = [False] * len(points)
    groups = []
    for seed in sorted(range(len(points)), key=lambda i: (-len(neighbours[i]), i)):
        if placed[seed]:
            continue
        placed[seed] = True
        group, queue = [seed], [seed]
        while queue:
            for j in neighbours[queue.pop()]:
                if not placed[j] and local_metres(*points[seed], *points[j]) <= 2 * metres:
                    placed[j] = True
                    group.append(j)
                    queue.append(j)
        groups.append(sorted(group))
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def label(locations: list[str]) -> str:
    """The commonest location text (ties: the first in alphabetical order)."""
    counted = Counter(loc for loc in locations if loc) or Counter({"Unnamed place": 1})
    return min(counted.items(), key=lambda item: (-item[1], item[0]))[0]
