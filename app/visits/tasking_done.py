"""A visit, or a follow-up, that finishes the home-visit tasking it was made for: the visitor's
part moves to done through the taskings state machine (app.taskings.states) by the taskings
use case (app.taskings.service.answer), one allowed step at a time, in the caller's
transaction. Nothing here writes a tasking's rows itself."""

from __future__ import annotations

from app.actor import Actor
from app.tables.taskings import TaskingAssignment
from app.tables.visits import FollowUp
from app.taskings import service as taskings
from app.taskings import states
from app.taskings.states import State
from app.taskings.volunteers import why_not_accept

# Parts a person may carry through to done themselves (an offer needs accepting first).
WALKABLE = (State.OFFERED, State.ASSIGNED, State.ACKNOWLEDGED, State.ACCEPTED, State.IN_PROGRESS)


def steps_to_done(current: str) -> list[State]:
    """The shortest way from `current` to done that the state machine lets the assignee take
    (cannot do and decline are never on it); [] when there is none (a final state)."""
    start = State(current)
    paths: dict[State, list[State]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for state in frontier:
            for target in sorted(states.allowed(state, states.ASSIGNEE)):
                if target in (State.CANNOT_DO, State.DECLINED) or target in paths:
                    continue
                paths[target] = [*paths[state], target]
                if target == State.DONE:
                    return paths[target]
                following.append(target)
        frontier = following
    return []


async def finish_part(actor: Actor, tasking_id: int | None, outcome: str) -> bool:
    """Move the actor's own part in the tasking to done, `outcome` as its note. False when
    they hold no part they can finish (none, already finished, cancelled, or an offer their
    volunteer profile no longer lets them accept): the tasking is left as it is."""
    if tasking_id is None:
        return False
    part = (
        await TaskingAssignment.select(TaskingAssignment.id, TaskingAssignment.state)
        .where(
            (TaskingAssignment.tasking == tasking_id)
            & (TaskingAssignment.person == actor.id)
            & TaskingAssignment.state.is_in(list(WALKABLE))
            & (TaskingAssignment.tasking.cancelled == False)  # noqa: E712
        )
        .first()
    )
    if part is None:
        return False
    steps = steps_to_done(part["state"])
    if State.ACCEPTED in steps and await why_not_accept(actor, "home_visit"):
        return False
    if State.ACCEPTED in steps and not await _place_free(tasking_id):
        return False
    for target in steps:
        await taskings.answer(actor, part["id"], target, outcome if target == State.DONE else "")
    return bool(steps)


async def _place_free(tasking_id: int) -> bool:
    """An offer can still be accepted: not every place is taken."""
    row = (
        await TaskingAssignment.select(TaskingAssignment.tasking.places_wanted.as_alias("wanted"))
        .where(TaskingAssignment.tasking == tasking_id)
        .first()
    )
    taken = await TaskingAssignment.count().where(
        (TaskingAssignment.tasking == tasking_id)
        & TaskingAssignment.state.is_in(list(taskings.TAKEN))
    )
    return row is not None and taken < row["wanted"]


async def finish_followup_tasking(actor: Actor, followup: dict) -> bool:
    """A follow-up marked done: once every follow-up its tasking was made for is done, the
    actor's part in that tasking is finished (the reasons as the outcome)."""
    tasking_id = followup.get("tasking_id")
    if tasking_id is None:
        return False
    still_open = await FollowUp.exists().where(
        (FollowUp.tasking_id == tasking_id) & FollowUp.done.eq(False)
    )
    if still_open:
        return False
    reasons = await FollowUp.select(FollowUp.reason).where(FollowUp.tasking_id == tasking_id)
    outcome = "Follow-up marked done: " + "; ".join(r["reason"] for r in reasons)
    return await finish_part(actor, tasking_id, outcome[:500])
