"""Queries about taskings that more than one page needs."""

from __future__ import annotations

from app.tables.taskings import TaskingAssignment
from app.taskings.states import State


async def my_parts(person_id: int) -> list[dict]:
    """My parts in taskings (not closed offers), with the tasking's fields, by due time."""
    return (
        await TaskingAssignment.select(
            TaskingAssignment.id,
            TaskingAssignment.state,
            TaskingAssignment.note,
            *TaskingAssignment.tasking.all_columns(exclude=["details"]),
            TaskingAssignment.tasking.team.name.as_alias("area"),
        )
        .where(
            (TaskingAssignment.person == person_id)
            & TaskingAssignment.state.not_in([State.CLOSED, State.DECLINED])
        )
        .order_by(TaskingAssignment.tasking.starts_at)
        .output(nested=True)
    )
