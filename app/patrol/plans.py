"""Building patrol plans at a desk (supervisors): a plan, its points with windows, the walking
order, publishing (which tells the people who walk it) and copying to other days.

Each use case takes the actor first. Those that check a form against the plan or the database
take the form's own errors and add theirs: nothing is stored while there is any.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.geo import walking_order
from app.outcomes import NotFound, Refused
from app.patrol import notify
from app.patrol.demand import suggested_window, team_demand
from app.patrol.forms import PointForm
from app.patrol.maps import plan_map
from app.patrol.times import LOCAL, hhmm, in_shift, same_clock
from app.roles import POLICE
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState, PointSource
from app.tables.people import Person
from app.tables.places import TeamArea
from app.taskings.geocoding import look_up

SUGGESTED = 5  # places offered on the plan page (the demand page shows more)
PUBLISHED = "This plan is published: copy it to change it"


# Reading ------------------------------------------------------------------------------------


async def _plan(plan_id: int) -> PatrolPlan:
    plan = await PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()
    if plan is None:
        raise NotFound(plan_id)
    return plan


async def week_of_plans(actor: Actor, first: date) -> tuple[list[dict], dict[int, int]]:
    """Every plan of the seven days from `first`, by shift, and how many points each has."""
    async with snapshot():
        plans = (
            await PatrolPlan.select(
                PatrolPlan.all_columns(),
                PatrolPlan.team.name.as_alias("team_name"),
                PatrolPlan.assignee.display_name.as_alias("assignee_name"),
            )
            .where((PatrolPlan.day >= first) & (PatrolPlan.day <= first + timedelta(days=6)))
            .order_by(PatrolPlan.shift_start)
        )
        counts = {}
        for plan in plans:
            counts[plan["id"]] = await PatrolPoint.count().where(PatrolPoint.plan == plan["id"])
    return plans, counts


async def assignee_choices(actor: Actor) -> list[tuple[int, str]]:
    """Who a plan can be for: active police staff, by name, with their collar numbers."""
    rows = (
        await Person.select(Person.id, Person.display_name, Person.collar_number)
        .where(
            (Person.active == True) & Person.role.is_in([r.value for r in POLICE])  # noqa: E712
        )
        .order_by(Person.display_name)
    )
    return [
        (r["id"], f"{r['display_name']} ({r['collar_number'] or 'no collar number'})") for r in rows
    ]


async def points_of(plan_id: int) -> list[dict]:
    return (
        await PatrolPoint.select().where(PatrolPoint.plan == plan_id).order_by(PatrolPoint.position)
    )


async def suggestions(plan: PatrolPlan) -> list[dict]:
    """The team area's top places, each with a window at its busiest hour within the shift."""
    _, places = await team_demand(plan.team)
    offered = []
    for place in places[:SUGGESTED]:
        start, end = suggested_window(place, plan.shift_start, plan.shift_end)
        offered.append(
            {
                "place": place,
                # Said plainly: "Tuesday 14:00 to 14:30" (the day the window falls on).
                "when": f"{start.astimezone(LOCAL):%A} {hhmm(start)} to {hhmm(end)}",
                "label": place.label[:120],
                "lat": f"{place.lat:.6f}",
                "lng": f"{place.lng:.6f}",
                "window_start": hhmm(start),
                "window_end": hhmm(end),
                "busiest": place.busiest_hour,
            }
        )
    return offered


async def plan_page(actor: Actor, plan_id: int) -> dict:
    """A plan for its page: the plan, its team's and assignee's names, its points in walking
    order, and (while a draft) the places suggested from the demand. Raises NotFound."""
    async with snapshot():
        plan = await _plan(plan_id)
        names = (
            await PatrolPlan.select(
                PatrolPlan.team.name.as_alias("team_name"),
                PatrolPlan.assignee.display_name.as_alias("assignee_name"),
            )
            .where(PatrolPlan.id == plan.id)
            .first()
        )
        points = await points_of(plan.id)
        draft = plan.status == PlanState.DRAFT
        shown = await plan_map(plan.team, names["team_name"], points, pick=draft, follow=False)
    offered = await suggestions(plan) if plan.status == PlanState.DRAFT else []
    return {"plan": plan, "names": names, "points": points, "suggestions": offered, "map": shown}


# Checks -------------------------------------------------------------------------------------


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


# Changing -----------------------------------------------------------------------------------


async def create(
    actor: Actor, values: dict, errors: FormErrors | None = None
) -> tuple[int | None, FormErrors]:
    """A draft plan (values from PlanForm); returns its id, or the errors and stores nothing."""
    errors = FormErrors(errors or {})
    async with atomic():
        if values.get("team") and not await TeamArea.exists().where(TeamArea.id == values["team"]):
            errors.add("team", "Choose a team area")
        if values.get("assignee") and not await Person.exists().where(
            Person.id == values["assignee"]
        ):
            errors.add("assignee", "Choose someone from the list, or the whole team")
        if errors:
            return None, errors
        plan = PatrolPlan(
            team=values["team"],
            day=values["day"],
            shift_start=values["shift_start"],
            shift_end=values["shift_end"],
            assignee=values["assignee"],
            title=values["title"],
            # Where the walk starts (for the walking order): the demo gives one, the form not.
            start_lat=values.get("start_lat"),
            start_lng=values.get("start_lng"),
            created_by=actor.id,
            status=PlanState.DRAFT,
        )
        await plan.save()
        await audit.record(
            actor,
            Operation.COLLECTION,
            "patrol-plan",
            plan.id,
            detail=f"for {'person ' + str(plan.assignee) if plan.assignee else 'team'}",
        )
    return plan.id, errors


async def _place_from_address(values: dict, errors: FormErrors) -> None:
    """Fill the point's latitude and longitude (and label, if blank) from the geocoder."""
    if errors.get("address"):
        return
    if values["lat"] is not None or values["lng"] is not None or "lat" in errors or "lng" in errors:
        errors.add("address", "Enter an address or a latitude and longitude, not both")
        return
    found = await look_up(values["address"])
    if found is None:
        errors.add(
            "address", "That address was not found: check it, or enter the latitude and longitude"
        )
        return
    values.update(lat=found.latitude, lng=found.longitude, source=PointSource.ADDRESS)
    if not values["label"]:
        values["label"] = found.address[:120]


def _check_point(plan: PatrolPlan, values: dict, errors: FormErrors) -> dict:
    """The point's checks against its plan's shift; returns the values to store."""
    if not values["label"] and not errors.get("label"):
        errors.add("label", "Enter a name for the place, like 'Abbey Street shops'")
    for name, low, high, word in (("lat", -90, 90, "latitude"), ("lng", -180, 180, "longitude")):
        if values[name] is None:
            errors.add(name, f"Enter the {word} as a number between {low} and {high}")
    clean = {k: values[k] for k in ("label", "lat", "lng", "instruction", "source")}
    start, end = values["window_start"], values["window_end"]
    if start and end:
        clean["window_start"] = in_shift(plan.shift_start, start)
        clean["window_end"] = in_shift(plan.shift_start, end)
        problem = window_problem(plan, clean["window_start"], clean["window_end"])
        if problem:
            errors.add("window_end", problem)
    return clean


async def add_point(
    actor: Actor, plan_id: int, values: dict, errors: FormErrors | None = None
) -> tuple[int | None, FormErrors]:
    """Add a point at the end of a draft plan (values from PointForm): a place from a map or
    a suggestion, or an address looked up. Raises NotFound; returns the point's id, or the
    errors in the order the form shows its fields, storing nothing."""
    errors = FormErrors(errors or {})
    values = dict(values)
    plan = await _plan(plan_id)
    if plan.status != PlanState.DRAFT:
        errors.add("label", PUBLISHED)
    if values["address"]:
        await _place_from_address(values, errors)  # before the transaction: it may be slow
    elif values["source"] == PointSource.ADDRESS:  # only a looked-up address is stored as one
        values["source"] = PointSource.MAP
    clean = _check_point(plan, values, errors)
    if errors.get("address"):  # not found: the latitude and longitude were never asked for
        errors.pop("lat", None)
        errors.pop("lng", None)
    if errors:
        return None, PointForm.in_order(errors)
    async with atomic():
        plan = await _plan(plan_id)
        if plan.status != PlanState.DRAFT:  # published meanwhile
            return None, FormErrors(label=PUBLISHED)
        position = await PatrolPoint.count().where(PatrolPoint.plan == plan.id) + 1
        point = PatrolPoint(plan=plan.id, position=position, **clean)
        await point.save()
    return point.id, errors


async def _renumber(ordered_ids: list[int]) -> None:
    for position, point_id in enumerate(ordered_ids, start=1):
        await PatrolPoint.update({PatrolPoint.position: position}).where(PatrolPoint.id == point_id)


async def remove_point(actor: Actor, plan_id: int, point_id: int) -> None:
    """Take a point out of a draft plan (a published plan is left as it is). Raises NotFound."""
    async with atomic():
        plan = await _plan(plan_id)
        if plan.status == PlanState.DRAFT:
            await PatrolPoint.delete().where(
                (PatrolPoint.id == point_id) & (PatrolPoint.plan == plan.id)
            )
            await _renumber([p["id"] for p in await points_of(plan.id)])


async def move_point(actor: Actor, plan_id: int, point_id: int, up: bool) -> None:
    """Swap a point of a draft plan with the one before it (`up`) or after it."""
    async with atomic():
        plan = await _plan(plan_id)
        ids = [p["id"] for p in await points_of(plan.id)]
        if plan.status == PlanState.DRAFT and point_id in ids:
            i = ids.index(point_id)
            j = i - 1 if up else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
                await _renumber(ids)


async def suggest_walking_order(actor: Actor, plan_id: int) -> None:
    """Put a draft plan's points in the shortest walking order by geodesic distance from the
    plan's start (or from the first point)."""
    async with atomic():
        plan = await _plan(plan_id)
        points = await points_of(plan.id)
        if plan.status == PlanState.DRAFT and points:
            start = (plan.start_lat, plan.start_lng) if plan.start_lat is not None else None
            order = walking_order(start, [(p["lat"], p["lng"]) for p in points])
            await _renumber([points[i]["id"] for i in order])


async def publish(actor: Actor, plan_id: int) -> FormErrors:
    """Publish a plan and tell the people who will walk it (a patrol tasking, pushed), in one
    transaction; publishing again changes nothing. Raises NotFound; returns why it cannot be
    published yet, if it cannot."""
    async with atomic():
        plan = await _plan(plan_id)
        errors = await publish_problems(plan)
        if errors or plan.status == PlanState.PUBLISHED:
            return errors
        await PatrolPlan.update(
            {PatrolPlan.status: PlanState.PUBLISHED, PatrolPlan.published_at: datetime.now(UTC)}
        ).where(PatrolPlan.id == plan.id)
        await audit.record(actor, Operation.ALTERATION, "patrol-plan", plan.id, detail="published")
        tasking = await notify.tell_patrollers(actor, plan)
        await PatrolPlan.update({PatrolPlan.tasking: tasking}).where(PatrolPlan.id == plan.id)
    return errors


NOT_PUBLISHED = "Only a published plan can be withdrawn: a draft is simply not published"


async def withdraw(actor: Actor, plan_id: int) -> bool:
    """Withdraw a published plan: it is no longer today's plan on anyone's phone and its points
    are no longer counted in compliance; the people who walk it are told (their patrol tasking
    is cancelled, pushed), in one transaction. Withdrawing again changes nothing. Returns
    whether it was withdrawn now; raises NotFound, and Refused for a draft."""
    async with atomic():
        plan = await _plan(plan_id)
        if plan.status == PlanState.WITHDRAWN:
            return False
        if plan.status != PlanState.PUBLISHED:
            raise Refused(NOT_PUBLISHED)
        await PatrolPlan.update(
            {PatrolPlan.status: PlanState.WITHDRAWN, PatrolPlan.withdrawn_at: datetime.now(UTC)}
        ).where(PatrolPlan.id == plan.id)
        await audit.record(actor, Operation.ALTERATION, "patrol-plan", plan.id, detail="withdrawn")
        await notify.tell_withdrawn(actor, plan)
    return True


async def copy(
    actor: Actor, plan_id: int, days: list[date], errors: FormErrors | None = None
) -> tuple[list[date], FormErrors]:
    """The same plan, as drafts, on each of the days but its own (values from CopyForm):
    points keep their clock times. Raises NotFound; returns the days copied to, or errors."""
    errors = FormErrors(errors or {})
    async with atomic():
        plan = await _plan(plan_id)
        days = [d for d in days if d != plan.day]
        if not errors and not days:
            errors.add("copy_from", "Choose days other than the plan's own day")
        if errors:
            return [], errors
        made = await _copy_plan(plan, days, actor.id)
        await audit.record(
            actor,
            Operation.COLLECTION,
            "patrol-plan",
            ",".join(map(str, made))[:64],
            detail=f"copied from plan {plan.id}",
        )
    return days, errors


async def _copy_plan(plan: PatrolPlan, days: list[date], by: int) -> list[int]:
    points = await PatrolPoint.objects().where(PatrolPoint.plan == plan.id)
    made = []
    for day in days:
        offset = (day - plan.day).days
        twin = PatrolPlan(
            team=plan.team,
            day=day,
            shift_start=same_clock(plan.shift_start, offset),
            shift_end=same_clock(plan.shift_end, offset),
            assignee=plan.assignee,
            title=plan.title,
            status=PlanState.DRAFT,
            start_lat=plan.start_lat,
            start_lng=plan.start_lng,
            created_by=by,
            copied_from=plan.id,
        )
        await twin.save()
        if points:
            await PatrolPoint.insert(
                *[
                    PatrolPoint(
                        plan=twin.id,
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
        made.append(twin.id)
    return made


# What a person patrols ----------------------------------------------------------------------


async def todays_plans(
    actor: Actor, today: date | None = None, state: PlanState = PlanState.PUBLISHED
) -> list[dict]:
    """Published plans for this person today (and last night's, past midnight): theirs, or
    their teams' whole-team plans (with `state`: those withdrawn, say)."""
    today = today or datetime.now(LOCAL).date()
    mine = PatrolPlan.assignee == actor.id
    if teams := await actor.team_ids():
        mine = mine | ((PatrolPlan.assignee.is_null()) & PatrolPlan.team.is_in(list(teams)))
    return (
        await PatrolPlan.select(
            PatrolPlan.all_columns(), PatrolPlan.team.name.as_alias("team_name")
        )
        .where(
            mine
            & (PatrolPlan.status == state)
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
