"""What the briefing shows of problem solving (the lead wires these into the briefing):

    await problems_near(actor, lat, lng, radius_m)   # problems with a place in the circle
    await problems_in_area(actor, team_id)           # problems of a team area
    await powers_used_near(actor, lat, lng, radius_m)  # powers used in the last 28 days
    await powers_used_in_area(actor, team_id)

Each problem: id, title, state, state_label, updated_at, next_review, url; closed ones are
left out. Need to know as on the problem's page: police roles see every problem; a volunteer
the place and theme problems of their team areas; others none. Powers: police roles only
(others get an empty list). Plain SQL through the cells' index: on every briefing.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

from app.actor import Actor
from app.clock import LOCAL_TIME
from app.crime.nearby import as_time
from app.geo import EARTH_RADIUS_M, cells_around, haversine_m
from app.problems.forms import POWER_LABELS, STATE_LABELS
from app.roles import Role
from app.tables.problems import PowerUse, Problem, ProblemKind, ProblemState

POLICE_ONLY = (ProblemKind.VICTIM, ProblemKind.OFFENDER)
POWERS_DAYS = 28


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


def _circle(lat: float, lng: float, radius: float) -> tuple[str, list]:
    cells = cells_around(lat, lng, radius)
    dlat = math.degrees(radius / EARTH_RADIUS_M) * 1.001
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    box = "x.lat BETWEEN {} AND {} AND x.lng BETWEEN {} AND {}"
    sql = f"x.cell IN ({_marks(cells)}) AND {box}"
    return sql, [*cells, lat - dlat, lat + dlat, lng - dlng, lng + dlng]


def _shown(row: dict) -> dict:
    updated = row["updated_at"]
    return {
        "id": row["id"],
        "title": row["title"],
        "state": row["state"],
        "state_label": STATE_LABELS.get(row["state"], row["state"]),
        "updated_at": as_time(updated) if updated is not None else None,
        "next_review": row["next_review"],
        "url": f"/problems/{row['id']}",
    }


async def _volunteer_filter(actor: Actor, rows: list[dict]) -> list[dict]:
    """Keep the place and theme problems of the volunteer's team areas."""
    rows = [r for r in rows if r["kind"] not in POLICE_ONLY]
    if not rows:
        return []
    teams = list(await actor.team_ids())
    if not teams:
        return []
    ids = [r["id"] for r in rows]
    mine = await Problem.raw(
        f"SELECT DISTINCT problem FROM problem_area WHERE problem IN ({_marks(ids)}) "  # noqa: S608
        f"AND team IN ({_marks(teams)})",
        *ids,
        *teams,
    )
    keep = {r["problem"] for r in mine}
    return [r for r in rows if r["id"] in keep]


async def _for(actor: Actor, rows: list[dict]) -> list[dict]:
    if actor.is_police:
        return rows
    if actor.role == Role.VOLUNTEER:
        return await _volunteer_filter(actor, rows)
    return []


def _ordered(rows: list[dict]) -> list[dict]:
    shown = [_shown(r) for r in rows]
    shown.sort(key=lambda r: r["updated_at"] or datetime.min.replace(tzinfo=UTC), reverse=True)
    return shown


async def problems_near(actor: Actor, lat: float, lng: float, radius_m: float) -> list[dict]:
    """The problems (not closed) with a place within radius_m metres of the point, most recently
    updated first."""
    if not (actor.is_police or actor.role == Role.VOLUNTEER):
        return []
    where, args = _circle(lat, lng, radius_m)
    rows = await Problem.raw(
        "SELECT p.id, p.title, p.state, p.kind, p.updated_at, p.next_review, x.lat, x.lng "  # noqa: S608
        "FROM problem_place x JOIN problem p ON p.id = x.problem "
        f"WHERE {where} AND p.state <> {{}}",
        *args,
        ProblemState.CLOSED.value,
    )
    found: dict[int, dict] = {}
    for row in rows:
        if haversine_m(lat, lng, row["lat"], row["lng"]) <= radius_m:
            found.setdefault(row["id"], row)
    return _ordered(await _for(actor, list(found.values())))


async def problems_in_area(actor: Actor, team_id: int) -> list[dict]:
    """The problems (not closed) of a team area, most recently updated first."""
    if not (actor.is_police or actor.role == Role.VOLUNTEER):
        return []
    rows = await Problem.raw(
        "SELECT p.id, p.title, p.state, p.kind, p.updated_at, p.next_review FROM problem_area a "
        "JOIN problem p ON p.id = a.problem WHERE a.team = {} AND p.state <> {}",
        team_id,
        ProblemState.CLOSED.value,
    )
    return _ordered(await _for(actor, rows))


def area_summary(problems: list[dict]) -> dict:
    """Staffordshire's counts for a ward: open problems and the last update among them."""
    updates = [p["updated_at"] for p in problems if p["updated_at"]]
    return {"open": len(problems), "last_update": max(updates) if updates else None}


def _since(days: int):
    return datetime.now(LOCAL_TIME).date() - timedelta(days=days)


def _power_counts(rows: list[dict]) -> dict:
    counts = Counter(POWER_LABELS.get(r["kind"], r["kind"]) for r in rows)
    return {
        "days": POWERS_DAYS,
        "counts": counts.most_common(),
        "total": len(rows),
        "uses": [
            {**r, "label": POWER_LABELS.get(r["kind"], r["kind"])}
            for r in sorted(rows, key=lambda r: str(r["used_on"]), reverse=True)
        ],
    }


async def powers_used_near(
    actor: Actor, lat: float, lng: float, radius_m: float, days: int = POWERS_DAYS
) -> dict:
    """Powers used at a place within radius_m metres in the last `days` days: counts by power
    and each use (kind, used_on, place, problem). Police roles only (else nothing)."""
    if not actor.is_police:
        return _power_counts([])
    where, args = _circle(lat, lng, radius_m)
    rows = await PowerUse.raw(
        "SELECT x.id, x.kind, x.used_on, x.place, x.lat, x.lng, x.problem FROM power_use x "  # noqa: S608
        f"WHERE {where} AND x.used_on >= {{}}",
        *args,
        _since(days),
    )
    rows = [r for r in rows if haversine_m(lat, lng, r["lat"], r["lng"]) <= radius_m]
    return _power_counts(rows)


async def powers_used_in_area(actor: Actor, team_id: int, days: int = POWERS_DAYS) -> dict:
    """Powers used in a team area in the last `days` days (as powers_used_near)."""
    if not actor.is_police:
        return _power_counts([])
    rows = await PowerUse.raw(
        "SELECT x.id, x.kind, x.used_on, x.place, x.lat, x.lng, x.problem FROM power_use x "
        "WHERE x.team = {} AND x.used_on >= {}",
        team_id,
        _since(days),
    )
    return _power_counts(rows)
