"""The shift loop an app server runs beside the push sender: every POLL_SECONDS, make the shifts
of weekly patterns now due and queue the pushes of shifts starting (app/shifts/service.due);
the sender sends them. Off when the sender is (BEATBOOK_PUSH_SENDER=off: tests run due())."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from app.settings import get_settings
from app.shifts.service import due

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


@asynccontextmanager
async def shifts_lifespan(app) -> AsyncIterator[None]:
    """Run the shift loop for the app server's life (with the push sender, or not at all)."""
    if not get_settings().push_sender:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop))
    try:
        yield
    finally:
        stop.set()
        await task
