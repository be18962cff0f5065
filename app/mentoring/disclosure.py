"""Mentors' contact notes as others see them: confidential, except crime or risk information.

A note is read in full by the mentor who wrote it and the mentor coordinator. Police roles see
only entries marked "crime or risk information", and each sight of one is a disclosure entry
in the audit log. For everyone else the note answers as a missing one does (NotFound).
"""

from __future__ import annotations

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.mentoring.service import is_coordinator
from app.outcomes import NotFound
from app.tables.mentoring import MentorContact

COLUMNS = (
    *MentorContact.all_columns(),
    MentorContact.client.reference.as_alias("client_reference"),
    MentorContact.mentor.display_name.as_alias("mentor_name"),
    MentorContact.agency.name.as_alias("agency_name"),
)
RISK_SHOWN = 200


async def _disclose(actor: Actor, contact_id: int) -> None:
    await record(
        actor,
        Operation.DISCLOSURE,
        "mentor-contact",
        contact_id,
        justification="crime or risk information shared by a peer mentor with police",
    )


async def contact(actor: Actor, contact_id: int) -> dict:
    """A contact's note: to its mentor and the coordinator (a consultation), to police roles if
    marked crime or risk information (a disclosure); NotFound for anyone else (as if there were
    no such note), and nothing is audited for a look refused."""
    async with snapshot():
        row = await MentorContact.select(*COLUMNS).where(MentorContact.id == contact_id).first()
        if row is None:
            raise NotFound(contact_id)
        if row["mentor"] == actor.id or await is_coordinator(actor):
            await record(actor, Operation.CONSULTATION, "mentor-contact", contact_id)
        elif actor.is_police and row["is_risk"]:
            await _disclose(actor, contact_id)
        else:
            raise NotFound(contact_id)  # confidential to the mentor: not even that it exists
    return row


async def risk_information(actor: Actor) -> list[dict]:
    """The newest contacts mentors marked crime or risk information; each one shown to police
    is a disclosure entry."""
    async with atomic():
        rows = (
            await MentorContact.select(*COLUMNS)
            .where(MentorContact.is_risk == True)  # noqa: E712
            .order_by(MentorContact.contact_date, ascending=False)
            .limit(RISK_SHOWN)
        )
        for row in rows:
            await _disclose(actor, row["id"])
    return rows
