"""The ward at a glance, for supervisors: one team area's page, the section and division roll-up,
the records behind a figure, and each as CSV. Each use case takes the actor first; each look is
audited (the pages name staff: taskings by person, abstraction per person)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from app.actor import Actor
from app.areas import figures, records
from app.areas.figures import AreaFigures
from app.audit import Operation, record
from app.database import snapshot
from app.outcomes import NotAllowed, NotFound
from app.roles import Role
from app.spreadsheet import safe_row

# The roll-up's columns: (key, heading, how to read it from an area's figures, the figure's
# records link or None). Sorting uses the same keys.
ROLLUP_COLUMNS: list[tuple[str, str]] = [
    ("crimes_12", "Crimes, 12 months"),
    ("crimes_12_before", "12 before"),
    ("incidents_7", "Incidents, 7 days"),
    ("incidents_7_before", "7 before"),
    ("open", "Open tasks"),
    ("urgent", "Urgent"),
    ("overdue", "Overdue"),
    ("unanswered", "Unanswered"),
    ("patrol_done", "Points visited"),
    ("patrol_missed", "Missed"),
    ("patrol_to_come", "To come"),
    ("engagement", "Engagement, 28 days"),
    ("visits", "Visits, 28 days"),
    ("coverage", "Reached %"),
    ("referrals", "Referrals open"),
    ("followups", "Follow-ups due"),
    ("problems", "Open problems"),
    ("reviews_overdue", "Reviews overdue"),
    ("volunteer_hours", "Volunteer hours, 28 days"),
    ("abstraction_hours", "Abstraction hours, this week"),
]
SORTS = {key for key, _ in ROLLUP_COLUMNS} | {"name", "section", "behind"}


def _only_supervisors(actor: Actor) -> None:
    if actor.role != Role.SUPERVISOR:
        raise NotAllowed("The area pages are for supervisors")


def key_figures(area: AreaFigures) -> dict[str, object]:
    """The roll-up's figures of one area, by column key."""
    year = area.compare("c12")
    week = area.compare(f"i{figures.ROLLUP_INCIDENT_DAYS}")
    return {
        "crimes_12": year.total if year else None,
        "crimes_12_before": (year.previous_total if year and year.previous_known else None),
        "incidents_7": week.total if week else 0,
        "incidents_7_before": week.previous_total if week else 0,
        "open": len(area.open_taskings),
        "urgent": len(area.urgent),
        "overdue": len(area.overdue),
        "unanswered": area.unanswered,
        "patrol_done": area.patrol.done,
        "patrol_missed": area.patrol.missed,
        "patrol_to_come": area.patrol.to_come,
        "engagement": area.engagement_recent,
        "visits": area.visits_recent,
        "coverage": area.coverage,
        "referrals": sum(area.referrals.values()),
        "followups": area.followups_due,
        "problems": area.problems["open"] if area.problems else 0,
        "reviews_overdue": area.problems["overdue_reviews"] if area.problems else 0,
        "volunteer_hours": round(area.volunteer_minutes / 60, 1),
        "abstraction_hours": round(area.abstraction_weeks[0] / 60, 1),
    }


@dataclass
class Rollup:
    areas: list[AreaFigures]
    figures: dict[int, dict]  # area id -> key figures
    sections: list[tuple[str, str, dict]]  # (division, section, summed key figures)
    divisions: list[tuple[str, dict]]
    sort: str
    descending: bool
    as_of: datetime


def _sum(rows: list[dict]) -> dict:
    total: dict[str, object] = {}
    for key, _ in ROLLUP_COLUMNS:
        values = [r[key] for r in rows if isinstance(r[key], int | float)]
        total[key] = None if key == "coverage" else round(sum(values), 1) if values else 0
    return total


def _sort_key(sort: str, figures_of: dict[int, dict]):
    def key(area: AreaFigures):
        if sort == "name":
            return (area.name,)
        if sort == "section":
            return (area.division, area.section, area.name)
        if sort == "behind":
            return (len(area.behind), area.name)
        value = figures_of[area.team_id][sort]
        return (value is not None, value if value is not None else 0, area.name)

    return key


async def area_page(actor: Actor, team_id: int, now: datetime | None = None) -> AreaFigures:
    """One team area's figures (its page). Raises NotFound, NotAllowed."""
    _only_supervisors(actor)
    async with snapshot():
        found = await figures.gather([team_id], now)
    if team_id not in found:
        raise NotFound(team_id)
    await record(actor, Operation.CONSULTATION, "area-page", team_id)
    return found[team_id]


async def rollup(
    actor: Actor, sort: str = "section", descending: bool = False, now: datetime | None = None
) -> Rollup:
    """Every team area's key figures, sorted, with each section's and division's sums."""
    _only_supervisors(actor)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    sort = sort if sort in SORTS else "section"
    async with snapshot():
        found = await figures.gather(None, now, detail=False)
    figures_of = {team_id: key_figures(area) for team_id, area in found.items()}
    in_order = sorted(found.values(), key=lambda a: (a.division, a.section, a.name))
    sections, divisions = {}, {}
    for area in in_order:
        sections.setdefault((area.division, area.section), []).append(figures_of[area.team_id])
        divisions.setdefault(area.division, []).append(figures_of[area.team_id])
    areas = sorted(found.values(), key=_sort_key(sort, figures_of), reverse=descending)
    await record(actor, Operation.CONSULTATION, "area-rollup", "all", detail=f"{len(areas)} areas")
    return Rollup(
        areas,
        figures_of,
        [(d, s, _sum(rows)) for (d, s), rows in sections.items()],
        [(d, _sum(rows)) for d, rows in divisions.items()],
        sort,
        descending,
        now,
    )


async def area_records(
    actor: Actor, team_id: int, figure: str, query: dict, now: datetime | None = None
) -> tuple[dict, records.Records]:
    """The rows behind one figure of an area's page: (the area, the records). NotFound for a
    figure or area that does not exist."""
    _only_supervisors(actor)
    reader = records.READERS.get(figure)
    if reader is None:
        raise NotFound(figure)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    async with snapshot():
        teams = await figures.teams([team_id])
        if not teams:
            raise NotFound(team_id)
        found = await reader(team_id, now, query)
    await record(
        actor, Operation.CONSULTATION, "area-records", team_id, detail=f"{figure}: {found.total}"
    )
    return teams[0], found


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()


def area_csv(area: AreaFigures) -> str:
    """The area page's figures as CSV: section, figure, detail, value, previous value."""
    rows: list[list] = [["section", "figure", "detail", "value", "previous value"]]
    for compare in area.crimes + area.incidents:
        family = "street crime" if compare.key.startswith("c") else "incidents"
        rows.append([family, compare.label, "all types", compare.total, compare.previous_total])
        for kind, now, before in compare.rows:
            rows.append([family, compare.label, kind, now, before])
    rows += [
        ["taskings", "open", "", len(area.open_taskings), ""],
        ["taskings", "urgent", "", len(area.urgent), ""],
        ["taskings", "overdue", "", len(area.overdue), ""],
        ["taskings", "not answered", "", area.unanswered, ""],
    ]
    rows += [
        ["taskings", "open parts by person", who, n, ""]
        for who, n in sorted(area.by_person.items())
    ]
    for name in ("points", "in_window", "early", "late", "missed", "to_come"):
        rows.append(
            ["patrol this week", name.replace("_", " "), "", getattr(area.patrol, name), ""]
        )
    weeks = figures.week_starts(datetime.now(UTC))
    for kind, counts in sorted(area.engagement.items()):
        for start, n in zip(weeks, counts, strict=True):
            rows.append(["engagement", kind, f"week of {start.date().isoformat()}", n, ""])
    rows += [
        ["home visits", "visits, last 28 days", "", area.visits_recent, ""],
        ["home visits", "households reached", "", area.households_visited, ""],
        ["home visits", "households in the area", "", area.households or "", ""],
    ]
    rows += [["referrals", "not closed", s, n, ""] for s, n in sorted(area.referrals.items())]
    rows += [
        ["follow-ups", "visit follow-ups overdue", "", area.followups_overdue, ""],
        ["follow-ups", "visit follow-ups due in 7 days", "", area.followups_soon, ""],
        ["follow-ups", "engagement follow-ups due", "", area.engagement_followups_due, ""],
    ]
    for who, v in sorted(area.volunteers.items()):
        rows.append(["volunteers", "minutes, last 28 days", who, v["minutes"], ""])
    for who, minutes in sorted(area.abstraction_people.items()):
        for start, n in zip(weeks, minutes, strict=True):
            rows.append(
                ["abstraction", "minutes", f"{who}, week of {start.date().isoformat()}", n, ""]
            )
    return _csv(rows)


def rollup_csv(found: Rollup) -> str:
    rows = [["division", "section", "area", *(h for _, h in ROLLUP_COLUMNS), "behind"]]
    for area in found.areas:
        f = found.figures[area.team_id]
        cells = ["" if f[k] is None else f[k] for k, _ in ROLLUP_COLUMNS]
        rows.append([area.division, area.section, area.name, *cells, "; ".join(area.behind)])
    return _csv(rows)


def records_csv(found: records.Records) -> str:
    rows = [found.headers]
    for row in found.rows:
        rows.append([c[0] if isinstance(c, tuple) else c for c in row])
    return _csv(rows)
