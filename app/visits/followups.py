"""Follow-ups set by visits become home-visit taskings, in the submission's transaction."""

from __future__ import annotations

from datetime import date

from app.actor import Actor
from app.database import atomic
from app.roles import POLICE
from app.tables.visits import FollowUp
from app.taskings import service
from app.taskings.followups import due_window, place_of
from app.taskings.need_to_know import street_of


def followup_title(address: str) -> str:
    """A follow-up visit's title: the street at most, never the house or the reason (an offer's
    title is seen before anyone accepts; the address and the reasons are shown to whoever has
    the work)."""
    street = street_of(address or "")
    return f"Follow-up visit: {street}"[:120] if street else "Follow-up home visit"


def who_for_visit(actor: Actor) -> tuple[str, list[int]]:
    """Staff are tasked with their own follow-up. A volunteer's is offered to the area's
    volunteers fit for home visits (the visitor among them), so whoever is free goes back."""
    if actor.role in POLICE:
        return "assign", [actor.id]
    return "offer", []


async def followups_to_taskings(actor: Actor, followup_ids: list[int]) -> list[int]:
    """One home-visit tasking per visit and due day (its follow-ups' reasons in the details,
    shown only to whoever has the work; the title names the street at most);
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
    mode, staff = who_for_visit(actor)
    made = []
    async with atomic():
        for (_visit, due_on), group in sorted(groups.items(), key=lambda g: g[0][1]):
            first = group[0]
            team = first["team"] if first["team"] is not None else actor.home_team_id
            starts_at, ends_at = due_window(due_on)
            household = first["address"] or first["household_ref"] or "the household"
            reasons = "\n".join(f"- {r['reason']}" for r in group)
            values = {
                "kind": "home_visit",
                "title": followup_title(first["address"]),
                "details": (
                    f"Go back to {household} to check:\n{reasons}\n\n"
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
            tasking_id = await service.create(actor, values, staff)
            await FollowUp.update({FollowUp.tasking_id: tasking_id}).where(
                FollowUp.id.is_in([r["id"] for r in group])
            )
            made.append(tasking_id)
    return made
