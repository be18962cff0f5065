"""Mentors' contact notes as others see them: confidential, except crime or risk information
(the rules are in app/mentoring/disclosure.py)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from app.access import allow
from app.mentoring import disclosure
from app.mentoring.forms import CONTACT_KINDS
from app.roles import POLICE, Role
from app.web import Acting, page


class MentoringDisclosureController(Controller):
    path = "/mentoring"

    @get("/contacts/{contact_id:int}", opt=allow(Role.MENTOR, POLICE), name="mentoring:contact")
    async def contact(self, actor: Acting, contact_id: FromPath[int]) -> Template:
        row = await disclosure.contact(actor, contact_id)
        return page("mentoring/contact.html", contact=row, kinds=CONTACT_KINDS)

    @get("/risk", opt=allow(POLICE) | {"named_people": True}, name="mentoring:risk")
    async def risk(self, actor: Acting) -> Template:
        rows = await disclosure.risk_information(actor)
        return page("mentoring/risk.html", contacts=rows, kinds=CONTACT_KINDS)
