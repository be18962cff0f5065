"""Follow-ups set by visits: the list until taskings exist, and the seam to make them taskings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

# Seam for taskings: the taskings feature appends a coroutine here that makes a tasking
# (a visit, at the household, due on the follow-up's date) for each follow-up id it is
# given and writes the tasking's id to FollowUp.tasking_id. Until then follow-ups live
# on the follow-up list (/visits/follow-ups).
ON_CREATED: list[Callable[[list[int]], Awaitable[None]]] = []


async def followups_created(visit_id: int) -> None:
    """Tell whoever turns follow-ups into taskings that a visit set some."""
    from app.tables.visits import FollowUp

    if not ON_CREATED:
        return
    rows = await FollowUp.select(FollowUp.id).where(
        (FollowUp.visit == visit_id) & FollowUp.tasking_id.is_null()
    )
    ids = [r["id"] for r in rows]
    for hook in ON_CREATED:
        await hook(ids)
