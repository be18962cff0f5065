"""What the briefing shows of problem solving (the lead wires these into the briefing):

    await panel_near(actor, lat, lng, radius_m)      # both of these in one read:
    await problems_near(actor, lat, lng, radius_m)   # problems with a place in the circle (20)
    await powers_used_near(actor, lat, lng, radius_m)  # powers used in the last 28 days
    await problems_in_area(actor, team_id)           # problems of a team area
    await powers_used_in_area(actor, team_id)
    await problems_linked_to(actor, "tasking", tasking_id)  # for other features' pages

Each problem: id, title, state, state_label, updated_at, next_review, url; closed ones are
left out; the most recently updated first (problems_near: 20 unless `limit` says otherwise;
area_summary(problems_in_area(...)) gives a ward's open count and last update). Need to know
as on the problem's page: police roles see every problem; a volunteer the place and theme
problems of their team areas; others none. Powers: police roles only (others get an empty
list). Plain SQL through the cells' index: on every briefing.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from app.actor import Actor
from app.clock import LOCAL_TIME
from app.crime.nearby import METRES_PER_DEGREE, as_time
from app.geo import EARTH_RADIUS_M, cells_around
from app.problems.forms import POWER_LABELS, STATE_LABELS
from app.roles import Role
from app.tables.problems import PowerUse, Problem, ProblemKind, ProblemState

POLICE_ONLY = (ProblemKind.VICTIM, ProblemKind.OFFENDER)
POWERS_DAYS = 28


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


def _circle(lat: float, lng: float, radius: float) -> tuple[str, list]:
    """Rows of x within the circle: the cells' index, the bounding box, then the distance in
    degrees scaled to a plane at the centre (as the briefing's reads: within a metre of the
    great-circle distance at these radii)."""
    cells = cells_around(lat, lng, radius)
    dlat = math.degrees(radius / EARTH_RADIUS_M) * 1.001
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    squeeze = math.cos(math.radians(lat)) ** 2
    limit = (radius / METRES_PER_DEGREE) ** 2
    sql = (
        f"x.cell IN ({_marks(cells)}) AND x.lat BETWEEN {{}} AND {{}} "
        "AND x.lng BETWEEN {} AND {} "
        "AND (x.lat - {}) * (x.lat - {}) + (x.lng - {}) * (x.lng - {}) * {} <= {}"
    )
    box = [lat - dlat, lat + dlat, lng - dlng, lng + dlng]
    return sql, [*cells, *box, lat, lat, lng, lng, squeeze, limit]


def _shown(row: dict) -> dict:
    updated = row["updated_at"]
    return {
        "id": row["id"],
        "title": row["title"],
        "state": row["state"],
        "state_label": STATE_LABELS.get(row["state"], row["state"]),
        # to the second: the database's converters and text read back differ below it
        "updated_at": as_time(updated).replace(microsecond=0) if updated is not None else None,
        "next_review": row["next_review"],
        "url": f"/problems/{row['id']}",
    }


async def _seen(actor: Actor) -> tuple[str, list] | None:
    """The SQL condition (on problem p) for the problems the actor may see, or None for none."""
    if actor.is_police:
        return "", []
    if actor.role != Role.VOLUNTEER:
        return None
    teams = list(await actor.team_ids())
    if not teams:
        return None
    hidden = [str(k) for k in POLICE_ONLY]
    return (
        f" AND p.kind NOT IN ({_marks(hidden)}) AND p.id IN "  # noqa: S608 - marks only
        f"(SELECT problem FROM problem_area WHERE team IN ({_marks(teams)}))",
        [*hidden, *teams],
    )


async def _problems(actor: Actor, where: str, args: list, limit: int | None) -> list[dict]:
    """The open problems the actor may see whose ids `where` gives, newest update first."""
    seen = await _seen(actor)
    if seen is None:
        return []
    extra, extra_args = seen
    top = " LIMIT {}" if limit else ""
    rows = await Problem.raw(
        "SELECT p.id, p.title, p.state, p.updated_at, p.next_review FROM problem p "  # noqa: S608
        f"WHERE p.state <> {{}} AND p.id IN ({where}){extra} "
        f"ORDER BY p.updated_at DESC, p.id DESC{top}",
        ProblemState.CLOSED.value,
        *args,
        *extra_args,
        *([limit] if limit else []),
    )
    return [_shown(r) for r in rows]


async def problems_near(
    actor: Actor, lat: float, lng: float, radius_m: float, limit: int | None = 20
) -> list[dict]:
    """The problems (not closed) with a place within radius_m metres of the point, most recently
    updated first (`limit` of them; None: all)."""
    where, args = _circle(lat, lng, radius_m)
    return await _problems(
        actor,
        f"SELECT x.problem FROM problem_place x WHERE {where}",  # noqa: S608 - marks only
        args,
        limit,
    )


async def problems_in_area(actor: Actor, team_id: int, limit: int | None = None) -> list[dict]:
    """The problems (not closed) of a team area, most recently updated first."""
    return await _problems(
        actor, "SELECT a.problem FROM problem_area a WHERE a.team = {}", [team_id], limit
    )


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
            {
                "id": r["id"],
                "kind": r["kind"],
                "label": POWER_LABELS.get(r["kind"], r["kind"]),
                "used_on": _date(r["used_on"]),
                "place": r["place"],
                "problem": r["problem"],
            }
            for r in sorted(rows, key=lambda r: (str(r["used_on"]), r["id"]), reverse=True)
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


async def panel_near(
    actor: Actor, lat: float, lng: float, radius_m: float, limit: int = 20
) -> dict:
    """The briefing's panel in one read: {"problems": problems_near(...), "powers":
    powers_used_near(...)} (the same rows, one statement instead of two)."""
    seen = await _seen(actor)
    if seen is None:
        return {"problems": [], "powers": _power_counts([])}
    extra, extra_args = seen
    where, args = _circle(lat, lng, radius_m)
    sql = (
        "SELECT * FROM (SELECT 'problem' AS what, p.id, p.title, p.state, p.updated_at, "  # noqa: S608
        "p.next_review, CAST(NULL AS DATE) AS used_on, '' AS place, '' AS kind, "
        "CAST(NULL AS INTEGER) AS problem FROM problem p "
        f"WHERE p.state <> {{}} AND p.id IN (SELECT x.problem FROM problem_place x WHERE {where})"
        f"{extra} ORDER BY p.updated_at DESC, p.id DESC LIMIT {{}}) AS found"
    )
    values = [ProblemState.CLOSED.value, *args, *extra_args, limit]
    if actor.is_police:
        sql += (
            " UNION ALL SELECT 'power', x.id, '', '', CAST(NULL AS TIMESTAMPTZ), "  # noqa: S608
            "CAST(NULL AS DATE), x.used_on, x.place, x.kind, x.problem FROM power_use x "
            f"WHERE {where} "
            "AND x.used_on >= {}"
        )
        values += [*args, _since(POWERS_DAYS)]
    rows = await Problem.raw(sql, *values)
    problems = [_shown(r) for r in rows if r["what"] == "problem"]
    oldest = datetime.min.replace(tzinfo=UTC)
    problems.sort(key=lambda r: (r["updated_at"] or oldest, r["id"]), reverse=True)
    powers = [r for r in rows if r["what"] == "power"]
    return {"problems": problems, "powers": _power_counts(powers)}


def _date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


LINKABLE = {"engagement", "tasking", "patrol_point", "visit", "referral"}


async def problems_linked_to(actor: Actor, kind: str, record_id: int) -> list[dict]:
    """The problems (closed ones too) a record is part of, for the other features' pages ('part
    of the problem ...'): linked to it, or with an action that became it (a tasking or a patrol
    point). Need to know as everywhere here."""
    if kind not in LINKABLE:
        raise ValueError(f"not a linkable kind: {kind!r}")
    where = "SELECT problem FROM problem_link WHERE kind = {} AND record_id = {}"
    args: list = [kind, record_id]
    column = {"tasking": "tasking_id", "patrol_point": "patrol_point_id"}.get(kind)
    if column:
        where += f" UNION SELECT problem FROM problem_action WHERE {column} = {{}}"  # noqa: S608
        args.append(record_id)
    seen = await _seen(actor)
    if seen is None:
        return []
    extra, extra_args = seen
    rows = await Problem.raw(
        "SELECT p.id, p.title, p.state, p.updated_at, p.next_review FROM problem p "  # noqa: S608
        f"WHERE p.id IN ({where}){extra} ORDER BY p.updated_at DESC, p.id DESC",
        *args,
        *extra_args,
    )
    return [_shown(r) for r in rows]
