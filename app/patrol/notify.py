"""Publishing a patrol plan tells the people who will walk it: a patrol tasking, pushed."""

from __future__ import annotations

from app.actor import Actor
from app.patrol.times import hhmm
from app.roles import POLICE
from app.tables.patrol import PatrolPlan
from app.tables.people import Person, PersonTeam
from app.tables.places import TeamArea
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
