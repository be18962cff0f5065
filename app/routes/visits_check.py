"""The end of a visit: check your answers, confirm or drop referrals, see follow-ups, submit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.access import allow
from app.roles import FIELD
from app.visits import checklist, service
from app.visits.forms import DECISIONS, SubmitVisit, referral_decisions
from app.web import Acting, Form, page


def check_page(shown: dict) -> Template:
    return page("visits/check.html", **shown, choices=DECISIONS, shown=checklist.shown)


class VisitCheckController(Controller):
    path = "/visits"

    @get("/{visit_uuid:uuid}/check", opt=allow(FIELD), name="visits:check")
    async def check(self, actor: Acting, visit_uuid: FromPath[UUID]) -> Any:
        shown = await service.check_page(actor, visit_uuid)
        if shown is None:
            return Redirect(path=f"/visits/{visit_uuid}", status_code=303)
        return check_page(shown)

    @post("/{visit_uuid:uuid}/submit", opt=allow(FIELD), status_code=303, name="visits:submit")
    async def submit(self, actor: Acting, visit_uuid: FromPath[UUID], data: Form) -> Any:
        values, errors = SubmitVisit.parse(data)
        decisions = referral_decisions(data)
        errors = await service.submit(
            actor,
            visit_uuid,
            decisions,
            values["other_agency"],
            values["other_reason"],
            errors=errors,
        )
        if errors:
            shown = await service.check_page(
                actor, visit_uuid, errors, decisions, SubmitVisit.echo(data)
            )
            if shown is not None:
                return check_page(shown)
        # Stored, or sent twice (a double tap, or a resend after a lost reply): it is stored.
        return Redirect(path=f"/visits/{visit_uuid}?submitted=1", status_code=303)

    @post("/{visit_uuid:uuid}/discard", opt=allow(FIELD), status_code=303, name="visits:discard")
    async def discard(self, actor: Acting, visit_uuid: FromPath[UUID]) -> Any:
        """Erase a visit under way (started by mistake, or stopped): its visitor only."""
        await service.discard(actor, visit_uuid)
        return Redirect(path="/visits?discarded=1", status_code=303)
