"""A follow-up promised while logging becomes a tasking (for staff): a direct call to taskings."""

from __future__ import annotations

from datetime import timedelta

from app.actor import Actor
from app.clock import LOCAL_TIME
from app.database import atomic
from app.engagement.forms import KINDS
from app.tables.engagement import Engagement
from app.taskings import service as taskings
from app.taskings.followups import due_window, place_of

# A follow-up promised without a date: the tasking's window runs a week from the promise.
UNDATED = timedelta(days=7)


async def followup_to_tasking(actor: Actor, engagement_id: int) -> int | None:
    """A follow-up a PCSO, officer or supervisor promised while logging becomes a tasking
    assigned to them. A volunteer's stays a reminder on their log only: volunteers are asked
    by the team, not tasked, and an offer from themselves to themselves would mean nothing."""
    if not actor.is_police:
        return None
    async with atomic():
        entry = await Engagement.select().where(Engagement.id == engagement_id).first()
        if entry is None or not entry["follow_up"] or entry["tasking_id"] is not None:
            return None
        if entry["follow_up_due"]:
            starts_at, ends_at = due_window(entry["follow_up_due"])
        else:
            starts_at = taskings.now()
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
        tasking_id = await taskings.create(actor, values, [actor.id])
        await Engagement.update({Engagement.tasking_id: tasking_id}).where(
            Engagement.id == engagement_id
        )
    return tasking_id
