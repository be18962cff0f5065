"""What visits lead to: the follow-up list (due and overdue) and referrals through their states."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.roles import Role
from app.routes.visits import VISITORS, Form
from app.tables.visits import FollowUp, Referral
from app.taskings.followups import tasking_states
from app.visits import store
from app.web import page

# Each state a referral can move to, and the date column it stamps.
NEXT_STATES = {"made": "made_at", "accepted": "accepted_at", "closed": "closed_at"}
STATE_LABELS = {
    "suggested": "Suggested",
    "made": "Made",
    "accepted": "Accepted by the agency",
    "closed": "Closed",
}


def _scope(query, table, user):
    """Volunteers see what came of their own visits; police see their team area's and their own."""
    if user.role == Role.VOLUNTEER:
        return query.where(table.visit.visitor == user.id)
    if user.role == Role.SUPERVISOR:
        return query
    return query.where((table.visit.team == user.home_team_id) | (table.visit.visitor == user.id))


class VisitOutcomesController(Controller):
    path = "/visits"

    @get("/follow-ups", opt=allow(VISITORS))
    async def followups(self, request: Request, done: bool = False) -> Template:
        query = FollowUp.select(
            FollowUp.all_columns(),
            FollowUp.visit.uuid.as_alias("visit_uuid"),
            FollowUp.visit.address.as_alias("address"),
            FollowUp.visit.household_ref.as_alias("household_ref"),
            FollowUp.owner.display_name.as_alias("owner_name"),
        ).where(FollowUp.done.eq(done))
        rows = await _scope(query, FollowUp, request.user).order_by(FollowUp.due_on)
        today = store.now().date()
        taskings = await tasking_states([r["tasking_id"] for r in rows], request.user)
        for r in rows:
            r["overdue"] = not r["done"] and r["due_on"] < today
            r["tasking"] = taskings.get(r["tasking_id"])
        await record(
            request, Operation.CONSULTATION, "follow_up", "list", detail=f"{len(rows)} shown"
        )
        return page("visits/followups.html", rows=rows, done=done, today=today)

    @post("/follow-ups/{followup_id:int}/done", opt=allow(VISITORS), status_code=303)
    async def followup_done(self, request: Request, followup_id: int) -> Any:
        query = FollowUp.select(FollowUp.id).where(FollowUp.id == followup_id)
        if not await _scope(query, FollowUp, request.user).first():
            raise NotFoundException("No such follow-up")
        await FollowUp.update({FollowUp.done: True, FollowUp.done_at: store.now()}).where(
            FollowUp.id == followup_id
        )
        await record(request, Operation.ALTERATION, "follow_up", followup_id, detail="done")
        return Redirect(path="/visits/follow-ups", status_code=303)

    @get("/referrals", opt=allow(VISITORS))
    async def referrals(self, request: Request, show: str = "") -> Template:
        query = Referral.select(
            Referral.all_columns(),
            Referral.visit.uuid.as_alias("visit_uuid"),
            Referral.visit.address.as_alias("address"),
            Referral.visit.household_ref.as_alias("household_ref"),
            Referral.agency.name.as_alias("agency_name"),
            Referral.owner.display_name.as_alias("owner_name"),
        ).where(Referral.visit.state == "submitted")
        if show in STATE_LABELS:
            query = query.where(Referral.state == show)
        rows = await _scope(query, Referral, request.user).order_by(
            Referral.suggested_at, ascending=False
        )
        await record(
            request, Operation.CONSULTATION, "referral", "list", detail=f"{len(rows)} shown"
        )
        return page("visits/referrals.html", rows=rows, state=show, labels=STATE_LABELS)

    @post("/referrals/{referral_id:int}", opt=allow(VISITORS), status_code=303)
    async def move_referral(self, request: Request, referral_id: int, data: Form) -> Any:
        """Move a referral on: its owner or a supervisor; taking it over makes you the owner."""
        row = await _scope(
            Referral.select(Referral.id, Referral.owner, Referral.state).where(
                Referral.id == referral_id
            ),
            Referral,
            request.user,
        ).first()
        if row is None:
            raise NotFoundException("No such referral")
        user = request.user
        target = str(data.get("state", ""))
        values: dict = {}
        if target == "own" and user.role != Role.VOLUNTEER:
            values[Referral.owner] = user.id
        elif target in NEXT_STATES and (row["owner"] == user.id or user.role == Role.SUPERVISOR):
            values = {Referral.state: target, getattr(Referral, NEXT_STATES[target]): store.now()}
        if values:
            await Referral.update(values).where(Referral.id == referral_id)
            await record(
                request, Operation.ALTERATION, "referral", referral_id, detail=f"to {target}"
            )
        return Redirect(path="/visits/referrals", status_code=303)
