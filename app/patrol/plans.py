"""Patrol plans: checking and storing plans and points, what a person patrols today, copying."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.patrol.times import LOCAL, hhmm, in_shift, parse_hhmm, same_clock, shift_bounds
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint
from app.tables.people import PersonTeam
from app.tables.places import TeamArea
from app.web import FormErrors

MAX_INSTRUCTION = 500


async def check_plan_form(data: dict, errors: FormErrors) -> dict:
    """Validate a new plan's fields; returns clean values for PatrolPlan."""
    clean: dict = {"title": str(data.get("title", "")).strip()[:120]}
    team = str(data.get("team", "")).strip()
    if not team.isdigit() or not await TeamArea.exists().where(TeamArea.id == int(team)):
        errors.add("team", "Choose a team area")
    else:
        clean["team"] = int(team)
    try:
        clean["day"] = date.fromisoformat(str(data.get("day", "")).strip())
    except ValueError:
        errors.add("day", "Enter the day of the shift, like 2026-11-21")
    start = parse_hhmm(str(data.get("shift_start", "")))
    end = parse_hhmm(str(data.get("shift_end", "")))
    if start is None:
        errors.add("shift_start", "Enter when the shift starts, like 07:00")
    if end is None:
        errors.add("shift_end", "Enter when the shift ends, like 15:00")
    if start and end and start == end:
        errors.add("shift_end", "The shift must end at a different time from when it starts")
    if start and end and "day" in clean and not errors.get("shift_end"):
        clean["shift_start"], clean["shift_end"] = shift_bounds(clean["day"], start, end)
    assignee = str(data.get("assignee", "")).strip()
    clean["assignee"] = int(assignee) if assignee.isdigit() else None
    if assignee and not assignee.isdigit():
        errors.add("assignee", "Choose someone from the list, or the whole team")
    return clean


def check_point_form(plan: PatrolPlan, data: dict, errors: FormErrors) -> dict:
    """Validate a point's fields against its plan's shift; returns clean values."""
    clean: dict = {"label": str(data.get("label", "")).strip()}
    if not clean["label"]:
        errors.add("label", "Enter a name for the place, like 'Abbey Street shops'")
    elif len(clean["label"]) > 120:
        errors.add("label", "Enter a name of 120 characters or fewer")
    for name, low, high, word in (("lat", -90, 90, "latitude"), ("lng", -180, 180, "longitude")):
        try:
            value = float(str(data.get(name, "")).strip())
            if not low <= value <= high:
                raise ValueError
            clean[name] = value
        except ValueError:
            errors.add(name, f"Enter the {word} as a number between {low} and {high}")
    start = parse_hhmm(str(data.get("window_start", "")))
    end = parse_hhmm(str(data.get("window_end", "")))
    if start is None:
        errors.add("window_start", "Enter when to be there from, like 15:00")
    if end is None:
        errors.add("window_end", "Enter when to be there until, like 15:30")
    if start and end:
        clean["window_start"] = in_shift(plan.shift_start, start)
        clean["window_end"] = in_shift(plan.shift_start, end)
        problem = window_problem(plan, clean["window_start"], clean["window_end"])
        if problem:
            errors.add("window_end", problem)
    clean["instruction"] = str(data.get("instruction", "")).strip()
    if len(clean["instruction"]) > MAX_INSTRUCTION:
        errors.add("instruction", f"Enter an instruction of {MAX_INSTRUCTION} characters or fewer")
    source = str(data.get("source", "map"))
    clean["source"] = source if source in {"suggestion", "map", "address"} else "map"
    return clean


def window_problem(plan: PatrolPlan, start: datetime, end: datetime) -> str | None:
    if end <= start:
        return "The time window must end after it starts"
    if start < plan.shift_start or end > plan.shift_end:
        return (
            f"The time window must be within the shift "
            f"({hhmm(plan.shift_start)} to {hhmm(plan.shift_end)})"
        )
    return None


async def publish_problems(plan: PatrolPlan) -> FormErrors:
    """Why a plan cannot be published yet (checked again here, whatever the forms allowed)."""
    errors = FormErrors()
    points = await PatrolPoint.objects().where(PatrolPoint.plan == plan.id)
    if not points:
        errors.add("points", "Add at least one point before publishing the plan")
    for point in sorted(points, key=lambda p: p.position):
        problem = window_problem(plan, point.window_start, point.window_end)
        if problem:
            errors.add("points", f"{point.label}: {problem.lower()}")
    return errors


async def points_of(plan_id: int) -> list[dict]:
    return (
        await PatrolPoint.select().where(PatrolPoint.plan == plan_id).order_by(PatrolPoint.position)
    )


async def renumber(plan_id: int, ordered_ids: list[int]) -> None:
    for position, point_id in enumerate(ordered_ids, start=1):
        await PatrolPoint.update({PatrolPoint.position: position}).where(PatrolPoint.id == point_id)


async def todays_plans(viewer, today: date | None = None) -> list[dict]:
    """Published plans for this person today: theirs, or their teams' whole-team plans."""
    today = today or datetime.now(LOCAL).date()
    teams = {viewer.home_team_id} if viewer.home_team_id else set()
    rows = await PersonTeam.select(PersonTeam.team).where(PersonTeam.person == viewer.id)
    teams |= {r["team"] for r in rows}
    mine = PatrolPlan.assignee == viewer.id
    if teams:
        mine = mine | ((PatrolPlan.assignee.is_null()) & PatrolPlan.team.is_in(list(teams)))
    return (
        await PatrolPlan.select(
            PatrolPlan.all_columns(), PatrolPlan.team.name.as_alias("team_name")
        )
        .where(
            mine
            & (PatrolPlan.status == "published")
            & (PatrolPlan.day >= today - timedelta(days=1))
            & (PatrolPlan.day <= today)
        )
        .order_by(PatrolPlan.shift_start)
    )


async def check_ins_by_point(plan_id: int, person_id: int | None = None) -> dict[int, dict]:
    """The first check-in at each point of a plan (by this person, if given)."""
    query = (
        PatrolCheckIn.select().where(PatrolCheckIn.point.plan == plan_id).order_by(PatrolCheckIn.at)
    )
    if person_id is not None:
        query = query.where(PatrolCheckIn.person == person_id)
    found: dict[int, dict] = {}
    for row in await query:
        found.setdefault(row["point"], row)
    return found


async def copy_plan(plan: PatrolPlan, days: list[date], by: int) -> list[int]:
    """The same plan, as drafts, on other days: points keep their clock times."""
    points = await PatrolPoint.objects().where(PatrolPoint.plan == plan.id)
    made = []
    for day in days:
        offset = (day - plan.day).days
        copy = PatrolPlan(
            team=plan.team,
            day=day,
            shift_start=same_clock(plan.shift_start, offset),
            shift_end=same_clock(plan.shift_end, offset),
            assignee=plan.assignee,
            title=plan.title,
            status="draft",
            start_lat=plan.start_lat,
            start_lng=plan.start_lng,
            created_by=by,
            copied_from=plan.id,
        )
        await copy.save()
        if points:
            await PatrolPoint.insert(
                *[
                    PatrolPoint(
                        plan=copy.id,
                        position=p.position,
                        label=p.label,
                        lat=p.lat,
                        lng=p.lng,
                        window_start=same_clock(p.window_start, offset),
                        window_end=same_clock(p.window_end, offset),
                        instruction=p.instruction,
                        source=p.source,
                    )
                    for p in points
                ]
            )
        made.append(copy.id)
    return made
