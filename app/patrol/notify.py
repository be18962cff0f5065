"""Publishing a patrol plan tells the people who will walk it: a patrol tasking, pushed.
Withdrawing it cancels that tasking, which tells them the same way."""

from __future__ import annotations

from app.actor import Actor
from app.patrol.times import hhmm
from app.roles import POLICE
from app.tables.patrol import PatrolPlan
from app.tables.people import Person, PersonTeam
from app.tables.places import TeamArea
from app.tables.taskings import Tasking, TaskingAssignment
from app.taskings import service


async def patrollers(plan: PatrolPlan) -> list[int]:
    """The assignee, or for a whole-team plan the team's active police staff."""
    if plan.assignee:
        return [plan.assignee]
    members = await PersonTeam.select(PersonTeam.person).where(PersonTeam.team == plan.team)
    in_team = (Person.home_team == plan.team) | Person.id.is_in(
        [m["person"] for m in members] or [0]
    )
    rows = await Person.select(Person.id).where(
        (Person.active == True)  # noqa: E712
        & Person.role.is_in([r.value for r in POLICE])
        & in_team
    )
    return [r["id"] for r in rows]


async def tell_patrollers(actor: Actor, plan: PatrolPlan) -> int | None:
    """Assign a patrol tasking for the plan's shift, made by the actor who publishes it: it
    reaches their phones through the push queue, in the caller's transaction, and they
    acknowledge it like any tasking."""
    people = await patrollers(plan)
    if not people:
        return None
    team = await TeamArea.select(TeamArea.name).where(TeamArea.id == plan.team).first()
    values = {
        "kind": "patrol",
        "title": f"Patrol plan: {plan.title or team['name']}"[:120],
        "details": (
            f"Your patrol plan for {plan.day:%A %d %B}, {hhmm(plan.shift_start)} to "
            f"{hhmm(plan.shift_end)}, is on the Plan page (/plan)."
        ),
        "place_kind": "area",
        "team": plan.team,
        "starts_at": plan.shift_start,
        "ends_at": plan.shift_end,
        "priority": "routine",
        "mode": "assign",
        "places_wanted": 1,
    }
    return await service.create(actor, values, people)


async def _plans_tasking(plan: PatrolPlan) -> int | None:
    """The patrol tasking publishing made: kept on the plan, or (a plan published before it
    was kept) the patrol tasking for the same team and shift."""
    if plan.tasking:
        return plan.tasking
    kept = await PatrolPlan.select(PatrolPlan.tasking).where(PatrolPlan.tasking.is_not_null())
    query = Tasking.select(Tasking.id).where(
        (Tasking.kind == "patrol")
        & (Tasking.team == plan.team)
        & (Tasking.starts_at == plan.shift_start)
        & (Tasking.ends_at == plan.shift_end)
        & (Tasking.cancelled == False)  # noqa: E712
        & Tasking.id.not_in([r["tasking"] for r in kept] or [0])  # another plan's
    )
    if plan.assignee:  # a plan for one person: a tasking assigned to them
        theirs = await TaskingAssignment.select(TaskingAssignment.tasking).where(
            TaskingAssignment.person == plan.assignee
        )
        query = query.where(Tasking.id.is_in([r["tasking"] for r in theirs] or [0]))
    found = await query.order_by(Tasking.id, ascending=False).first()
    return found["id"] if found else None


async def tell_withdrawn(actor: Actor, plan: PatrolPlan) -> int | None:
    """Cancel the plan's patrol tasking, in the caller's transaction: everyone still on it is
    told through the push queue, and the tasking leaves their open list. Returns its id."""
    tasking = await _plans_tasking(plan)
    if tasking is not None:
        when = f"{plan.day:%A} {hhmm(plan.shift_start)} to {hhmm(plan.shift_end)}"
        await service.cancel(actor, tasking, f"Patrol plan for {when} withdrawn")
    return tasking
