"""Peer mentoring's use cases: a mentor's clients, contacts (via the phone outbox), goals and
exit plans, and who may read a client's notes. Each takes the actor first."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, date, datetime
from typing import Any

from app import phone_outbox
from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.outcomes import NotAllowed, NotFound
from app.retention import replay as retention_replay
from app.roles import Role
from app.tables.agencies import PartnerAgency
from app.tables.mentoring import MentorClient, MentorContact, MentorCoordinator, MentorGoal


async def is_coordinator(actor: Actor) -> bool:
    """The mentor coordinator: a supervisor marked as such (MentorCoordinator)."""
    return actor.role == Role.SUPERVISOR and await MentorCoordinator.exists().where(
        MentorCoordinator.person == actor.id
    )


async def client_for(actor: Actor, client_id: int, *, as_mentor: bool = False) -> dict:
    """A client the actor may read in full (their mentor, or the coordinator), else NotFound
    (another mentor's client answers as a missing one, so ids reveal nothing); `as_mentor`:
    only their mentor (who records what happens with them), else NotAllowed: the coordinator
    reads the client but does not record contacts with them."""
    client = (
        await MentorClient.select(
            *MentorClient.all_columns(), MentorClient.mentor.display_name.as_alias("mentor_name")
        )
        .where(MentorClient.id == client_id)
        .first()
    )
    if client is None or (client["mentor"] != actor.id and not await is_coordinator(actor)):
        raise NotFound(client_id)
    if as_mentor and client["mentor"] != actor.id:
        raise NotAllowed("Only the client's mentor records contacts")
    return client


async def clients(actor: Actor) -> dict[str, Any]:
    """The mentoring page: the coordinator sees every client, a mentor their own, other
    supervisors none. The list, once shown, is audited."""
    coordinator = await is_coordinator(actor)
    mentor = actor.role == Role.MENTOR
    rows: list[dict] = []
    if coordinator or mentor:
        async with snapshot():
            query = MentorClient.select(
                *MentorClient.all_columns(),
                MentorClient.mentor.display_name.as_alias("mentor_name"),
            ).order_by(MentorClient.reference)
            if not coordinator:
                query = query.where(MentorClient.mentor == actor.id)
            rows = await query
            await record(
                actor, Operation.CONSULTATION, "mentor-client", "list", detail=f"{len(rows)}"
            )
    return {
        "clients": rows,
        "coordinator": coordinator,
        "is_mentor": mentor,
        "lists_clients": coordinator or mentor,
    }


async def add_client(actor: Actor, values: dict) -> tuple[int | None, FormErrors]:
    """A mentor adds a client of theirs (values from ClientForm); the id, or the errors."""
    errors = FormErrors()
    async with atomic():
        if await MentorClient.exists().where(MentorClient.reference == values["reference"]):
            errors.add("reference", "That reference is used already: choose another")
            return None, errors
        client = MentorClient(
            reference=values["reference"],
            first_name=values["first_name"],
            consent_recorded=True,
            start_date=values["start_date"],
            status=str(values["status"]),
            mentor=actor.id,
        )
        await client.save()
        await record(actor, Operation.COLLECTION, "mentor-client", client.id)
    return client.id, errors


async def client_page(actor: Actor, client_id: int) -> dict[str, Any]:
    """A client's page: the client, their contacts and goals, the agencies to link. Audited."""
    async with snapshot():
        client = await client_for(actor, client_id)
        contacts = (
            await MentorContact.select(
                *MentorContact.all_columns(),
                MentorContact.agency.name.as_alias("agency_name"),
                MentorContact.mentor.display_name.as_alias("mentor_name"),
            )
            .where(MentorContact.client == client_id)
            .order_by(MentorContact.contact_date, ascending=False)
        )
        goals = await MentorGoal.select().where(MentorGoal.client == client_id)
        agencies = await PartnerAgency.select(PartnerAgency.id, PartnerAgency.name).order_by(
            PartnerAgency.name
        )
        await record(actor, Operation.CONSULTATION, "mentor-client", client_id)
    return {
        "client": client,
        "contacts": contacts,
        "goals": goals,
        "agencies": [(a["id"], a["name"]) for a in agencies],
        "is_mentor": client["mentor"] == actor.id,
        "new_uuid": str(uuid_module.uuid4()),
        "today": date.today().isoformat(),
    }


async def add_contact(
    actor: Actor, client_id: int, values: dict
) -> tuple[int | None, bool, FormErrors]:
    """The client's mentor records a contact (values from ContactForm), stored once by its
    UUID; returns (id, created, errors)."""
    errors = FormErrors()
    async with atomic():
        if (erased := await retention_replay.erased(values["uuid"])) is not None:
            return erased, False, errors  # erased by retention: a late replay stores nothing
        await client_for(actor, client_id, as_mentor=True)
        if values["agency"] is not None and not await PartnerAgency.exists().where(
            PartnerAgency.id == values["agency"]
        ):
            errors.add("agency", "Choose an agency from the directory")
            return None, False, errors
        row = {
            "kind": str(values["kind"]),
            "contact_date": values["contact_date"],
            "duration_minutes": values["duration_minutes"],
            "note": values["note"],
            "is_risk": values["is_risk"],
            "agency": values["agency"],
            "client": client_id,
            "mentor": actor.id,
        }
        contact_id, created = await phone_outbox.store_once(
            MentorContact, values["uuid"], row, "mentor"
        )
        if created:
            detail = "crime or risk information" if row["is_risk"] else "confidential"
            await record(actor, Operation.COLLECTION, "mentor-contact", contact_id, detail=detail)
    return contact_id, created, errors


async def change_client(actor: Actor, client_id: int, values: dict) -> None:
    """Change a client's status and exit plan (values from ClientPlanForm)."""
    async with atomic():
        client = await client_for(actor, client_id)
        changes = {
            MentorClient.status: str(values["status"]),
            MentorClient.exit_plan: values["exit_plan"],
        }
        await MentorClient.update(changes).where(MentorClient.id == client["id"])
        await record(actor, Operation.ALTERATION, "mentor-client", client_id, detail="status, plan")


async def add_goal(actor: Actor, client_id: int, values: dict) -> int:
    """Set a goal with a client (values from GoalForm); returns its id."""
    async with atomic():
        await client_for(actor, client_id)
        goal = MentorGoal(client=client_id, title=values["title"])
        await goal.save()
        await record(actor, Operation.COLLECTION, "mentor-goal", goal.id)
    return goal.id


async def set_goal_progress(actor: Actor, goal_id: int, progress: str | None) -> int:
    """Record how far a client has got with a goal (no progress given: nothing changes);
    returns the client's id."""
    async with atomic():
        goal = await MentorGoal.select(MentorGoal.client).where(MentorGoal.id == goal_id).first()
        client = await client_for(actor, goal["client"] if goal else 0)
        if progress is not None:
            await MentorGoal.update(
                {MentorGoal.progress: str(progress), MentorGoal.updated_at: datetime.now(UTC)}
            ).where(MentorGoal.id == goal_id)
            await record(actor, Operation.ALTERATION, "mentor-goal", goal_id, detail=progress)
    return client["id"]
