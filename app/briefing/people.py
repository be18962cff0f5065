"""The police-only part of a briefing: repeat victims and offenders, habitual knife carriers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.crime import nearby
from app.crime.nearby import as_time

REPEAT_DAYS, REPEAT_AT_LEAST = 90, 2
KNIFE_DAYS, KNIFE_AT_LEAST = 730, 3  # three or more knife incidents within 24 months


@dataclass
class PeopleSection:
    """Pseudonymous references only: the force's systems hold who they are."""

    victims: list[dict]
    offenders: list[dict]
    knife_carriers: list[dict]

    @property
    def shown(self) -> int:
        return len(self.victims) + len(self.offenders) + len(self.knife_carriers)


def _repeats(rows: list[dict], at_least: int) -> list[dict]:
    """Group incidents by reference; keep references with at_least incidents, most first."""
    by_ref: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_ref[row["ref"]].append(row)
    found = []
    for ref, items in by_ref.items():
        if len(items) >= at_least:
            items.sort(key=lambda r: as_time(r["occurred_at"]), reverse=True)
            found.append(
                {
                    "ref": ref,
                    "count": len(items),
                    "latest": as_time(items[0]["occurred_at"]),
                    "categories": ", ".join(sorted({r["category"] for r in items})),
                    "where": items[0]["location"],
                }
            )
    return sorted(found, key=lambda f: (-f["count"], f["ref"]))


async def build_people(
    lat: float, lng: float, radius: int, now: datetime | None = None, shape=None
) -> PeopleSection:
    """People linked to incidents inside the circle (and inside `shape`, a team area's
    boundary, when given), counted over all their incidents."""
    now = now or datetime.now(UTC)
    recent_start, knife_start = now - timedelta(days=REPEAT_DAYS), now - timedelta(days=KNIFE_DAYS)
    here = await nearby.incidents_near(lat, lng, radius, knife_start)
    if shape is not None:
        here = [r for r in here if shape.contains(r["lat"], r["lng"])]
    for row in here:
        row["occurred_at"] = as_time(row["occurred_at"])
    recent = [r for r in here if r["occurred_at"] >= recent_start]
    victims = sorted({r["victim_ref"] for r in recent if r["victim_ref"]})
    suspects = sorted({r["suspect_ref"] for r in recent if r["suspect_ref"]})
    carriers = sorted({r["suspect_ref"] for r in here if r["knife"] and r["suspect_ref"]})
    return PeopleSection(
        victims=_repeats(
            await nearby.incidents_of("victim_ref", victims, recent_start), REPEAT_AT_LEAST
        ),
        offenders=_repeats(
            await nearby.incidents_of("suspect_ref", suspects, recent_start), REPEAT_AT_LEAST
        ),
        knife_carriers=_repeats(
            await nearby.incidents_of("suspect_ref", carriers, knife_start, knife=True),
            KNIFE_AT_LEAST,
        ),
    )
