"""Key individuals (community contacts) per team area, kept by police roles and seen by them
only: every use case here refuses anyone else (the routes do too)."""

from __future__ import annotations

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.outcomes import NotAllowed, NotFound
from app.tables.engagement import KeyIndividual
from app.tables.places import TeamArea


def _police_only(actor: Actor) -> None:
    if not actor.is_police:
        raise NotAllowed("Key individuals are for police roles only")


async def listing(actor: Actor, team_id: int | None) -> tuple[int | None, list[dict]]:
    """The active key individuals of a team area (by default the actor's home team), by name;
    returns the team shown and them. The look is audited."""
    _police_only(actor)
    team_id = team_id or actor.home_team_id
    if not team_id:
        return None, []
    async with snapshot():
        people = (
            await KeyIndividual.select()
            .where((KeyIndividual.team == team_id) & (KeyIndividual.active == True))  # noqa: E712
            .order_by(KeyIndividual.name)
        )
        await record(
            actor,
            Operation.CONSULTATION,
            "key-individual",
            f"team {team_id}",
            detail=f"{len(people)} shown",
        )
    return team_id, people


async def add(actor: Actor, values: dict) -> tuple[int | None, FormErrors]:
    """Add a key individual (values from KeyIndividualForm); returns the id, or the errors."""
    _police_only(actor)
    errors = FormErrors()
    async with atomic():
        if not await TeamArea.exists().where(TeamArea.id == values["team"]):
            errors.add("team", "Choose a team area from the list")
            return None, errors
        person = KeyIndividual(**values, added_by=actor.id)
        await person.save()
        await record(actor, Operation.COLLECTION, "key-individual", person.id)
    return person.id, errors


async def remove(actor: Actor, person_id: int) -> int:
    """No longer offer a key individual (kept, marked inactive); returns their team's id."""
    _police_only(actor)
    async with atomic():
        row = (
            await KeyIndividual.select(KeyIndividual.team)
            .where(KeyIndividual.id == person_id)
            .first()
        )
        if row is None:
            raise NotFound(person_id)
        await KeyIndividual.update({KeyIndividual.active: False}).where(
            KeyIndividual.id == person_id
        )
        await record(actor, Operation.ALTERATION, "key-individual", person_id, detail="removed")
    return row["team"]
