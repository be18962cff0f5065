"""Powers used against anti-social behaviour: recording a use (date, place, area, linked
problem) and listing them per area. Police roles only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.actor import Actor
from app.audit import Operation, record
from app.clock import LOCAL_TIME
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.geo import cell_of
from app.outcomes import NotAllowed, NotFound
from app.places import team_choices
from app.problems.forms import POWER_LABELS, PowerForm
from app.tables.places import TeamArea
from app.tables.problems import PowerUse, Problem

RECENT_DAYS = 28


def _police(actor: Actor) -> None:
    if not actor.is_police:
        raise NotAllowed("Powers used are recorded and listed by police roles")


def _labelled(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["label"] = POWER_LABELS.get(row["kind"], row["kind"])
    return rows


async def powers_of_problem(problem_id: int) -> list[dict]:
    rows = await PowerUse.raw(
        "SELECT x.*, t.name AS area FROM power_use x JOIN team_area t ON t.id = x.team "
        "WHERE x.problem = {} ORDER BY x.used_on DESC, x.id DESC",
        problem_id,
    )
    return _labelled(rows)


async def record_power(actor: Actor, values: dict) -> tuple[int | None, FormErrors]:
    """Record a power used (values from PowerForm.parse): its id, or the errors."""
    _police(actor)
    errors = FormErrors()
    async with atomic():
        if not await TeamArea.exists().where(TeamArea.id == values["team"]):
            errors.add("team", "Choose the team area")
        if values["problem"] is not None and not await Problem.exists().where(
            Problem.id == values["problem"]
        ):
            errors.add("problem", "No problem has that number")
        if errors:
            return None, PowerForm.in_order(errors)
        lat, lng = values["lat"], values["lng"]
        rows = await PowerUse.insert(
            PowerUse(
                kind=values["kind"],
                used_on=values["used_on"],
                place=values["place"],
                lat=lat,
                lng=lng,
                cell=cell_of(lat, lng) if lat is not None else None,
                team=values["team"],
                problem=values["problem"],
                note=values["note"],
                recorded_by=actor.id,
            )
        )
        if values["problem"] is not None:
            await Problem.update({Problem.updated_at: datetime.now(UTC)}).where(
                Problem.id == values["problem"]
            )
        await record(actor, Operation.COLLECTION, "power-use", rows[0]["id"])
    return rows[0]["id"], errors


async def powers_page(actor: Actor, team_id: int | None) -> dict:
    """Powers used in an area (the actor's home area by default), newest first, with counts by
    power over the last RECENT_DAYS days."""
    _police(actor)
    team_id = team_id or actor.home_team_id
    today = datetime.now(LOCAL_TIME).date()
    async with snapshot():
        teams = await team_choices()
        team = None
        rows: list[dict] = []
        if team_id is not None:
            team = (
                await TeamArea.select(TeamArea.id, TeamArea.name)
                .where(TeamArea.id == team_id)
                .first()
            )
            if team is None:
                raise NotFound(team_id)
            rows = _labelled(
                await PowerUse.select(
                    *PowerUse.all_columns(), PowerUse.problem.title.as_alias("problem_title")
                )
                .where(PowerUse.team == team_id)
                .order_by(PowerUse.used_on, ascending=False)
                .limit(500)
            )
    since = today - timedelta(days=RECENT_DAYS)
    counts: dict[str, int] = {}
    for row in rows:
        used = row["used_on"]
        if used >= since:
            counts[row["label"]] = counts.get(row["label"], 0) + 1
    return {
        "team": team,
        "teams": teams,
        "rows": rows,
        "recent": sorted(counts.items(), key=lambda c: -c[1]),
        "recent_days": RECENT_DAYS,
        "kinds": POWER_LABELS,
    }
