"""Follow-ups set by visits, and the seam through which they become taskings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

# Seam for taskings: app.taskings.followups.connect() appends a coroutine here that makes a
# home-visit tasking for the follow-ups it is given (the request is the visitor's) and
# writes the tasking's id to FollowUp.tasking_id. The follow-up list (/visits/follow-ups)
# shows each one's tasking.
ON_CREATED: list[Callable[[Any, list[int]], Awaitable[Any]]] = []


async def followups_created(request: Any, visit_id: int) -> None:
    """Tell whoever turns follow-ups into taskings that a visit set some."""
    from app.tables.visits import FollowUp

    if not ON_CREATED:
        return
    rows = await FollowUp.select(FollowUp.id).where(
        (FollowUp.visit == visit_id) & FollowUp.tasking_id.is_null()
    )
    ids = [r["id"] for r in rows]
    for hook in ON_CREATED:
        await hook(request, ids)
