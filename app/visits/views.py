"""Finding a visit for the person asking, and what the visit pages show about it."""

from __future__ import annotations

from datetime import datetime

from app.actor import Actor
from app.audit import Operation, record
from app.outcomes import NotFound
from app.roles import Role
from app.tables.visits import FollowUp, HomeVisit, Referral, VisitState
from app.visits import checklist, store

# How long a visit takes, as the programme offers it (the timer counts against it).
VISIT_MINUTES = 30
# Who may read visits other people made. Volunteers see only their own visits.
READ_ANY = frozenset({Role.PCSO, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN})


def may_read(visit: dict, actor: Actor) -> bool:
    return visit["visitor"] == actor.id or actor.role in READ_ANY


def is_open_to(visit: dict, actor: Actor) -> bool:
    """Whether the actor may change the visit: its visitor, while it is in progress."""
    return visit["visitor"] == actor.id and visit["state"] == VisitState.IN_PROGRESS


async def visit_for(actor: Actor, visit_uuid, *, editing: bool = False) -> dict:
    """The visit, if this person may read it (or change it: only its visitor, while open).

    Someone who may not see it gets "not found", so its existence is not given away.
    """
    visit = (
        await HomeVisit.select(
            HomeVisit.all_columns(),
            HomeVisit.visitor.display_name.as_alias("visitor_name"),
            HomeVisit.team.name.as_alias("team_name"),
        )
        .where(HomeVisit.uuid == str(visit_uuid))
        .first()
    )
    if visit is None or not may_read(visit, actor):
        raise NotFound("No such visit")
    if editing and not is_open_to(visit, actor):
        raise NotFound("This visit cannot be changed")
    return visit


async def content_of(visit: dict) -> tuple[dict, dict]:
    """(template row, its content) for the version this visit uses."""
    row = await store.template(visit["template"])
    return row, checklist.load(row["content"])


async def earlier_visits(actor: Actor, visit: dict) -> dict:
    """Earlier visits to the same household that the visitor may see (audited: a look back)."""
    if not visit["household_key"]:
        return {"shown": [], "others": 0, "latest_other": None}
    rows = (
        await HomeVisit.select(
            HomeVisit.id,
            HomeVisit.uuid,
            HomeVisit.visitor,
            HomeVisit.state,
            HomeVisit.submitted_at,
            HomeVisit.started_at,
            HomeVisit.visitor.display_name.as_alias("visitor_name"),
        )
        .where(
            (HomeVisit.household_key == visit["household_key"])
            & (HomeVisit.id != visit["id"])
            & (HomeVisit.state == VisitState.SUBMITTED)
        )
        .order_by(HomeVisit.started_at, ascending=False)
    )
    shown = [r for r in rows if may_read(r, actor)]
    others = [r for r in rows if not may_read(r, actor)]
    ids = [r["id"] for r in shown]
    if ids:
        referrals = await Referral.select(
            Referral.visit, Referral.agency_kind, Referral.state, Referral.reason
        ).where(Referral.visit.is_in(ids))
        followups = await FollowUp.select(
            FollowUp.visit, FollowUp.reason, FollowUp.due_on, FollowUp.done
        ).where(FollowUp.visit.is_in(ids))
        for r in shown:
            r["referrals"] = [x for x in referrals if x["visit"] == r["id"]]
            r["followups"] = [x for x in followups if x["visit"] == r["id"]]
        await record(
            actor,
            Operation.CONSULTATION,
            "home_visit",
            visit["id"],
            detail=f"earlier visits to the household shown: {', '.join(map(str, ids))}",
        )
    return {
        "shown": shown,
        "others": len(others),
        "latest_other": others[0]["started_at"] if others else None,
    }


async def outcomes(visit_id: int) -> tuple[list[dict], list[dict]]:
    """A submitted visit's referrals and follow-ups."""
    referrals = await Referral.select(
        Referral.all_columns(),
        Referral.agency.name.as_alias("agency_name"),
        Referral.owner.display_name.as_alias("owner_name"),
    ).where(Referral.visit == visit_id)
    followups = await FollowUp.select().where(FollowUp.visit == visit_id).order_by(FollowUp.due_on)
    return referrals, followups


def timer_text(started_at: datetime, now: datetime, minutes: int = VISIT_MINUTES) -> str:
    """What the visit timer says (app/static/js/visits.js says the same as it ticks):
    "25 minutes left of 30", then "30 minutes up", then "4 minutes over the 30"."""
    gone = max(0, int((now - started_at).total_seconds() // 60))
    if gone < minutes:
        left = minutes - gone
        return f"{left} minute{'s' if left != 1 else ''} left of {minutes}"
    if gone == minutes:
        return f"{minutes} minutes up"
    over = gone - minutes
    return f"{over} minute{'s' if over != 1 else ''} over the {minutes}"
