"""Team areas: choices for forms, and loading a force's teams from a CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from app.tables.places import Division, Force, Section, TeamArea


async def team_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Team areas grouped by section, for a <select> with <optgroup>s."""
    rows = (
        await TeamArea.select(TeamArea.id, TeamArea.name, TeamArea.section.name.as_alias("section"))
        .order_by(TeamArea.section.name)
        .order_by(TeamArea.name)
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        groups.setdefault(row["section"], []).append((row["id"], row["name"]))
    return list(groups.items())


async def load_teams_csv(path: Path, force_name: str) -> int:
    """Load division,section,team,approx_lat,approx_lng rows; returns the number of teams."""
    force = await Force.objects().get_or_create(Force.name == force_name)
    divisions: dict[str, int] = {}
    sections: dict[tuple[str, str], int] = {}
    count = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            division = row["division"].strip()
            section = row["section"].strip()
            if division not in divisions:
                d = await Division.objects().get_or_create(
                    (Division.name == division) & (Division.force == force.id),
                    defaults={Division.force: force.id},
                )
                divisions[division] = d.id
            key = (division, section)
            if key not in sections:
                s = await Section.objects().get_or_create(
                    (Section.name == section) & (Section.division == divisions[division]),
                    defaults={Section.division: divisions[division]},
                )
                sections[key] = s.id
            team = await TeamArea.objects().get_or_create(
                (TeamArea.name == row["team"].strip()) & (TeamArea.section == sections[key]),
                defaults={
                    TeamArea.section: sections[key],
                    TeamArea.centre_lat: float(row["approx_lat"]),
                    TeamArea.centre_lng: float(row["approx_lng"]),
                    TeamArea.centre_is_approximate: True,
                },
            )
            count += 1 if team else 0
    return count
