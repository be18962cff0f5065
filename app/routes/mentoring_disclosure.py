"""Mentors' contact notes as others see them: confidential, except crime or risk information.

A note is read in full by the mentor who wrote it and the mentor coordinator. Police roles see
only entries marked "crime or risk information", and each sight of one is a disclosure entry
in the audit log. Everyone else is refused.
"""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template

from app.access import allow
from app.audit import Operation, record
from app.mentoring import CONTACT_KINDS, is_coordinator
from app.roles import POLICE, Role
from app.tables.mentoring import MentorContact
from app.web import page

READERS = frozenset({Role.MENTOR, *POLICE})
COLUMNS = (
    *MentorContact.all_columns(),
    MentorContact.client.reference.as_alias("client_reference"),
    MentorContact.mentor.display_name.as_alias("mentor_name"),
    MentorContact.agency.name.as_alias("agency_name"),
)


async def disclose(request: Request, contact_id: int) -> None:
    await record(
        request,
        Operation.DISCLOSURE,
        "mentor-contact",
        contact_id,
        justification="crime or risk information shared by a peer mentor with police",
    )


class MentorDisclosureController(Controller):
    path = "/mentoring"

    @get("/contacts/{contact_id:int}", opt=allow(READERS))
    async def contact(self, request: Request, contact_id: int) -> Template:
        contact = await MentorContact.select(*COLUMNS).where(MentorContact.id == contact_id).first()
        if contact is None:
            raise NotFoundException()
        viewer = request.user
        if contact["mentor"] == viewer.id or await is_coordinator(viewer):
            await record(request, Operation.CONSULTATION, "mentor-contact", contact_id)
        elif viewer.role in POLICE and contact["is_risk"]:
            await disclose(request, contact_id)
        else:
            raise PermissionDeniedException("This note is confidential to the mentor")
        return page("mentoring/contact.html", contact=contact, kinds=CONTACT_KINDS)

    @get("/risk", opt=allow(POLICE) | {"named_people": True})
    async def risk(self, request: Request) -> Template:
        contacts = (
            await MentorContact.select(*COLUMNS)
            .where(
                MentorContact.is_risk == True  # noqa: E712
            )
            .order_by(MentorContact.contact_date, ascending=False)
            .limit(200)
        )
        for contact in contacts:  # one disclosure entry per note shown
            await disclose(request, contact["id"])
        return page("mentoring/risk.html", contacts=contacts, kinds=CONTACT_KINDS)
