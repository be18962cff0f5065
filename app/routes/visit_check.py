"""The end of a visit: check your answers, confirm or drop referrals, see follow-ups, submit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.database import atomic
from app.routes.visits import VISITORS, Form
from app.tables.visits import HomeVisit, VisitAnswer
from app.visits import checklist, store
from app.visits.followups import followups_created
from app.visits.views import content_of, visit_for
from app.web import FormErrors, page

DECISIONS = {
    "made": "Refer now: the household agrees",
    "suggested": "Keep it: refer later",
    "drop": "Drop it: not needed",
}


async def _other_referral(data: dict, visit: dict, errors: FormErrors) -> tuple[dict, str] | None:
    """A referral the visitor makes that no answer suggested: an agency from the directory."""
    chosen = str(data.get("other_agency", "")).strip()
    reason = str(data.get("other_reason", "")).strip()
    if not chosen:
        if reason:
            errors.add("other_agency", "Choose the agency, or clear the reason")
        return None
    serving = {str(a["id"]): a for a in await store.agencies_serving(visit["team"])}
    if chosen not in serving:
        errors.add("other_agency", "Choose an agency from the list")
    if not reason:
        errors.add("other_reason", "Say why you are referring the household")
    elif len(reason) > 200:
        errors.add("other_reason", "Enter a reason of 200 characters or fewer")
    return (serving[chosen], reason) if chosen in serving and reason else None


class VisitCheckController(Controller):
    path = "/visits"

    @get("/{visit_uuid:uuid}/check", opt=allow(VISITORS))
    async def check(self, request: Request, visit_uuid: UUID) -> Any:
        visit = await visit_for(request, visit_uuid)
        if visit["state"] != "in progress" or visit["visitor"] != request.user.id:
            return Redirect(path=f"/visits/{visit_uuid}", status_code=303)
        await record(
            request, Operation.CONSULTATION, "home_visit", visit["id"], detail="check answers"
        )
        return await self._page(visit, FormErrors(), {}, {})

    @post("/{visit_uuid:uuid}/submit", opt=allow(VISITORS), status_code=303)
    async def submit(self, request: Request, visit_uuid: UUID, data: Form) -> Any:
        visit = await visit_for(request, visit_uuid)
        if visit["state"] != "in progress" or visit["visitor"] != request.user.id:
            # Sent twice (a double tap, or a resend after a lost reply): it is already stored.
            return Redirect(path=f"/visits/{visit_uuid}?submitted=1", status_code=303)
        _, content = await content_of(visit)
        answers = await store.answers_of(visit["id"])
        errors = FormErrors()
        for _number, q in checklist.missing_required(content, answers):
            errors.add(f"q_{q['key']}", f"Answer: {q['text']}")
        decisions = {}
        for suggestion in checklist.referrals_for(content, answers):
            name = f"referral_{suggestion.agency_kind.replace(' ', '-')}"
            choice = str(data.get(name, ""))
            if choice not in DECISIONS:
                errors.add(name, f"Choose what to do about the {suggestion.agency_kind} referral")
            decisions[suggestion.agency_kind] = choice
        other = await _other_referral(data, visit, errors)
        if errors:
            return await self._page(visit, errors, decisions, data)
        # One transaction: the submission, its follow-ups' taskings (with their push outbox
        # rows) and the audit entry are stored together or not at all.
        async with atomic():
            if not await store.submit(visit, content, decisions, request.user.id, other):
                return Redirect(path=f"/visits/{visit_uuid}?submitted=1", status_code=303)
            await followups_created(request, visit["id"])
            await record(
                request,
                Operation.ALTERATION,
                "home_visit",
                visit["id"],
                detail="submitted; referrals "
                + (", ".join(f"{k} {v}" for k, v in decisions.items()) or "none")
                + (f"; own referral to {other[0]['kind']}" if other else ""),
            )
        return Redirect(path=f"/visits/{visit_uuid}?submitted=1", status_code=303)

    @post("/{visit_uuid:uuid}/discard", opt=allow(VISITORS), status_code=303)
    async def discard(self, request: Request, visit_uuid: UUID) -> Any:
        """Erase a visit under way (started by mistake, or stopped): its visitor only."""
        visit = await visit_for(request, visit_uuid, editing=True)
        async with HomeVisit._meta.db.transaction():
            await VisitAnswer.delete().where(VisitAnswer.visit == visit["id"])
            await HomeVisit.delete().where(HomeVisit.id == visit["id"])
        await record(
            request, Operation.ERASURE, "home_visit", visit["id"], detail="visit discarded"
        )
        return Redirect(path="/visits?discarded=1", status_code=303)

    @staticmethod
    async def _page(visit: dict, errors: FormErrors, decisions: dict, values: dict) -> Template:
        row, content = await content_of(visit)
        answers = await store.answers_of(visit["id"])
        today = store.now().date()
        missing = {q["key"]: n for n, q in checklist.missing_required(content, answers)}
        referrals = checklist.referrals_for(content, answers)
        agencies = {
            s.agency_kind: await store.agency_for(s.agency_kind, visit["team"]) for s in referrals
        }
        return page(
            "visits/check.html",
            status_code=400 if errors else 200,
            visit=visit,
            version=row,
            content=content,
            answers=answers,
            missing=missing,
            errors=errors,
            referrals=referrals,
            agencies=agencies,
            decisions=decisions,
            choices=DECISIONS,
            values=values,
            others=[
                (a["id"], f"{a['name']} ({a['kind']})")
                for a in await store.agencies_serving(visit["team"])
            ],
            followups=checklist.followups_for(content, answers, today),
            shown=checklist.shown,
        )
