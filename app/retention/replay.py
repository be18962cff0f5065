"""A late replay from a phone: is its UUID an erased record's? (Then it is answered as already
stored and nothing is stored: app/engagement, app/mentoring and app/visits ask here first.)"""

from __future__ import annotations

from app.tables.retention import Tombstone


async def erased(uuid: object) -> int | None:
    """The erased record's number when a tombstone holds this UUID, else None."""
    text = str(uuid or "").strip().lower()
    if not text:
        return None
    row = await Tombstone.select(Tombstone.record_id).where(Tombstone.uuid == text).first()
    return row["record_id"] if row else None
