"""The states of one person's part in a tasking and the only changes allowed between them.

Staff are tasked: assigned -> acknowledged -> in progress -> done (or cannot do).
Volunteers are asked: offered -> accepted (then in progress -> done, or cannot do) or declined.
Supervisors may cancel anything not finished; an offer closes when its places are filled.
"""

from __future__ import annotations

# The states are declared with the table they are stored in; they are read from here too.
from app.tables.taskings import LABELS, State  # noqa: F401 - re-exported

# Who makes a change: the person it belongs to, the supervisor, or the app itself.
ASSIGNEE, SUPERVISOR, SYSTEM = "assignee", "supervisor", "system"

_ASSIGNEE_MOVES = {
    State.OFFERED: {State.ACCEPTED, State.DECLINED},
    State.ASSIGNED: {State.ACKNOWLEDGED, State.CANNOT_DO},
    State.ACKNOWLEDGED: {State.IN_PROGRESS, State.CANNOT_DO},
    State.ACCEPTED: {State.IN_PROGRESS, State.CANNOT_DO},
    State.IN_PROGRESS: {State.DONE, State.CANNOT_DO},
}
FINAL = frozenset({State.DECLINED, State.DONE, State.CANNOT_DO, State.CANCELLED, State.CLOSED})
# Answered: the person has seen it and said something (what an urgent tasking waits for).
ANSWERED = frozenset(State) - {State.OFFERED, State.ASSIGNED}
# A note is required for these (the outcome, or why not); optional for a decline.
NOTE_REQUIRED = {State.DONE: "Enter the outcome", State.CANNOT_DO: "Enter why you cannot do it"}


class TransitionRefused(ValueError):
    """A change the state machine does not allow."""


def allowed(current: State, by: str) -> frozenset[State]:
    """The states `by` may move a part in `current` to."""
    if current in FINAL:
        return frozenset()
    if by == ASSIGNEE:
        return frozenset(_ASSIGNEE_MOVES.get(current, ()))
    if by == SUPERVISOR:
        return frozenset({State.CANCELLED})
    if by == SYSTEM and current == State.OFFERED:
        return frozenset({State.CLOSED})
    return frozenset()


def check(current: str, target: str, by: str) -> State:
    """The target state if the change is allowed, else TransitionRefused."""
    try:
        now, then = State(current), State(target)
    except ValueError as exc:
        raise TransitionRefused(f"unknown state {target!r}") from exc
    if then not in allowed(now, by):
        raise TransitionRefused(f"{now.label} cannot become {then.label}")
    return then
