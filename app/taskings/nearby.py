"""A person's own open taskings and offers near a place, for the briefing."""

from __future__ import annotations

from app.actor import Actor
from app.geo import local_metres
from app.taskings.queries import my_parts
from app.taskings.states import State

OPEN = {State.OFFERED, State.ASSIGNED, State.ACCEPTED, State.ACKNOWLEDGED, State.IN_PROGRESS}


async def my_taskings_near(
    actor: Actor, lat: float, lng: float, radius: int, team_id: int | None, shape=None
) -> list[dict]:
    """The actor's open parts of taskings within the radius (and inside `shape`, a team area's
    boundary, when given), or anywhere in the team area when the tasking has no point; nearest
    first, area-wide ones last. An offer not yet accepted is measured from its coarse point and
    shows no address (app/taskings/need_to_know.py)."""
    found = []
    for part in await my_parts(actor.id, actor.role):
        tasking = part["tasking"]
        if part["state"] not in OPEN or tasking.get("cancelled"):
            continue
        if tasking.get("lat") is not None:
            metres = local_metres(lat, lng, tasking["lat"], tasking["lng"])  # not geodesic: per row
            inside = shape is None or shape.contains(tasking["lat"], tasking["lng"])
            if metres <= radius and inside:
                found.append((metres, part))
        elif team_id is not None and tasking.get("team") == team_id:
            found.append((float("inf"), part))
    found.sort(key=lambda pair: pair[0])
    return [{**part, "metres": None if m == float("inf") else m} for m, part in found]
