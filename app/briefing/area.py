"""A team area's priorities (set at ward meetings) and key contacts, kept by supervisors: the
use cases, each taking the actor first. Key contacts are personal data: every look and change
is audited."""

from __future__ import annotations

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.outcomes import NotAllowed, NotFound
from app.roles import Role
from app.tables.briefing import AreaPriority, KeyContact
from app.tables.places import TeamArea


def _check_editor(actor: Actor) -> None:
    if actor.role != Role.SUPERVISOR:
        raise NotAllowed("Only supervisors keep a team area's priorities and contacts")


async def _team(team_id: int) -> dict:
    team = await TeamArea.select(TeamArea.id, TeamArea.name).where(TeamArea.id == team_id).first()
    if team is None:
        raise NotFound(team_id)
    return team


async def notes(actor: Actor, team_id: int) -> dict:
    """The edit page's team, priorities and contacts (the look at the contacts is audited).
    Raises NotFound for a team area that does not exist."""
    _check_editor(actor)
    async with snapshot():
        team = await _team(team_id)
        priorities = await AreaPriority.select().where(AreaPriority.team_area == team_id)
        contacts = await KeyContact.select().where(KeyContact.team_area == team_id)
        await record(actor, Operation.CONSULTATION, "key-contact", team_id, detail="edit page")
    return {"team": team, "priorities": priorities, "contacts": contacts}


async def add_priority(actor: Actor, team_id: int, values: dict) -> int:
    """Add a priority (values from PriorityForm); returns its id. Raises NotFound."""
    _check_editor(actor)
    async with atomic():
        await _team(team_id)
        rows = await AreaPriority.insert(AreaPriority(team_area=team_id, set_by=actor.id, **values))
    return rows[0]["id"]


async def add_contact(actor: Actor, team_id: int, values: dict) -> int:
    """Add a key contact (values from ContactForm), audited; returns its id. Raises NotFound."""
    _check_editor(actor)
    async with atomic():
        await _team(team_id)
        rows = await KeyContact.insert(KeyContact(team_area=team_id, added_by=actor.id, **values))
        await record(actor, Operation.COLLECTION, "key-contact", rows[0]["id"])
    return rows[0]["id"]


async def remove_priority(actor: Actor, team_id: int, item_id: int) -> bool:
    """Remove one of the area's priorities; whether there was one to remove."""
    _check_editor(actor)
    async with atomic():
        gone = (
            await AreaPriority.delete()
            .where((AreaPriority.id == item_id) & (AreaPriority.team_area == team_id))
            .returning(AreaPriority.id)
        )
    return bool(gone)


async def remove_contact(actor: Actor, team_id: int, item_id: int) -> bool:
    """Remove one of the area's key contacts (an erasure, audited); whether there was one."""
    _check_editor(actor)
    async with atomic():
        gone = (
            await KeyContact.delete()
            .where((KeyContact.id == item_id) & (KeyContact.team_area == team_id))
            .returning(KeyContact.id)
        )
        if gone:
            await record(actor, Operation.ERASURE, "key-contact", item_id)
    return bool(gone)
