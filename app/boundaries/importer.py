"""`beatbook import-boundaries`: attach polygons to team areas, matching by name or code.

A team area is matched, in this order: by a mapping file's row (team, the wards or
neighbourhoods that make it up, by name or code, ";" between them); by a feature with the
team's name or code; by the team's name split at "&", "and" and commas when every piece names
a feature ("Littleover & Blagreaves" joins the Littleover and Blagreaves wards). Teams left
unmatched keep their centre point (and any boundary an earlier import gave them)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.boundaries.reading import BoundaryFileError, Feature, files, read
from app.boundaries.shapes import Shape
from app.database import atomic
from app.tables.boundaries import AreaBoundary
from app.tables.places import TeamArea


def normalise(name: str) -> str:
    """Lower case, '&' for 'and', no punctuation: "St. Peter's and Abbey" ~ "st peters & abbey"."""
    name = name.lower().replace("&", " & ")
    name = re.sub(r"\band\b", "&", name)
    name = re.sub(r"[^\w& ]+", "", name)
    return " ".join(name.split())


def pieces(name: str) -> list[str]:
    """A team's name split where several places are joined: '&', 'and', commas."""
    return [p for p in (normalise(x) for x in re.split(r",|&|\band\b", name.lower())) if p]


@dataclass
class MappingRow:
    team: str
    parts: list[str]
    approximate: bool


def read_mapping(path: Path) -> list[MappingRow]:
    """A CSV with columns team, parts (";" between names or codes) and optionally approximate
    (yes/no). Raises BoundaryFileError when the columns are missing."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        if not reader.fieldnames or not {"team", "parts"} <= set(reader.fieldnames):
            raise BoundaryFileError(f"{path.name}: a mapping needs the columns team and parts")
        return [
            MappingRow(
                row["team"].strip(),
                [p.strip() for p in (row["parts"] or "").split(";") if p.strip()],
                (row.get("approximate") or "").strip().lower() in {"yes", "true", "1", "y"},
            )
            for row in reader
            if (row.get("team") or "").strip()
        ]


@dataclass
class Report:
    """What an import matched and what it did not."""

    files: int = 0
    features: int = 0
    matched: list[tuple[str, list[str], str]] = field(default_factory=list)  # team, parts, how
    unmatched_teams: list[str] = field(default_factory=list)
    unused_features: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: bool = False

    def lines(self) -> list[str]:
        out = [f"Read {self.features} boundaries from {self.files} files."]
        out += [f"  problem: {p}" for p in self.problems]
        out.append(f"Matched {len(self.matched)} team areas:")
        out += [f"  {team} <- {' + '.join(parts)} ({how})" for team, parts, how in self.matched]
        if self.unused_features:
            out.append(f"Boundaries matched to no team area ({len(self.unused_features)}):")
            out += [f"  {name}" for name in self.unused_features]
        if self.unmatched_teams:
            out.append(
                f"Team areas with no boundary, keeping their centre point "
                f"({len(self.unmatched_teams)}): {'; '.join(self.unmatched_teams)}"
            )
        return out


def _index(features: list[Feature]) -> dict[str, Feature]:
    found: dict[str, Feature] = {}
    for feature in features:
        for key in (normalise(feature.name), normalise(feature.code)):
            if key:
                found.setdefault(key, feature)
    return found


async def import_boundaries(
    paths: list[Path], mapping: Path | None = None, *, approximate: bool = False
) -> Report:
    """Read the files, match, and write each matched team area's boundary (replacing the one
    it had). `approximate`: mark every boundary of this import approximate."""
    report = Report()
    features: list[Feature] = []
    for path in files(paths):
        try:
            features += read(path, report.problems)
            report.files += 1
        except BoundaryFileError as exc:
            report.problems.append(str(exc))
    report.features = len(features)
    rows: list[MappingRow] = []
    if mapping is not None:
        try:
            rows = read_mapping(mapping)
        except (BoundaryFileError, OSError) as exc:
            report.problems.append(str(exc))
            report.refused = True
            return report
    if not features:
        report.problems.append("no boundaries found: nothing imported")
        report.refused = True
        return report
    index = _index(features)
    teams = await TeamArea.select(TeamArea.id, TeamArea.name).order_by(TeamArea.name)
    by_name: dict[str, list[dict]] = {}
    for team in teams:
        by_name.setdefault(normalise(team["name"]), []).append(team)
    chosen: dict[int, tuple[str, list[Feature], str, bool]] = {}
    for row in rows:
        found = by_name.get(normalise(row.team), [])
        if len(found) != 1:
            report.problems.append(
                f"mapping: {'several' if found else 'no'} team areas called {row.team}"
            )
            continue
        missing = [p for p in row.parts if normalise(p) not in index]
        if missing or not row.parts:
            report.problems.append(
                f"mapping: {row.team}: no boundary called {', '.join(missing) or '(none given)'}"
            )
            continue
        parts = [index[normalise(p)] for p in row.parts]
        chosen[found[0]["id"]] = (found[0]["name"], parts, "mapping", row.approximate)
    for team in teams:
        if team["id"] in chosen:
            continue
        key = normalise(team["name"])
        if key in index:
            chosen[team["id"]] = (team["name"], [index[key]], "same name", False)
            continue
        split = pieces(team["name"])
        if len(split) > 1 and all(p in index for p in split):
            chosen[team["id"]] = (team["name"], [index[p] for p in split], "joined by name", False)
    used: set[int] = set()
    async with atomic():
        for team_id, (name, parts, how, guessed) in chosen.items():
            shape = Shape.joined([p.shape for p in parts])
            min_lat, max_lat, min_lng, max_lng = shape.bbox
            c_lat, c_lng = shape.centre()
            values = {
                AreaBoundary.geometry: json.dumps(shape.to_geojson(), separators=(",", ":")),
                AreaBoundary.parts: "; ".join(p.name for p in parts),
                AreaBoundary.source: ", ".join(sorted({p.source for p in parts}))[:255],
                AreaBoundary.approximate: approximate or guessed,
                AreaBoundary.min_lat: min_lat,
                AreaBoundary.max_lat: max_lat,
                AreaBoundary.min_lng: min_lng,
                AreaBoundary.max_lng: max_lng,
                AreaBoundary.centre_lat: c_lat,
                AreaBoundary.centre_lng: c_lng,
            }
            await AreaBoundary.delete().where(AreaBoundary.team_area == team_id)
            await AreaBoundary.insert(
                AreaBoundary(team_area=team_id, **{c._meta.name: v for c, v in values.items()})
            )
            used.update(id(p) for p in parts)
            report.matched.append((name, [p.name for p in parts], how))
    report.matched.sort()
    report.unused_features = sorted(f.name for f in features if id(f) not in used)
    report.unmatched_teams = sorted(t["name"] for t in teams if t["id"] not in chosen)
    return report
