"""Follow-ups promised on home visits and in the engagement log become taskings (issues 3, 6)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.roles import POLICE, Role
from app.tables.taskings import Tasking, TaskingAssignment
from app.tables.visits import FollowUp
from app.taskings import service
from app.taskings.outbox import atomic
from app.taskings.states import LABELS, State
from app.templating import LOCAL_TIME


def due_window(day: date) -> tuple[datetime, datetime]:
    """The follow-up's due day, in UK time, is the tasking's window."""
    start = datetime.combine(day, time(0, 0), tzinfo=LOCAL_TIME)
    return start, start + timedelta(days=1) - timedelta(minutes=1)


def place_of(row: dict) -> dict:
    """Where the tasking is: the household's address (with its point), a point, or the area."""
    point = {"lat": row.get("lat"), "lng": row.get("lng")}
    if point["lat"] is None:
        point = {"lat": None, "lng": None}
    address = (row.get("address") or "").strip()[:200]
    if address:
        return {"place_kind": "address", "address": address, **point}
    return {"place_kind": "point" if point["lat"] is not None else "area", "address": "", **point}


def who_for_visit(request) -> tuple[str, list[int]]:
    """Staff are tasked with their own follow-up. A volunteer's is offered to the area's
    volunteers fit for home visits (the visitor among them), so whoever is free goes back."""
    if request.user.role in POLICE:
        return "assign", [request.user.id]
    return "offer", []


async def visit_followups_to_taskings(request, followup_ids: list[int]) -> list[int]:
    """One home-visit tasking per visit and due day (its follow-ups' reasons in the details);
    writes the tasking's id to each FollowUp. Joins the caller's transaction if there is one."""
    if not followup_ids:
        return []
    rows = await FollowUp.select(
        FollowUp.id,
        FollowUp.reason,
        FollowUp.due_on,
        FollowUp.visit.id.as_alias("visit_id"),
        FollowUp.visit.uuid.as_alias("uuid"),
        FollowUp.visit.address.as_alias("address"),
        FollowUp.visit.household_ref.as_alias("household_ref"),
        FollowUp.visit.lat.as_alias("lat"),
        FollowUp.visit.lng.as_alias("lng"),
        FollowUp.visit.team.as_alias("team"),
        FollowUp.visit.submitted_at.as_alias("submitted_at"),
    ).where(FollowUp.id.is_in(followup_ids) & FollowUp.tasking_id.is_null())
    groups: dict[tuple[int, date], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["visit_id"], row["due_on"]), []).append(row)
    mode, staff = who_for_visit(request)
    made = []
    async with atomic():
        for (_visit, due_on), group in sorted(groups.items(), key=lambda g: g[0][1]):
            first = group[0]
            team = first["team"] if first["team"] is not None else request.user.home_team_id
            starts_at, ends_at = due_window(due_on)
            household = first["address"] or first["household_ref"] or "the household"
            reasons = "\n".join(f"- {r['reason']}" for r in group)
            values = {
                "kind": "home_visit",
                "title": f"Follow-up visit: {household}"[:120],
                "details": (
                    f"Go back to check:\n{reasons}\n\n"
                    f"From the home visit at /visits/{first['uuid']}."
                ),
                **place_of(first),
                "team": team,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "priority": "routine",
                "mode": mode if team is not None else "assign",
                "places_wanted": 1,
            }
            tasking_id = await service.create(request, values, staff)
            await FollowUp.update({FollowUp.tasking_id: tasking_id}).where(
                FollowUp.id.is_in([r["id"] for r in group])
            )
            made.append(tasking_id)
    return made


async def tasking_states(tasking_ids: list[int], viewer) -> dict[int, dict]:
    """For each tasking: a short state for a follow-up list, and a link the viewer may open."""
    ids = [i for i in tasking_ids if i is not None]
    if not ids:
        return {}
    taskings = await Tasking.select(Tasking.id, Tasking.mode, Tasking.cancelled).where(
        Tasking.id.is_in(ids)
    )
    parts = await TaskingAssignment.select(
        TaskingAssignment.tasking,
        TaskingAssignment.person,
        TaskingAssignment.state,
        TaskingAssignment.person.display_name.as_alias("name"),
    ).where(TaskingAssignment.tasking.is_in(ids))
    found = {}
    for t in taskings:
        mine = [p for p in parts if p["tasking"] == t["id"]]
        found[t["id"]] = {
            "state": _summary(t, mine),
            "url": _link(t["id"], mine, viewer),
        }
    return found


# The furthest a part has got, most advanced first: the state a follow-up list shows.
_ORDER = [State.DONE, State.IN_PROGRESS, State.ACKNOWLEDGED, State.ACCEPTED, State.ASSIGNED]


def _summary(tasking: dict, parts: list[dict]) -> str:
    if tasking["cancelled"]:
        return "Cancelled"
    for state in _ORDER:
        holders = [p["name"] for p in parts if p["state"] == state]
        if holders:
            return f"{LABELS[state]} ({', '.join(holders)})"
    offered = sum(1 for p in parts if p["state"] == State.OFFERED)
    if offered:
        return f"Offered to {offered} volunteer{'s' if offered != 1 else ''}, not yet accepted"
    if any(p["state"] == State.CANNOT_DO for p in parts):
        return "Cannot do"
    return "Not offered: no volunteer of the area is fit for home visits"


def _link(tasking_id: int, parts: list[dict], viewer) -> str | None:
    if viewer.role == Role.SUPERVISOR:
        return f"/tasks/manage/{tasking_id}"
    if any(p["person"] == viewer.id for p in parts):
        return f"/tasks/{tasking_id}"
    return None


# A follow-up promised without a date: the tasking's window runs a week from the promise.
UNDATED = timedelta(days=7)


async def engagement_followup_to_tasking(request, engagement_id: int) -> int | None:
    """A follow-up a PCSO, officer or supervisor promised while logging becomes a tasking
    assigned to them. A volunteer's stays a reminder on their log only: volunteers are asked
    by the team, not tasked, and an offer from themselves to themselves would mean nothing."""
    from app.engagement import KINDS
    from app.tables.engagement import Engagement

    if request.user.role not in POLICE:
        return None
    entry = await Engagement.select().where(Engagement.id == engagement_id).first()
    if entry is None or not entry["follow_up"] or entry["tasking_id"] is not None:
        return None
    if entry["follow_up_due"]:
        starts_at, ends_at = due_window(entry["follow_up_due"])
    else:
        starts_at = service.now()
        ends_at = due_window((starts_at + UNDATED).astimezone(LOCAL_TIME).date())[1]
    made = entry["occurred_at"].astimezone(LOCAL_TIME)
    values = {
        "kind": "other",
        "title": f"Follow-up: {entry['follow_up']}"[:120],
        "details": (
            f"{entry['follow_up']}\n\nPromised when logging ({KINDS[entry['kind']]}, "
            f"{made:%d %B %Y, %H:%M}); the reminder is on your log (/log)."
        ),
        **place_of({"lat": entry["lat"], "lng": entry["lng"]}),
        "team": entry["team"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "priority": "routine",
        "mode": "assign",
        "places_wanted": 1,
    }
    async with atomic():
        tasking_id = await service.create(request, values, [request.user.id])
        await Engagement.update({Engagement.tasking_id: tasking_id}).where(
            Engagement.id == engagement_id
        )
    return tasking_id


async def close_followups(request, tasking_id: int) -> None:
    """The tasking is done: the follow-ups and the promise it was made for are done too."""
    from app.audit import Operation, record
    from app.tables.engagement import Engagement

    closed = (
        await FollowUp.update({FollowUp.done: True, FollowUp.done_at: service.now()})
        .where((FollowUp.tasking_id == tasking_id) & FollowUp.done.eq(False))
        .returning(FollowUp.id)
    )
    for row in closed:
        await record(request, Operation.ALTERATION, "follow_up", row["id"], detail="tasking done")
    promised = (
        await Engagement.update({Engagement.follow_up_done: True})
        .where((Engagement.tasking_id == tasking_id) & Engagement.follow_up_done.eq(False))
        .returning(Engagement.id)
    )
    for row in promised:
        await record(
            request,
            Operation.ALTERATION,
            "engagement",
            row["id"],
            detail="follow-up: tasking done",
        )


def connect() -> None:
    """Put the taskings feature on the follow-up seams of visits and logging (once)."""
    from app import engagement
    from app.visits import followups

    if visit_followups_to_taskings not in followups.ON_CREATED:
        followups.ON_CREATED.append(visit_followups_to_taskings)
    if engagement_followup_to_tasking not in engagement.FOLLOW_UP_HOOKS:
        engagement.FOLLOW_UP_HOOKS.append(engagement_followup_to_tasking)
    if close_followups not in service.ON_DONE:
        service.ON_DONE.append(close_followups)
