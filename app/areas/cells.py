"""Which team area a grid cell belongs to: the area whose centre is nearest the cell's centre.

Team areas keep a centre, not a boundary, and crimes and incidents carry a grid cell
(app/geo.cell_of, 0.01 degrees). Giving each cell to the nearest centre splits the force into
areas that do not overlap, so an area's figures add up to its section's and division's, and one
grouped query by cell serves one area or all of them. Cells further than MAX_METRES from every
centre belong to no area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from app.geo import CELL_DEGREES, EARTH_RADIUS_M, LNG_SPAN, cell_of, cells_around

MAX_METRES = 15_000
_METRES_PER_DEGREE = 111_195.0


def cell_centre(cell: int) -> tuple[float, float]:
    row, col = divmod(cell, LNG_SPAN)
    return row * CELL_DEGREES - 90 + CELL_DEGREES / 2, col * CELL_DEGREES - 180 + CELL_DEGREES / 2


@dataclass
class AreaMap:
    """The team areas' centres, and which area each cell asked about belongs to (remembered)."""

    centres: tuple[tuple[int, float, float], ...]  # (team id, lat, lng)
    _owner: dict[int, int | None] = field(default_factory=dict)
    _cells: dict[int, list[int]] = field(default_factory=dict)
    _band: tuple[int, int, int, int] | None = None

    def area_of(self, cell: int) -> int | None:
        if cell in self._owner:
            return self._owner[cell]
        lat, lng = cell_centre(cell)
        squeeze = math.cos(math.radians(lat)) ** 2
        best, best_d = None, (MAX_METRES / _METRES_PER_DEGREE) ** 2
        for team_id, clat, clng in self.centres:
            d = (clat - lat) ** 2 + (clng - lng) ** 2 * squeeze
            if d < best_d or (d == best_d and best is not None and team_id < best):
                best, best_d = team_id, d
        self._owner[cell] = best
        return best

    def cells_of(self, team_id: int) -> list[int]:
        """Every cell that belongs to the area (those within MAX_METRES of its centre that are
        nearer it than any other centre)."""
        if team_id not in self._cells:
            centre = next((c for c in self.centres if c[0] == team_id), None)
            around = cells_around(centre[1], centre[2], MAX_METRES) if centre else []
            # Only centres within twice the reach can own a cell within reach of this one.
            reach = (2.2 * MAX_METRES / _METRES_PER_DEGREE) ** 2
            squeeze = math.cos(math.radians(centre[1])) ** 2 if centre else 1
            near = AreaMap(
                tuple(
                    c
                    for c in self.centres
                    if (c[1] - centre[1]) ** 2 + (c[2] - centre[2]) ** 2 * squeeze <= reach
                )
            )
            mine = []
            for cell in around:
                if cell not in self._owner:
                    self._owner[cell] = near.area_of(cell)
                if self._owner[cell] == team_id:
                    mine.append(cell)
            self._cells[team_id] = mine
        return self._cells[team_id]

    def band(self) -> tuple[int, int, int, int] | None:
        """(lowest cell, highest cell, westmost column, eastmost column) of every area's reach:
        a range the cell index can scan, and a column test, for reads of all areas."""
        if not self.centres:
            return None
        if self._band is None:
            lats = [c[1] for c in self.centres]
            lngs = [c[2] for c in self.centres]
            dlat = math.degrees(MAX_METRES / EARTH_RADIUS_M)
            dlng = dlat / max(math.cos(math.radians(max(map(abs, lats)))), 0.01)
            low = cell_of(min(lats) - dlat, min(lngs) - dlng)
            high = cell_of(max(lats) + dlat, max(lngs) + dlng)
            self._band = (low, high, low % LNG_SPAN, high % LNG_SPAN)
        return self._band


_maps: dict[tuple, AreaMap] = {}


def area_map(teams: list[dict]) -> AreaMap:
    """The map for these team areas (rows with id, centre_lat, centre_lng), kept while they
    stay the same."""
    key = tuple(sorted((t["id"], t["centre_lat"], t["centre_lng"]) for t in teams))
    if key not in _maps:
        _maps.clear()
        _maps[key] = AreaMap(key)
    return _maps[key]
