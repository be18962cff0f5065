"""Volunteer profiles: vetting and training, kept by supervisors; they decide what is offered."""

from __future__ import annotations

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.outcomes import NotFound
from app.roles import Role
from app.tables.people import Person
from app.tables.taskings import VolunteerProfile
from app.taskings.kinds import KINDS, why_not


async def volunteers(actor: Actor) -> list[dict]:
    """Every volunteer with their profile and the kinds of tasking they may be offered."""
    async with snapshot():
        people = (
            await Person.select(
                Person.id,
                Person.display_name,
                Person.collar_number,
                Person.home_team.name.as_alias("team"),
            )
            .where(Person.role == Role.VOLUNTEER)
            .order_by(Person.display_name)
        )
        profiles = {p["person"]: p for p in await VolunteerProfile.select()}
        await record(actor, Operation.CONSULTATION, "volunteer-profile", "list")
    for person in people:
        profile = profiles.get(person["id"])
        person["profile"] = profile
        person["may"] = [k.label for key, k in KINDS.items() if not why_not(key, profile)]
    return people


async def volunteer(actor: Actor, person_id: int) -> dict:
    """A volunteer (id, name, collar number); raises NotFound for anyone else."""
    person = (
        await Person.select(Person.id, Person.display_name, Person.collar_number)
        .where((Person.id == person_id) & (Person.role == Role.VOLUNTEER))
        .first()
    )
    if person is None:
        raise NotFound(person_id)
    return person


async def profile(actor: Actor, person_id: int) -> tuple[dict, dict | None]:
    """A volunteer and their profile (None if they have none yet), looked at; raises NotFound."""
    async with snapshot():
        person = await volunteer(actor, person_id)
        found = await VolunteerProfile.select().where(VolunteerProfile.person == person_id).first()
        await record(actor, Operation.CONSULTATION, "volunteer-profile", person_id)
    return person, found


async def save_profile(actor: Actor, person_id: int, values: dict) -> None:
    """Keep a volunteer's profile (values from VolunteerProfileForm); raises NotFound."""
    async with atomic():
        await volunteer(actor, person_id)
        values = {**values, "updated_by": actor.id}
        existing = await VolunteerProfile.exists().where(VolunteerProfile.person == person_id)
        if existing:
            await VolunteerProfile.update(values).where(VolunteerProfile.person == person_id)
        else:
            await VolunteerProfile.insert(VolunteerProfile(person=person_id, **values))
        await record(
            actor,
            Operation.ALTERATION if existing else Operation.COLLECTION,
            "volunteer-profile",
            person_id,
            detail=f"vetting {values['vetting']}",
        )
