"""Grid cells cover every point within a radius; distances and compass directions are right."""

from __future__ import annotations

import math
import random

from app.geo import cell_of, cells_around, compass, distance_m, haversine_m


def test_every_point_inside_the_circle_is_in_one_of_its_cells():
    rng = random.Random(11)
    for _ in range(200):
        lat, lng = rng.uniform(49.9, 60.8), rng.uniform(-8.2, 1.8)
        radius = rng.choice([250, 500, 1000])
        cells = set(cells_around(lat, lng, radius))
        for _ in range(50):
            bearing, metres = rng.uniform(0, 2 * math.pi), radius * math.sqrt(rng.random())
            plat = lat + metres * math.cos(bearing) / 111_195
            plng = lng + metres * math.sin(bearing) / (111_195 * math.cos(math.radians(lat)))
            if haversine_m(lat, lng, plat, plng) <= radius:
                assert cell_of(plat, plng) in cells


def test_compass_and_distances():
    lat, lng = 52.9225, -1.4746
    assert compass(lat, lng, lat + 0.01, lng) == "N"
    assert compass(lat, lng, lat, lng + 0.01) == "E"
    assert compass(lat, lng, lat - 0.005, lng - 0.0083) == "SW"
    # one minute of latitude is about a nautical mile (1,852 m)
    assert abs(distance_m(lat, lng, lat + 1 / 60, lng) - 1852) < 5
    assert (
        abs(haversine_m(lat, lng, lat + 1 / 60, lng) - distance_m(lat, lng, lat + 1 / 60, lng)) < 10
    )
