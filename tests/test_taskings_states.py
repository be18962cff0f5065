"""The tasking state machine: only the allowed changes, none skipped."""

from __future__ import annotations

import pytest

from app.taskings.states import ASSIGNEE, FINAL, SUPERVISOR, SYSTEM, State, TransitionRefused, check

STAFF_PATH = [State.ASSIGNED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.DONE]
VOLUNTEER_PATH = [State.OFFERED, State.ACCEPTED, State.IN_PROGRESS, State.DONE]


@pytest.mark.parametrize("path", [STAFF_PATH, VOLUNTEER_PATH], ids=["tasked", "asked"])
def test_each_step_is_allowed_and_no_step_can_be_skipped(path):
    for here, step in zip(path, path[1:], strict=False):
        assert check(here, step, ASSIGNEE) == step
    for i, here in enumerate(path):
        for later in path[i + 2 :]:
            with pytest.raises(TransitionRefused):
                check(here, later, ASSIGNEE)
    for i, here in enumerate(path[1:], start=1):  # never backwards
        for earlier in path[:i]:
            with pytest.raises(TransitionRefused):
                check(here, earlier, ASSIGNEE)


def test_finished_states_never_change():
    for state in FINAL:
        for target in State:
            for by in (ASSIGNEE, SUPERVISOR, SYSTEM):
                with pytest.raises(TransitionRefused):
                    check(state, target, by)


def test_only_the_supervisor_cancels_and_only_the_app_closes_an_offer():
    with pytest.raises(TransitionRefused):
        check(State.ASSIGNED, State.CANCELLED, ASSIGNEE)
    assert check(State.IN_PROGRESS, State.CANCELLED, SUPERVISOR) == State.CANCELLED
    with pytest.raises(TransitionRefused):
        check(State.OFFERED, State.ACCEPTED, SUPERVISOR)  # volunteers are asked, not tasked
    assert check(State.OFFERED, State.CLOSED, SYSTEM) == State.CLOSED
    with pytest.raises(TransitionRefused):
        check(State.ACCEPTED, State.CLOSED, SYSTEM)


def test_a_staff_tasking_cannot_be_declined_and_an_offer_cannot_be_acknowledged():
    with pytest.raises(TransitionRefused):
        check(State.ASSIGNED, State.DECLINED, ASSIGNEE)
    with pytest.raises(TransitionRefused):
        check(State.OFFERED, State.ACKNOWLEDGED, ASSIGNEE)
    with pytest.raises(TransitionRefused):
        check(State.OFFERED, "bogus", ASSIGNEE)
