"""What visits lead to: the follow-up list (due and overdue) and referrals through their states.
Each use case takes the actor first; volunteers see what came of their own visits, police
their team area's and their own, supervisors all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.outcomes import NotFound
from app.roles import Role
from app.tables.visits import FollowUp, Referral, ReferralState, ShareConsent, VisitState
from app.taskings.followups import tasking_states
from app.visits import store
from app.visits.consent import LABELS as CONSENT_LABELS
from app.visits.consent import SHORT_LABELS as CONSENT_SHORT
from app.visits.consent import NeedsConsent, ReferralConsent, sharing_problem
from app.visits.tasking_done import finish_followup_tasking

# Each state a referral can move to, and the date column it stamps.
NEXT_STATES = {
    ReferralState.MADE: "made_at",
    ReferralState.ACCEPTED: "accepted_at",
    ReferralState.CLOSED: "closed_at",
}
STATE_LABELS = {
    ReferralState.SUGGESTED: "Suggested",
    ReferralState.MADE: "Made",
    ReferralState.ACCEPTED: "Accepted by the agency",
    ReferralState.CLOSED: "Closed",
}
TAKE_OVER = "own"  # the move that makes the actor a referral's owner
RECORD_CONSENT = "consent"  # the button that records the consent to share and moves nothing


def _scope(query, table, actor: Actor):
    """Volunteers see what came of their own visits; police see their team area's and their own."""
    if actor.role == Role.VOLUNTEER:
        return query.where(table.visit.visitor == actor.id)
    if actor.role == Role.SUPERVISOR:
        return query
    return query.where((table.visit.team == actor.home_team_id) | (table.visit.visitor == actor.id))


def may_move(referral: dict, actor: Actor) -> bool:
    """Its owner or a supervisor moves a referral on."""
    return referral["owner"] == actor.id or actor.role == Role.SUPERVISOR


def may_take_over(referral: dict, actor: Actor) -> bool:
    """Staff may take over a referral someone else owns (volunteers may not)."""
    return referral["owner"] != actor.id and actor.role != Role.VOLUNTEER


async def followups(actor: Actor, done: bool = False) -> dict:
    """The follow-ups still to do (or done), overdue marked, each with its tasking's state."""
    query = FollowUp.select(
        FollowUp.all_columns(),
        FollowUp.visit.uuid.as_alias("visit_uuid"),
        FollowUp.visit.address.as_alias("address"),
        FollowUp.visit.household_ref.as_alias("household_ref"),
        FollowUp.owner.display_name.as_alias("owner_name"),
    ).where(FollowUp.done.eq(done))
    today = store.now().date()
    async with snapshot():
        rows = await _scope(query, FollowUp, actor).order_by(FollowUp.due_on)
        taskings = await tasking_states([r["tasking_id"] for r in rows], actor)
        await record(
            actor, Operation.CONSULTATION, "follow_up", "list", detail=f"{len(rows)} shown"
        )
    for r in rows:
        r["overdue"] = not r["done"] and r["due_on"] < today
        r["tasking"] = taskings.get(r["tasking_id"])
    return {"rows": rows, "done": done, "today": today}


async def followup_done(actor: Actor, followup_id: int) -> None:
    """Mark a follow-up done (NotFound if the actor may not see it); once all its tasking's
    follow-ups are done, the actor's part in that tasking is done too (taskings use case)."""
    async with atomic():
        query = FollowUp.select(FollowUp.id, FollowUp.tasking_id, FollowUp.done).where(
            FollowUp.id == followup_id
        )
        row = await _scope(query, FollowUp, actor).first()
        if not row:
            raise NotFound("No such follow-up")
        if row["done"]:
            return  # marked twice (a double tap): done once
        await FollowUp.update({FollowUp.done: True, FollowUp.done_at: store.now()}).where(
            FollowUp.id == followup_id
        )
        await record(actor, Operation.ALTERATION, "follow_up", followup_id, detail="done")
        await finish_followup_tasking(actor, row)


async def referrals(actor: Actor, show: str = "") -> dict:
    """Submitted visits' referrals (all, or those in the state `show`), newest first, each
    with what the actor may do to it (`may_move`, `may_take_over`)."""
    query = Referral.select(
        Referral.all_columns(),
        Referral.visit.uuid.as_alias("visit_uuid"),
        Referral.visit.address.as_alias("address"),
        Referral.visit.household_ref.as_alias("household_ref"),
        Referral.agency.name.as_alias("agency_name"),
        Referral.owner.display_name.as_alias("owner_name"),
    ).where(Referral.visit.state == VisitState.SUBMITTED)
    if show in STATE_LABELS:
        query = query.where(Referral.state == show)
    async with snapshot():
        rows = await _scope(query, Referral, actor).order_by(Referral.suggested_at, ascending=False)
        await record(actor, Operation.CONSULTATION, "referral", "list", detail=f"{len(rows)} shown")
    for r in rows:
        r["may_move"] = may_move(r, actor)
        r["may_take_over"] = may_take_over(r, actor)
    return {
        "rows": rows,
        "state": show,
        "labels": STATE_LABELS,
        "consent_labels": CONSENT_LABELS,
        "consent_short": CONSENT_SHORT,
    }


async def move_referral(
    actor: Actor, referral_id: int, target: str, data: Mapping[str, Any] | None = None
) -> bool:
    """Move a referral on (its owner or a supervisor), or take it over (`own`: staff); with
    `data` (the consent fields) the consent to share is recorded in the same change, and
    `consent` records only that. Marking it made needs consent given, or not needed with the
    lawful reason: else NeedsConsent (its messages) and nothing changes. A move the actor may
    not make changes nothing (False). NotFound if they may not see it."""
    values_in, errors = ReferralConsent.parse(data or {})
    async with atomic():
        row = await _scope(
            Referral.select(
                Referral.id,
                Referral.owner,
                Referral.state,
                Referral.consent,
                Referral.consent_reason,
            ).where(Referral.id == referral_id),
            Referral,
            actor,
        ).first()
        if row is None:
            raise NotFound("No such referral")
        if errors:
            raise NeedsConsent(referral_id, errors)
        values: dict = {}
        open_to_move = may_move(row, actor) and row["state"] != ReferralState.CLOSED
        taking_over = (
            target == TAKE_OVER
            and actor.role != Role.VOLUNTEER
            and row["state"] != ReferralState.CLOSED
        )
        if values_in["consent"] and (open_to_move or taking_over):
            values.update(
                {
                    Referral.consent: values_in["consent"],
                    Referral.consent_reason: values_in["consent_reason"]
                    if values_in["consent"] == ShareConsent.NOT_NEEDED
                    else "",
                    Referral.consent_by: actor.id,
                    Referral.consent_at: store.now(),
                }
            )
        if target == TAKE_OVER and actor.role != Role.VOLUNTEER:
            values[Referral.owner] = actor.id
        elif target in NEXT_STATES and may_move(row, actor):
            if target == ReferralState.MADE:
                consent = values_in["consent"] or row["consent"]
                reason = (
                    values_in["consent_reason"] if values_in["consent"] else row["consent_reason"]
                )
                if problem := sharing_problem(consent, reason):
                    raise NeedsConsent(referral_id, FormErrors({"consent": problem}))
            stamp = getattr(Referral, NEXT_STATES[ReferralState(target)])
            values.update({Referral.state: ReferralState(target), stamp: store.now()})
        elif target == RECORD_CONSENT and not open_to_move:
            return False
        if not values:
            return False
        await Referral.update(values).where(Referral.id == referral_id)
        said = [f"to {target}"] if target != RECORD_CONSENT else []
        if values_in["consent"] and Referral.consent in values:
            said.append(f"consent to share {values_in['consent']}")
        await record(actor, Operation.ALTERATION, "referral", referral_id, detail="; ".join(said))
    return True
