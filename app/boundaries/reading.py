"""Reading boundary files: GeoJSON (a FeatureCollection, a Feature or a bare geometry: ward
and LSOA boundaries as ONS publishes them) and police.uk's neighbourhood boundaries (the API's
JSON list of {"latitude", "longitude"}, or a text file of "lat,lng" lines, one file per
neighbourhood, named after it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from app.boundaries.shapes import Shape, ShapeError

# The properties that name or code a feature, most telling first (ONS ward, LSOA, LAD, police.uk).
NAME_KEYS = re.compile(r"^(WD\d\dNM|LSOA\d\dNM|LAD\d\dNM|MSOA\d\dNM|name|NAME|Name|neighbourhood)$")
CODE_KEYS = re.compile(r"^(WD\d\dCD|LSOA\d\dCD|LAD\d\dCD|MSOA\d\dCD|code|CODE|id)$")


@dataclass
class Feature:
    """One named polygon from a file."""

    name: str
    code: str
    shape: Shape
    source: str


class BoundaryFileError(ValueError):
    """A file that is not a boundary file we read (the message says why)."""


def _first(properties: dict, pattern: re.Pattern) -> str:
    for key, value in properties.items():
        if pattern.match(str(key)) and value not in (None, ""):
            return str(value).strip()
    return ""


def _geojson(data: dict, path: Path, problems: list[str]) -> list[Feature]:
    kind = data.get("type")
    crs = str(((data.get("crs") or {}).get("properties") or {}).get("name", ""))
    if crs and not crs.endswith(("CRS84", "4326")):
        raise BoundaryFileError(f"{path.name}: coordinates are in {crs}, not longitude/latitude")
    if kind == "FeatureCollection":
        features = data.get("features") or []
    elif kind == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "properties": {"name": path.stem}, "geometry": data}]
    found = []
    for n, item in enumerate(features, start=1):
        properties = item.get("properties") or {}
        name = _first(properties, NAME_KEYS) or (path.stem if len(features) == 1 else "")
        code = _first(properties, CODE_KEYS)
        try:
            shape = Shape.from_geojson(item.get("geometry"))
        except ShapeError as exc:
            problems.append(f"{path.name}: feature {n} ({name or 'no name'}) skipped: {exc}")
            continue
        found.append(Feature(name or f"feature {n}", code, shape, path.name))
    return found


def _police_uk(points: list, path: Path) -> list[Feature]:
    try:
        pairs = [(float(p["latitude"]), float(p["longitude"])) for p in points]
    except (KeyError, TypeError, ValueError) as exc:
        raise BoundaryFileError(f"{path.name}: not police.uk latitude/longitude points") from exc
    return [Feature(_name_of(path), path.stem, Shape.from_lat_lng(pairs), path.name)]


def _name_of(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip()


def _lat_lng_lines(text: str, path: Path) -> list[Feature]:
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.lower().startswith(("lat", "#")):
            continue
        try:
            lat, lng = (float(v) for v in line.split(",")[:2])
        except ValueError as exc:
            raise BoundaryFileError(f"{path.name}: line {number} is not lat,lng") from exc
        pairs.append((lat, lng))
    return [Feature(_name_of(path), path.stem, Shape.from_lat_lng(pairs), path.name)]


def read(path: Path, problems: list[str]) -> list[Feature]:
    """The named polygons in one file (skipped features are added to `problems`).
    Raises BoundaryFileError for a file that cannot be read at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BoundaryFileError(f"{path.name}: cannot be read ({exc})") from exc
    try:
        if text.lstrip().startswith(("{", "[")):
            data = json.loads(text)
            if isinstance(data, list):
                return _police_uk(data, path)
            if isinstance(data, dict):
                return _geojson(data, path, problems)
            raise BoundaryFileError(f"{path.name}: not GeoJSON")
        return _lat_lng_lines(text, path)
    except json.JSONDecodeError as exc:
        message = f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})"
        raise BoundaryFileError(message) from exc
    except ShapeError as exc:
        raise BoundaryFileError(f"{path.name}: {exc}") from exc


def files(paths: list[Path]) -> list[Path]:
    """The files named, and the .geojson, .json, .csv and .txt files in folders named."""
    found = []
    for path in paths:
        if path.is_dir():
            kinds = {".geojson", ".json", ".csv", ".txt"}
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in kinds)
        else:
            found.append(path)
    return found
