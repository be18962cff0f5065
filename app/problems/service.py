"""Problem solving's use cases, each taking the actor first: create a problem (from an area
priority too), its page and the one form for the method, places, actions (which may become a
tasking, a home-visit tasking or a patrol plan point in one step, through the taskings' and
patrol's own use cases), links, people (references, police only, every look audited), comments,
closure (refused without an assessment) and the supervisor's sign-off, the review list.

Need to know: police roles see every problem; a volunteer sees the place and theme problems of
their team areas (places by name, no analysis, people, links or comments) and the actions given
to them. Other roles see none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.actor import Actor
from app.audit import Operation, record
from app.clock import LOCAL_TIME
from app.crime.nearby import as_time
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.geo import cell_of
from app.outcomes import NotAllowed, NotFound, Refused
from app.patrol import plans as patrol_plans
from app.places import team_choices
from app.problems import measure
from app.problems.forms import (
    ACTION_STATE_LABELS,
    KIND_LABELS,
    RESULT_LABELS,
    STATE_LABELS,
    ActionForm,
    MethodForm,
    NewProblemForm,
    lines,
)
from app.problems.maps import problem_map
from app.problems.powers import powers_of_problem
from app.roles import Role
from app.tables.agencies import PartnerAgency
from app.tables.briefing import AreaPriority
from app.tables.engagement import Engagement
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint, PlanState, PointSource
from app.tables.people import Person
from app.tables.places import TeamArea
from app.tables.problems import (
    ActionState,
    Problem,
    ProblemAction,
    ProblemArea,
    ProblemComment,
    ProblemKind,
    ProblemLink,
    ProblemPerson,
    ProblemPlace,
    ProblemState,
)
from app.tables.taskings import Tasking
from app.tables.visits import HomeVisit, Referral
from app.taskings import service as taskings
from app.taskings.followups import tasking_states
from app.taskings.kinds import KINDS

STAFF = (Role.PCSO, Role.OFFICER, Role.SUPERVISOR)
POLICE_ONLY = (ProblemKind.VICTIM, ProblemKind.OFFENDER)
REVIEW_DAYS = 28  # a new plan's first review; and "not updated" on the review list after this
SCANNING_DAYS = 90
MAX_PLACES = 20
LINK_TABLES = {
    "engagement": Engagement,
    "tasking": Tasking,
    "patrol_point": PatrolPoint,
    "visit": HomeVisit,
    "referral": Referral,
}


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return datetime.now(LOCAL_TIME).date()


# Who may see and change what ------------------------------------------------------------------


def _police(actor: Actor, what: str = "Problem-solving plans are changed by police roles") -> None:
    if not actor.is_police:
        raise NotAllowed(what)


def _may_look(actor: Actor) -> None:
    if not (actor.is_police or actor.role == Role.VOLUNTEER):
        raise NotAllowed("Problem-solving plans are for police roles and volunteers")


# The page's reads are plain SQL: Piccolo builds a select's SQL slower than these run, and the
# page is measured against the briefing (bench/problems_speed.py).


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


async def _problem(problem_id: int) -> dict:
    rows = await Problem.raw(
        "SELECT p.*, o.display_name AS owner_name, s.display_name AS signed_off_name "
        "FROM problem p LEFT JOIN person o ON o.id = p.owner "
        "LEFT JOIN person s ON s.id = p.signed_off_by WHERE p.id = {}",
        problem_id,
    )
    if not rows:
        raise NotFound(problem_id)
    row = rows[0]
    for name in ("updated_at", "created_at", "closed_at", "signed_off_at"):
        if row[name] is not None:
            row[name] = as_time(row[name])
    return row


async def _areas(problem_ids: list[int]) -> dict[int, list[dict]]:
    if not problem_ids:
        return {}
    rows = await ProblemArea.raw(
        "SELECT a.problem, a.team, t.name FROM problem_area a "  # noqa: S608 - marks only
        f"JOIN team_area t ON t.id = a.team WHERE a.problem IN ({_marks(problem_ids)}) "
        "ORDER BY t.name",
        *problem_ids,
    )
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row["problem"], []).append({"id": row["team"], "name": row["name"]})
    return found


async def _volunteer_sees(actor: Actor, problem: dict, areas: list[dict]) -> bool:
    teams = set(await actor.team_ids())
    return problem["kind"] not in POLICE_ONLY and any(a["id"] in teams for a in areas)


async def _visible(actor: Actor, problem_id: int) -> tuple[dict, list[dict], bool]:
    """(the problem, its areas, whether the actor sees it whole): NotFound for a problem the
    actor may not know of (a volunteer given one of its actions sees only those)."""
    _may_look(actor)
    problem = await _problem(problem_id)
    areas = (await _areas([problem_id])).get(problem_id, [])
    if actor.is_police:
        return problem, areas, True
    if await _volunteer_sees(actor, problem, areas):
        return problem, areas, False
    raise NotFound(problem_id)


async def _editable(actor: Actor, problem_id: int) -> dict:
    _police(actor)
    problem = await _problem(problem_id)
    if problem["state"] == ProblemState.CLOSED:
        raise Refused("This problem is closed: add a comment instead")
    return problem


async def _touch(problem_id: int) -> None:
    await Problem.update({Problem.updated_at: now()}).where(Problem.id == problem_id)


# Creating --------------------------------------------------------------------------------------


async def new_problem(actor: Actor, priority_id: int | None = None) -> dict:
    """The first screen: the team areas, and the values an area priority gives (its issue as the
    title, its action as the sentence). Raises NotFound for a priority that does not exist."""
    _police(actor, "Problems are opened by police roles")
    async with snapshot():
        values: dict = {}
        if priority_id is not None:
            priority = await AreaPriority.select().where(AreaPriority.id == priority_id).first()
            if priority is None:
                raise NotFound(priority_id)
            values = {
                "title": priority["issue"][:120],
                "team": priority["team_area"],
                "summary": (priority["action"] or priority["issue"])[:500],
                "priority": priority["id"],
            }
        elif actor.home_team_id:
            values = {"team": actor.home_team_id}
        teams = await team_choices()
    return {"values": values, "teams": teams}


async def create(actor: Actor, values: dict) -> tuple[int | None, FormErrors]:
    """Open a problem (values from NewProblemForm): its id, or the errors and nothing stored.
    The actor owns it; its first review is in REVIEW_DAYS days."""
    _police(actor, "Problems are opened by police roles")
    errors = FormErrors()
    async with atomic():
        if not await TeamArea.exists().where(TeamArea.id == values["team"]):
            errors.add("team", "Choose the team area")
        if values.get("priority") is not None and not await AreaPriority.exists().where(
            AreaPriority.id == values["priority"]
        ):
            errors.add("priority", "That area priority no longer exists")
        if errors:
            return None, NewProblemForm.in_order(errors)
        rows = await Problem.insert(
            Problem(
                title=values["title"],
                summary=values["summary"],
                owner=actor.id,
                next_review=today() + timedelta(days=REVIEW_DAYS),
                priority=values.get("priority"),
                created_by=actor.id,
            )
        )
        problem_id = rows[0]["id"]
        await ProblemArea.insert(ProblemArea(problem=problem_id, team=values["team"]))
        detail = f"from area priority {values['priority']}" if values.get("priority") else ""
        await record(actor, Operation.COLLECTION, "problem", problem_id, detail=detail)
    return problem_id, errors


# The problem's page ----------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return lines(text)


async def _actions(actor: Actor, problem_id: int, whole: bool) -> list[dict]:
    mine = "" if whole else " AND a.owner_person = {}"
    actions = await ProblemAction.raw(
        "SELECT a.*, o.display_name AS person_name, g.name AS agency_name "  # noqa: S608
        "FROM problem_action a LEFT JOIN person o ON o.id = a.owner_person "
        "LEFT JOIN partner_agency g ON g.id = a.owner_agency "
        f"WHERE a.problem = {{}}{mine} ORDER BY a.due_on, a.id",
        problem_id,
        *([] if whole else [actor.id]),
    )
    states = await tasking_states([a["tasking_id"] for a in actions if a["tasking_id"]], actor)
    points = [a["patrol_point_id"] for a in actions if a["patrol_point_id"]]
    progress = await patrol_progress(points)
    for action in actions:
        action["state_label"] = ACTION_STATE_LABELS.get(action["state"], action["state"])
        action["owner"] = action["person_name"] or action["agency_name"] or "No owner"
        action["tasking"] = states.get(action["tasking_id"]) if action["tasking_id"] else None
        action["patrol"] = progress.get(action["patrol_point_id"])
    return actions


async def patrol_progress(point_ids: list[int]) -> dict[int, dict]:
    """For each patrol point: its plan's day and state, and how many check-ins it has had."""
    if not point_ids:
        return {}
    points = await PatrolPoint.select(
        PatrolPoint.id,
        PatrolPoint.label,
        PatrolPoint.plan.day.as_alias("day"),
        PatrolPoint.plan.status.as_alias("status"),
        PatrolPoint.plan.title.as_alias("plan_title"),
    ).where(PatrolPoint.id.is_in(point_ids))
    visits = await PatrolCheckIn.select(PatrolCheckIn.point, PatrolCheckIn.at).where(
        PatrolCheckIn.point.is_in(point_ids)
    )
    found = {}
    for point in points:
        mine = [v for v in visits if v["point"] == point["id"]]
        count = len(mine)
        state = "Published" if point["status"] == PlanState.PUBLISHED else "Draft plan"
        found[point["id"]] = {
            "state": f"{state}, {point['day']}: {count} check-in{'s' if count != 1 else ''}",
            "plan_title": point["plan_title"],
        }
    return found


async def page(actor: Actor, problem_id: int, *, assess: bool = True) -> dict:
    """Everything the problem's page shows the actor (see the module's need-to-know rule).
    Raises NotFound. For police roles, the counts from the data: scanning (the last 90 days
    against the 90 before and a year before) and, once the response has begun, the assessment."""
    async with snapshot():
        problem, areas, whole = await _visible(actor, problem_id)
        problem["state_label"] = STATE_LABELS.get(problem["state"], problem["state"])
        problem["kind_label"] = KIND_LABELS.get(problem["kind"], problem["kind"])
        problem["result_label"] = RESULT_LABELS.get(problem["result"], "")
        places = await ProblemPlace.raw(
            "SELECT * FROM problem_place WHERE problem = {} ORDER BY id", problem_id
        )
        actions = await _actions(actor, problem_id, whole)
        found = {
            "problem": problem,
            "areas": areas,
            "places": places,
            "actions": actions,
            "whole": whole,
            "overdue_review": bool(
                problem["next_review"]
                and problem["next_review"] < today()
                and problem["state"] != ProblemState.CLOSED
            ),
        }
        if whole:
            found.update(await _police_part(actor, problem, areas, places, assess))
        found["map"] = await problem_map(problem, areas, places, whole)
    if whole and problem["kind"] in POLICE_ONLY:
        await record(actor, Operation.CONSULTATION, "problem", problem_id, detail="page")
    return found


async def _police_part(actor, problem, areas, places, assess: bool) -> dict:
    problem_id = problem["id"]
    team_ids = [a["id"] for a in areas]
    links = await ProblemLink.raw(
        "SELECT * FROM problem_link WHERE problem = {} ORDER BY id", problem_id
    )
    linked_taskings = [lk["record_id"] for lk in links if lk["kind"] == "tasking"]
    states = await tasking_states(linked_taskings, actor)
    for link in links:
        link["progress"] = states.get(link["record_id"]) if link["kind"] == "tasking" else None
    comments = await ProblemComment.raw(
        "SELECT c.*, p.display_name AS name FROM problem_comment c "
        "LEFT JOIN person p ON p.id = c.author WHERE c.problem = {} ORDER BY c.at, c.id",
        problem_id,
    )
    for row in comments:
        row["at"] = as_time(row["at"])
    counted = await ProblemPerson.raw(
        "SELECT COUNT(*) AS n FROM problem_person WHERE problem = {}", problem_id
    )
    people_count = counted[0]["n"]
    found = {
        "links": links,
        "comments": comments,
        "people_count": people_count,
        "powers": await powers_of_problem(problem_id),
        "owners": await owner_choices(team_ids),
        "agencies": await PartnerAgency.raw(
            "SELECT id, name FROM partner_agency WHERE active = {} ORDER BY name", True
        ),
        "plans": await draft_plans(team_ids),
        "measures": [],
        "priority": None,
    }
    if problem["priority"]:
        rows = await AreaPriority.raw(
            "SELECT * FROM area_priority WHERE id = {}", problem["priority"]
        )
        found["priority"] = rows[0] if rows else None
    if assess and places:
        comparisons = [("Scanning: the last 90 days", now() - timedelta(days=SCANNING_DAYS))]
        started = problem["response_started_on"]
        if started:
            start = datetime.combine(started, time(), LOCAL_TIME).astimezone(UTC)
            comparisons.append(("Assessment: since the response began", start))
        found["measures"] = await measure.measure(
            [(p["lat"], p["lng"]) for p in places],
            problem["radius_m"],
            _split(problem["incident_kinds"]),
            _split(problem["crime_types"]),
            comparisons,
        )
    return found


async def owner_choices(team_ids: list[int]) -> dict[str, list[dict]]:
    """Who may own an action: active staff, and the volunteers of the problem's areas."""
    teams = team_ids or [0]
    staff = [str(r) for r in STAFF]
    people = await Person.raw(
        "SELECT id, display_name, role FROM person WHERE active = {} AND ("  # noqa: S608
        f"role IN ({_marks(staff)}) OR (role = {{}} AND (home_team IN ({_marks(teams)}) "
        f"OR id IN (SELECT person FROM person_team WHERE team IN ({_marks(teams)}))))) "
        "ORDER BY display_name, id",
        True,
        *staff,
        str(Role.VOLUNTEER),
        *teams,
        *teams,
    )
    return {
        "staff": [p for p in people if p["role"] != Role.VOLUNTEER],
        "volunteers": [p for p in people if p["role"] == Role.VOLUNTEER],
    }


async def draft_plans(team_ids: list[int]) -> list[dict]:
    """The draft patrol plans of the areas from today on: where an action's point may go."""
    teams = team_ids or [0]
    return await PatrolPlan.raw(
        "SELECT id, title, day FROM patrol_plan WHERE "  # noqa: S608 - marks only
        f"team IN ({_marks(teams)}) AND status = {{}} AND day >= {{}} ORDER BY day, id",
        *teams,
        str(PlanState.DRAFT),
        today(),
    )


# The one form -----------------------------------------------------------------------------------


async def save_method(actor: Actor, problem_id: int, values: dict) -> FormErrors:
    """Save the method form (values from MethodForm.parse): the errors, nothing changed if any."""
    errors = FormErrors()
    async with atomic():
        await _editable(actor, problem_id)
        if values["owner"] is not None and not await Person.exists().where(
            (Person.id == values["owner"]) & Person.role.is_in(list(STAFF)) & Person.active.eq(True)
        ):
            errors.add("owner", "Choose the owner from the list (a member of staff)")
        if errors:
            return MethodForm.in_order(errors)
        await Problem.update({**values, Problem.updated_at: now()}).where(Problem.id == problem_id)
        await record(actor, Operation.ALTERATION, "problem", problem_id, detail="method form")
    return errors


async def add_place(actor: Actor, problem_id: int, values: dict) -> int:
    async with atomic():
        await _editable(actor, problem_id)
        if await ProblemPlace.count().where(ProblemPlace.problem == problem_id) >= MAX_PLACES:
            raise Refused(f"A problem has at most {MAX_PLACES} places")
        rows = await ProblemPlace.insert(
            ProblemPlace(
                problem=problem_id,
                label=values["label"],
                lat=values["lat"],
                lng=values["lng"],
                cell=cell_of(values["lat"], values["lng"]),
            )
        )
        await _touch(problem_id)
        await record(actor, Operation.ALTERATION, "problem", problem_id, detail="place added")
    return rows[0]["id"]


async def remove_place(actor: Actor, problem_id: int, place_id: int) -> None:
    async with atomic():
        await _editable(actor, problem_id)
        gone = (
            await ProblemPlace.delete()
            .where((ProblemPlace.id == place_id) & (ProblemPlace.problem == problem_id))
            .returning(ProblemPlace.id)
        )
        if not gone:
            raise NotFound(place_id)
        await _touch(problem_id)
        await record(actor, Operation.ALTERATION, "problem", problem_id, detail="place removed")


# Actions -------------------------------------------------------------------------------------


async def _check_owner(values: dict, errors: FormErrors, problem: dict | None = None) -> None:
    kind = values["owner_kind"]
    if kind == "volunteer" and problem is not None and problem["kind"] in POLICE_ONLY:
        errors.add(
            "owner_kind",
            "Victim and offender problems are for police roles only: give the action to a "
            "member of staff or a partner agency",
        )
        return
    if kind == "agency":
        if not await PartnerAgency.exists().where(PartnerAgency.id == values["owner_agency"]):
            errors.add("owner_agency", "Choose the partner agency from the list")
        return
    roles = list(STAFF) if kind == "staff" else [Role.VOLUNTEER]
    if not await Person.exists().where(
        (Person.id == values["owner_person"]) & Person.role.is_in(roles) & Person.active.eq(True)
    ):
        word = "member of staff" if kind == "staff" else "volunteer"
        errors.add("owner_person", f"Choose a {word} from the list")


async def add_action(actor: Actor, problem_id: int, values: dict) -> tuple[int | None, FormErrors]:
    """Add a response action (values from ActionForm.parse) and, if asked, make it a tasking, a
    home-visit tasking or a patrol plan point at once: all or nothing (a refusal by the
    taskings' or patrol's use case rolls the action back). The action's id, or the errors and
    nothing stored."""
    errors = FormErrors()
    try:
        async with atomic():
            problem = await _editable(actor, problem_id)
            await _check_owner(values, errors, problem)
            if errors:
                return None, ActionForm.in_order(errors)
            rows = await ProblemAction.insert(
                ProblemAction(
                    problem=problem_id,
                    title=values["title"],
                    owner_kind=values["owner_kind"],
                    owner_person=values["owner_person"],
                    owner_agency=values["owner_agency"],
                    due_on=values["due_on"],
                )
            )
            action_id = rows[0]["id"]
            await record(
                actor,
                Operation.COLLECTION,
                "problem-action",
                action_id,
                detail=f"problem {problem_id}",
            )
            if values.get("make"):
                found = await _make(actor, problem, action_id, values["make"], values.get("plan"))
                if found:
                    raise _Undo(found)
            await _touch(problem_id)
    except _Undo as undo:
        return None, ActionForm.in_order(undo.errors)
    return action_id, errors


class _Undo(Exception):  # noqa: N818 - not an error: the way to roll a change back
    """Raised inside the transaction to roll it back, with the errors to show."""

    def __init__(self, errors: FormErrors) -> None:
        super().__init__("undo")
        self.errors = errors


async def _action(problem_id: int, action_id: int) -> dict:
    action = (
        await ProblemAction.select()
        .where((ProblemAction.id == action_id) & (ProblemAction.problem == problem_id))
        .first()
    )
    if action is None:
        raise NotFound(action_id)
    return action


async def make(
    actor: Actor, problem_id: int, action_id: int, what: str, plan_id: int | None
) -> FormErrors:
    """Turn an existing action into a tasking, a home-visit tasking or a patrol plan point."""
    try:
        async with atomic():
            problem = await _editable(actor, problem_id)
            errors = await _make(actor, problem, action_id, what, plan_id)
            if errors:
                raise _Undo(errors)
            await _touch(problem_id)
    except _Undo as undo:
        return undo.errors
    return FormErrors()


async def _make(actor: Actor, problem: dict, action_id: int, what: str, plan_id) -> FormErrors:
    action = await _action(problem["id"], action_id)
    if what == "patrol_point":
        return await _patrol_point(actor, problem, action, plan_id)
    return await _tasking(actor, problem, action, "home_visit" if what == "home_visit" else None)


async def _first_place(problem_id: int) -> dict | None:
    return (
        await ProblemPlace.select()
        .where(ProblemPlace.problem == problem_id)
        .order_by(ProblemPlace.id)
        .first()
    )


async def _tasking(actor: Actor, problem: dict, action: dict, kind: str | None) -> FormErrors:
    """The action becomes a tasking, through the taskings' own use case: assigned to its owner
    when a member of staff, offered to the fit volunteers of the area when a volunteer's."""
    errors = FormErrors()
    if action["tasking_id"]:
        errors.add("make", "This action is already a tasking")
        return errors
    if action["owner_kind"] == "agency":
        errors.add("make", "A partner agency's action cannot become a tasking")
        return errors
    owner = action["owner_person"]
    if actor.role != Role.SUPERVISOR and not (
        action["owner_kind"] == "staff" and owner == actor.id
    ):
        errors.add("make", "Only a supervisor makes a tasking for someone else")
        return errors
    area = (
        await ProblemArea.select(ProblemArea.team)
        .where(ProblemArea.problem == problem["id"])
        .first()
    )
    place = await _first_place(problem["id"])
    due = action["due_on"] or today()
    starts = now()
    ends = datetime.combine(due, time(23, 59), LOCAL_TIME).astimezone(UTC)
    if ends <= starts:
        errors.add("due_on", "A tasking cannot be due in the past")
        return errors
    if kind is None:
        kind = "patrol" if problem["kind"] == ProblemKind.PLACE else "other"
    offered = action["owner_kind"] != "staff"
    values = {
        "kind": kind,
        # An offer's title is seen before acceptance: made here, it names neither the house nor
        # the reason (issue 12); the action's own words are in the details, shown on acceptance.
        "title": (
            f"Problem-solving action: {KINDS[kind].label}" if offered else action["title"][:120]
        ),
        "details": (f"{action['title']}\n\n" if offered else "")
        + f"An action of a problem-solving plan (problem {problem['id']}).",
        "place_kind": "point" if place else "area",
        "lat": place["lat"] if place else None,
        "lng": place["lng"] if place else None,
        "address": "",
        "team": area["team"] if area else None,
        "starts_at": starts,
        "ends_at": ends,
        "priority": "routine",
        "mode": "assign" if action["owner_kind"] == "staff" else "offer",
        "places_wanted": 1,
    }
    staff = [owner] if action["owner_kind"] == "staff" else []
    # A volunteer's action is offered to that volunteer only (asked, not tasked).
    tasking_id = await taskings.create(actor, values, staff, offer_to=None if staff else [owner])
    await ProblemAction.update(
        {
            ProblemAction.tasking_id: tasking_id,
            ProblemAction.tasking_kind: kind,
            ProblemAction.state: ActionState.IN_PROGRESS,
            ProblemAction.updated_at: now(),
        }
    ).where(ProblemAction.id == action["id"])
    await record(
        actor, Operation.ALTERATION, "problem-action", action["id"], detail=f"tasking {tasking_id}"
    )
    return errors


async def _patrol_point(actor: Actor, problem: dict, action: dict, plan_id) -> FormErrors:
    """The action becomes a point on a draft patrol plan, through patrol's own use case: at the
    problem's first place, for the first hour of the plan's shift."""
    errors = FormErrors()
    if actor.role != Role.SUPERVISOR:
        errors.add("make", "Only a supervisor adds points to patrol plans")
        return errors
    if action["patrol_point_id"]:
        errors.add("make", "This action is already a patrol point")
        return errors
    place = await _first_place(problem["id"])
    if place is None:
        errors.add("make", "Add a place to the problem first: the point goes there")
        return errors
    plan = await PatrolPlan.select().where(PatrolPlan.id == (plan_id or 0)).first()
    if plan is None:
        errors.add("plan", "Choose a draft patrol plan from the list")
        return errors
    start = plan["shift_start"]
    start = datetime.fromisoformat(start) if isinstance(start, str) else start
    end = plan["shift_end"]
    end = datetime.fromisoformat(end) if isinstance(end, str) else end
    until = min(start + timedelta(hours=1), end)
    point_id, found = await patrol_plans.add_point(
        actor,
        plan["id"],
        {
            "label": place["label"][:120],
            "address": "",
            "lat": place["lat"],
            "lng": place["lng"],
            "window_start": start.astimezone(LOCAL_TIME).time(),
            "window_end": until.astimezone(LOCAL_TIME).time(),
            "instruction": action["title"][:500],
            "source": PointSource.MAP,
        },
    )
    if found:
        errors.add("plan", "The patrol plan refused the point: " + " ".join(found.values()))
        return errors
    await ProblemAction.update(
        {
            ProblemAction.patrol_point_id: point_id,
            ProblemAction.state: ActionState.IN_PROGRESS,
            ProblemAction.updated_at: now(),
        }
    ).where(ProblemAction.id == action["id"])
    await record(
        actor,
        Operation.ALTERATION,
        "problem-action",
        action["id"],
        detail=f"patrol point {point_id}",
    )
    return errors


async def set_action_state(
    actor: Actor, problem_id: int, action_id: int, state: ActionState
) -> None:
    """Police roles change any action's state; a volunteer the actions given to them."""
    _may_look(actor)
    async with atomic():
        action = await _action(problem_id, action_id)
        if not actor.is_police and action["owner_person"] != actor.id:
            raise NotFound(action_id)
        problem = await _problem(problem_id)
        if problem["state"] == ProblemState.CLOSED:
            raise Refused("This problem is closed")
        await ProblemAction.update(
            {ProblemAction.state: state, ProblemAction.updated_at: now()}
        ).where(ProblemAction.id == action_id)
        await _touch(problem_id)
        await record(actor, Operation.ALTERATION, "problem-action", action_id, detail=str(state))


async def my_actions(actor: Actor) -> list[dict]:
    """The actions given to the actor, with their problem's title when they may see it."""
    _may_look(actor)
    async with snapshot():
        actions = (
            await ProblemAction.select(
                *ProblemAction.all_columns(),
                ProblemAction.problem.title.as_alias("problem_title"),
                ProblemAction.problem.kind.as_alias("problem_kind"),
            )
            .where(ProblemAction.owner_person == actor.id)
            .order_by(ProblemAction.due_on)
        )
        areas = await _areas(list({a["problem"] for a in actions}))
        teams = set(await actor.team_ids())
        for action in actions:
            action["state_label"] = ACTION_STATE_LABELS.get(action["state"], action["state"])
            seen = actor.is_police or (
                action["problem_kind"] not in POLICE_ONLY
                and any(a["id"] in teams for a in areas.get(action["problem"], []))
            )
            if not seen:
                action["problem_title"] = None
            action["problem_visible"] = seen
    return actions


# Links, people, comments ------------------------------------------------------------------------


async def add_link(actor: Actor, problem_id: int, values: dict) -> FormErrors:
    errors = FormErrors()
    async with atomic():
        await _editable(actor, problem_id)
        table = LINK_TABLES[values["kind"]]
        if not await table.exists().where(table.id == values["record_id"]):
            errors.add("record_id", "No record of that kind has that number")
            return errors
        await ProblemLink.insert(
            ProblemLink(
                problem=problem_id,
                kind=values["kind"],
                record_id=values["record_id"],
                note=values["note"],
                added_by=actor.id,
            )
        )
        await _touch(problem_id)
        await record(
            actor,
            Operation.COMBINATION,
            "problem",
            problem_id,
            detail=f"linked {values['kind']} {values['record_id']}",
        )
    return errors


async def people(actor: Actor, problem_id: int) -> dict:
    """The people linked to the problem, as references: police roles only; the look is audited."""
    _police(actor, "People linked to problems are for police roles only")
    async with snapshot():
        problem = await _problem(problem_id)
        rows = (
            await ProblemPerson.select()
            .where(ProblemPerson.problem == problem_id)
            .order_by(ProblemPerson.id)
        )
    await record(
        actor, Operation.CONSULTATION, "problem-people", problem_id, detail=f"{len(rows)} shown"
    )
    return {"problem": problem, "people": rows}


async def add_person(actor: Actor, problem_id: int, values: dict) -> int:
    _police(actor, "People linked to problems are for police roles only")
    async with atomic():
        await _editable(actor, problem_id)
        rows = await ProblemPerson.insert(
            ProblemPerson(problem=problem_id, added_by=actor.id, **values)
        )
        await _touch(problem_id)
        await record(
            actor,
            Operation.COLLECTION,
            "problem-people",
            problem_id,
            detail=f"person {rows[0]['id']}",
        )
    return rows[0]["id"]


async def comment(actor: Actor, problem_id: int, text: str, kind: str = "comment") -> None:
    _police(actor, "Comments on problems are for police roles")
    async with atomic():
        await _problem(problem_id)
        await ProblemComment.insert(
            ProblemComment(problem=problem_id, author=actor.id, kind=kind, text=text)
        )
        await _touch(problem_id)
        await record(actor, Operation.ALTERATION, "problem", problem_id, detail=f"{kind} added")


# Closing and signing off ------------------------------------------------------------------------

NO_ASSESSMENT = "Write the assessment (what changed, measured from the data) before closing"


async def close(actor: Actor, problem_id: int, result: str, note: str = "") -> ProblemState:
    """Close with a result: refused without an assessment. A supervisor's closure is signed off
    at once; anyone else's waits in review for a supervisor's sign-off. The new state."""
    async with atomic():
        problem = await _editable(actor, problem_id)
        if not (problem["assessment"] or "").strip():
            raise Refused(NO_ASSESSMENT)
        supervisor = actor.role == Role.SUPERVISOR
        state = ProblemState.CLOSED if supervisor else ProblemState.IN_REVIEW
        changes = {Problem.state: state, Problem.result: result, Problem.updated_at: now()}
        if supervisor:
            changes.update(
                {
                    Problem.closed_at: now(),
                    Problem.signed_off_by: actor.id,
                    Problem.signed_off_at: now(),
                }
            )
        await Problem.update(changes).where(Problem.id == problem_id)
        words = RESULT_LABELS.get(result, result)
        text = f"Closed: {words}." + (f" {note}" if note else "")
        await ProblemComment.insert(
            ProblemComment(
                problem=problem_id,
                author=actor.id,
                kind="sign-off" if supervisor else "closure",
                text=text
                if supervisor
                else f"Closure asked for: {words}." + (f" {note}" if note else ""),
            )
        )
        await record(
            actor, Operation.ALTERATION, "problem", problem_id, detail=f"{state}: {result}"
        )
    return state


async def sign_off(actor: Actor, problem_id: int, approve: bool, note: str = "") -> None:
    """A supervisor signs off a closure in review (closed), or sends it back (open)."""
    if actor.role != Role.SUPERVISOR:
        raise NotAllowed("Closures are signed off by supervisors")
    async with atomic():
        problem = await _problem(problem_id)
        if problem["state"] != ProblemState.IN_REVIEW:
            raise Refused("This problem is not waiting for a sign-off")
        if approve and not (problem["assessment"] or "").strip():
            raise Refused(NO_ASSESSMENT)
        if approve:
            changes = {
                Problem.state: ProblemState.CLOSED,
                Problem.closed_at: now(),
                Problem.signed_off_by: actor.id,
                Problem.signed_off_at: now(),
            }
            text = "Signed off: closed." + (f" {note}" if note else "")
        else:
            changes = {Problem.state: ProblemState.OPEN, Problem.result: ""}
            text = "Sent back: not closed." + (f" {note}" if note else "")
        await Problem.update({**changes, Problem.updated_at: now()}).where(Problem.id == problem_id)
        await ProblemComment.insert(
            ProblemComment(problem=problem_id, author=actor.id, kind="sign-off", text=text)
        )
        await record(actor, Operation.ALTERATION, "problem", problem_id, detail=text[:60])


async def review_list(actor: Actor) -> dict:
    """The supervisor's review list: closures to sign off, plans past their review date, plans
    not updated for REVIEW_DAYS days, and any closed without an assessment."""
    if actor.role != Role.SUPERVISOR:
        raise NotAllowed("The review list is for supervisors")
    stale = now() - timedelta(days=REVIEW_DAYS)
    columns = (
        Problem.id,
        Problem.title,
        Problem.state,
        Problem.next_review,
        Problem.updated_at,
        Problem.owner.display_name.as_alias("owner_name"),
    )
    async with snapshot():
        waiting = await Problem.select(*columns).where(Problem.state == ProblemState.IN_REVIEW)
        overdue = (
            await Problem.select(*columns)
            .where((Problem.state != ProblemState.CLOSED) & (Problem.next_review < today()))
            .order_by(Problem.next_review)
        )
        quiet = (
            await Problem.select(*columns)
            .where((Problem.state != ProblemState.CLOSED) & (Problem.updated_at < stale))
            .order_by(Problem.updated_at)
        )
        unassessed = await Problem.select(*columns).where(
            (Problem.state == ProblemState.CLOSED) & (Problem.assessment.is_in(["", " "]))
        )
    return {
        "sections": [
            ("Closures to sign off", waiting),
            ("Past their review date", overdue),
            (f"Not updated for {REVIEW_DAYS} days", quiet),
            ("Closed without an assessment", unassessed),
        ],
        "review_days": REVIEW_DAYS,
    }
