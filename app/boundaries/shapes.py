"""Polygons in pure Python: several parts, each an outer ring and holes; point in polygon by
ray casting (even-odd over every ring of a part, so holes fall out), after a bounding box test.

Coordinates are kept as GeoJSON has them, (lng, lat), in WGS-84 degrees. No dependency: a
ward has a few hundred vertices and a test costs microseconds; shapely would add a 2 MB wheel
for what these few lines do."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from app.geo import local_metres

Ring = list[tuple[float, float]]  # (lng, lat), closed or not
Part = list[Ring]  # the outer ring first, then holes


class ShapeError(ValueError):
    """A geometry that is not a polygon this module can use (said in words for the report)."""


def _ring(raw) -> Ring:
    try:
        ring = [(float(p[0]), float(p[1])) for p in raw]
    except (TypeError, ValueError, IndexError) as exc:
        raise ShapeError("a ring has a point that is not a pair of numbers") from exc
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 3:
        raise ShapeError("a ring has fewer than three points")
    for lng, lat in ring:
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise ShapeError("a point is not in longitude, latitude degrees (projected data?)")
    return ring


def _inside_ring(ring: Ring, x: float, y: float) -> bool:
    """Ray casting: whether (x, y) is inside the ring (a crossing count to the east)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _area(ring: Ring) -> float:
    """Signed area in square degrees (shoelace)."""
    return (
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


@dataclass
class Shape:
    """One area's polygons: any number of parts, each with holes."""

    parts: list[Part]
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.parts:
            raise ShapeError("no polygon")
        self.boxes = []
        for part in self.parts:
            xs = [x for x, _ in part[0]]
            ys = [y for _, y in part[0]]
            self.boxes.append((min(xs), min(ys), max(xs), max(ys)))

    @classmethod
    def from_geojson(cls, geometry: dict) -> Shape:
        """A Polygon, a MultiPolygon or a GeometryCollection of them."""
        if not isinstance(geometry, dict):
            raise ShapeError("no geometry")
        kind = geometry.get("type")
        coords = geometry.get("coordinates")
        if kind == "Polygon":
            polygons = [coords]
        elif kind == "MultiPolygon":
            polygons = coords
        elif kind == "GeometryCollection":
            parts = [p for g in geometry.get("geometries") or [] for p in cls.from_geojson(g).parts]
            return cls(parts)
        else:
            raise ShapeError(f"a {kind or 'missing'} geometry is not a polygon")
        if not isinstance(polygons, list):
            raise ShapeError("polygon coordinates are not a list")
        return cls([[_ring(r) for r in polygon] for polygon in polygons if polygon])

    @classmethod
    def from_lat_lng(cls, points: list[tuple[float, float]]) -> Shape:
        """One ring of (lat, lng) points, as police.uk's neighbourhood boundaries give them."""
        return cls([[_ring([(lng, lat) for lat, lng in points])]])

    @classmethod
    def joined(cls, shapes: list[Shape]) -> Shape:
        """Several shapes as one area (wards side by side: their parts are kept, not dissolved)."""
        return cls([part for shape in shapes for part in shape.parts])

    def to_geojson(self) -> dict:
        return {
            "type": "MultiPolygon",
            "coordinates": [
                [[[round(x, 6), round(y, 6)] for x, y in [*ring, ring[0]]] for ring in part]
                for part in self.parts
            ],
        }

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(min lat, max lat, min lng, max lng)."""
        return (
            min(b[1] for b in self.boxes),
            max(b[3] for b in self.boxes),
            min(b[0] for b in self.boxes),
            max(b[2] for b in self.boxes),
        )

    def contains(self, lat: float, lng: float) -> bool:
        """Whether the point is in the area: inside some part's outer ring and in none of its
        holes (even-odd over the part's rings)."""
        for (x0, y0, x1, y1), part in zip(self.boxes, self.parts, strict=True):
            if x0 <= lng <= x1 and y0 <= lat <= y1:
                inside = False
                for ring in part:
                    if _inside_ring(ring, lng, lat):
                        inside = not inside
                if inside:
                    return True
        return False

    def centre(self) -> tuple[float, float]:
        """A (lat, lng) inside the area: the largest part's centroid when it is inside, else
        the middle of the widest run of that part along the line through the centroid."""
        part = max(self.parts, key=lambda p: abs(_area(p[0])))
        ring = part[0]
        a = _area(ring)
        if abs(a) > 1e-15:
            cx = sum(
                (x1 + x2) * (x1 * y2 - x2 * y1)
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
            ) / (6 * a)
            cy = sum(
                (y1 + y2) * (x1 * y2 - x2 * y1)
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
            ) / (6 * a)
        else:
            cx = sum(x for x, _ in ring) / len(ring)
            cy = sum(y for _, y in ring) / len(ring)
        if self.contains(cy, cx):
            return cy, cx
        crossings = sorted(
            xi + (cy - yi) * (xj - xi) / (yj - yi)
            for r in part
            for (xi, yi), (xj, yj) in zip(r, r[1:] + r[:1], strict=True)
            if (yi > cy) != (yj > cy)
        )
        runs = list(zip(crossings[::2], crossings[1::2], strict=False))
        if runs:
            left, right = max(runs, key=lambda run: run[1] - run[0])
            return cy, (left + right) / 2
        return cy, cx

    def covering_radius(self, lat: float, lng: float) -> float:
        """Metres from (lat, lng) to the farthest vertex: a circle there holds the whole area."""
        return max(
            local_metres(lat, lng, y, x) for part in self.parts for ring in part for x, y in ring
        )

    def distance_outside(self, lat: float, lng: float) -> float:
        """0 inside; else about how many metres the point is from the nearest vertex."""
        if self.contains(lat, lng):
            return 0.0
        return min(
            local_metres(lat, lng, y, x) for part in self.parts for ring in part for x, y in ring
        )


def metres_box(lat: float, lng: float, metres: float) -> tuple[float, float]:
    """Degrees of latitude and longitude that make `metres` at a place (for boxes)."""
    dlat = math.degrees(metres / 6_371_008.8)
    return dlat, dlat / max(math.cos(math.radians(lat)), 0.01)
