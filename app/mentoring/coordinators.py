"""Admins mark which supervisors coordinate the mentors (they then read every mentor's notes)."""

from __future__ import annotations

from typing import Any

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.outcomes import NotFound
from app.roles import Role
from app.tables.mentoring import MentorCoordinator
from app.tables.people import Person


async def supervisors(actor: Actor) -> dict[str, Any]:
    """The active supervisors, and which of them coordinate the mentors."""
    async with snapshot():
        rows = (
            await Person.select(Person.id, Person.display_name, Person.username)
            .where((Person.role == Role.SUPERVISOR) & (Person.active == True))  # noqa: E712
            .order_by(Person.display_name)
        )
        marked = {r["person"] for r in await MentorCoordinator.select(MentorCoordinator.person)}
    return {"supervisors": rows, "marked": marked}


async def toggle(actor: Actor, person_id: int) -> bool:
    """Make a supervisor a coordinator, or no longer one; returns whether they now are."""
    async with atomic():
        if not await Person.exists().where(
            (Person.id == person_id) & (Person.role == Role.SUPERVISOR)
        ):
            raise NotFound(person_id)
        if await MentorCoordinator.exists().where(MentorCoordinator.person == person_id):
            await MentorCoordinator.delete().where(MentorCoordinator.person == person_id)
            now, detail = False, "no longer mentor coordinator"
        else:
            await MentorCoordinator.insert(MentorCoordinator(person=person_id))
            now, detail = True, "made mentor coordinator"
        await record(actor, Operation.ALTERATION, "person", person_id, detail=detail)
    return now


async def make_coordinator(actor: Actor, person_id: int) -> None:
    """Make a supervisor a coordinator (nothing if they are one already)."""
    if not await MentorCoordinator.exists().where(MentorCoordinator.person == person_id):
        await toggle(actor, person_id)
