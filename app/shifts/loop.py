"""The shift loop an app server runs beside the push sender: every POLL_SECONDS, make the shifts
of weekly patterns now due and queue the pushes of shifts starting (app/shifts/service.due);
the sender sends them. Off when the sender is (BEATBOOK_PUSH_SENDER=off: tests run due())."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from app.shifts.service import due
from app.taskings.sender import with_the_sender

log = logging.getLogger("beatbook.shifts")
POLL_SECONDS = 30.0


async def run(stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await due()
        except Exception:  # a database hiccup must not end the loop
            log.exception("shift pushes")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)


# The shift loop for the app server's life, beside the push sender (or not at all).
shifts_lifespan = with_the_sender(run)
