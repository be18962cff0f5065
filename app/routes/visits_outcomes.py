"""What visits lead to: the follow-up list (due and overdue) and referrals through their states."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.access import allow
from app.roles import FIELD
from app.visits import outcomes
from app.visits.consent import NeedsConsent, ReferralConsent
from app.visits.forms import MoveReferral
from app.web import Acting, Form, bad_form, page


class VisitOutcomesController(Controller):
    path = "/visits"

    @get("/follow-ups", opt=allow(FIELD), name="visits:followups")
    async def followups(self, actor: Acting, done: FromQuery[bool] = False) -> Template:
        return page("visits/followups.html", **await outcomes.followups(actor, done))

    @post(
        "/follow-ups/{followup_id:int}/done",
        opt=allow(FIELD),
        status_code=303,
        name="visits:followup_done",
    )
    async def followup_done(self, actor: Acting, followup_id: FromPath[int]) -> Any:
        await outcomes.followup_done(actor, followup_id)
        return Redirect(path="/visits/follow-ups", status_code=303)

    @get("/referrals", opt=allow(FIELD), name="visits:referrals")
    async def referrals(self, actor: Acting, show: FromQuery[str] = "") -> Template:
        return page("visits/referrals.html", **await outcomes.referrals(actor, show))

    @post(
        "/referrals/{referral_id:int}",
        opt=allow(FIELD),
        status_code=303,
        name="visits:move_referral",
    )
    async def move_referral(self, actor: Acting, referral_id: FromPath[int], data: Form) -> Any:
        """Move a referral on: its owner or a supervisor; taking it over makes you the owner.
        Its consent to share is recorded with the move; without consent (given, or not needed
        with the lawful reason) it is not marked made: the page again, the message beside
        the field."""
        values, errors = MoveReferral.parse(data)
        if errors:
            raise bad_form(errors)
        try:
            await outcomes.move_referral(actor, referral_id, values["state"], data)
        except NeedsConsent as refused:
            shown = await outcomes.referrals(actor, "")
            return page(
                "visits/referrals.html",
                status_code=400,
                errors=refused.errors,
                error_for=refused.referral_id,
                typed=ReferralConsent.echo(data),
                **shown,
            )
        return Redirect(path="/visits/referrals", status_code=303)
