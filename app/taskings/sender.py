"""The background sender: claims push-queue rows with a lease, encrypts, posts, records the outcome.

Several app servers may run it against one PostgreSQL database: a row is claimed by an UPDATE
that re-checks it is still claimable, so only one server holds it; a server that dies lets its
lease run out and another takes the rows over. Delivery is at least once: a server killed after
the push service took a message but before it wrote 'delivered' sends that one again (the
notification's tag makes the phone replace, not repeat, it).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import aiohttp
from pywebpush import WebPusher

from app.database import atomic
from app.settings import get_settings
from app.tables.taskings import PushMessage, PushStatus, PushSubscription
from app.taskings import push_queue, vapid

log = logging.getLogger("beatbook.push")
BACKOFF = (5, 30, 120, 600, 3600)  # seconds before each retry; then the message has failed
POLL_SECONDS = 1.0


def now() -> datetime:
    return datetime.now(UTC)


async def claim(limit: int, lease: int | None = None) -> list[dict]:
    """Take up to `limit` due rows for this server for `lease` seconds (atomic, shared-safe)."""
    lease = lease or get_settings().push_lease_seconds
    at = now()
    claimable = (
        (PushMessage.status == PushStatus.PENDING) & (PushMessage.next_attempt_at <= at)
    ) | ((PushMessage.status == PushStatus.SENDING) & (PushMessage.claimed_until < at))
    ids = [
        r["id"]
        for r in await PushMessage.select(PushMessage.id)
        .where(claimable)
        .order_by(PushMessage.id)
        .limit(limit)
    ]
    if not ids:
        return []
    # The WHERE is checked again under the row lock: a row another server claimed meanwhile
    # no longer matches, so it is not taken twice.
    return (
        await PushMessage.update(
            {
                PushMessage.status: PushStatus.SENDING,
                PushMessage.claimed_until: at + timedelta(seconds=lease),
                PushMessage.attempts: PushMessage.attempts + 1,
            }
        )
        .where(PushMessage.id.is_in(ids) & claimable)
        .returning(
            PushMessage.id,
            PushMessage.tasking,
            PushMessage.subscription,
            PushMessage.kind,
            PushMessage.title,
            PushMessage.ttl,
            PushMessage.urgency,
            PushMessage.attempts,
        )
    )


def payload(row: dict) -> bytes:
    """What the phone gets: no personal data; the area, the tasking's id, a one-use token."""
    body = {
        "m": row["id"],
        "tasking": row["tasking"],
        "kind": row["kind"],
        "title": row["title"],
        # The supervisor's alert opens their desk page; the others open the tasking on the phone.
        "url": f"/tasks/{'manage/' if row['kind'] == 'alert' else ''}{row['tasking']}",
    }
    if row["kind"] == "offer":
        body["token"] = push_queue.action_token(row["id"])
    return json.dumps(body, separators=(",", ":")).encode()


async def _post(http: aiohttp.ClientSession, row: dict, sub: dict) -> tuple[str, str]:
    """Send one message; returns (outcome, error text)."""
    info = {"endpoint": sub["endpoint"], "keys": {"p256dh": sub["p256dh"], "auth": sub["auth"]}}
    try:
        body = WebPusher(info).encode(payload(row), "aes128gcm")["body"]
    except Exception as exc:  # noqa: BLE001 - keys a browser never made: this can never be sent
        return "failed", f"bad subscription keys ({type(exc).__name__})"
    headers = {
        "TTL": str(row["ttl"]),
        "Urgency": row["urgency"],
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "Authorization": await vapid.authorization(sub["endpoint"]),
    }
    try:
        async with http.post(sub["endpoint"], data=body, headers=headers) as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        return "retry", type(exc).__name__
    if status in (200, 201, 202):
        return "delivered", ""
    if status in (404, 410):
        return "gone", str(status)
    if status == 429 or status >= 500:
        return "retry", str(status)
    return "failed", str(status)


async def send_batch(http: aiohttp.ClientSession, rows: list[dict], concurrency: int) -> dict:
    """Deliver claimed rows with bounded concurrency, then record every outcome."""
    wanted = [r["subscription"] for r in rows if r["subscription"]] or [0]
    subs = {
        s["id"]: s
        for s in await PushSubscription.select(
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        ).where(PushSubscription.id.is_in(wanted))
    }
    gate = asyncio.Semaphore(concurrency)

    async def one(row: dict) -> tuple[dict, str, str]:
        sub = subs.get(row["subscription"])
        if sub is None:  # the device signed out (or was turned off) before we got to it
            return row, "signed_out", ""
        async with gate:
            outcome, error = await _post(http, row, sub)
        return row, outcome, error

    results = await asyncio.gather(*(one(r) for r in rows))
    return await record_outcomes(results)


async def record_outcomes(results: list[tuple[dict, str, str]]) -> dict:
    """Write what happened: delivered and finished rows in bulk, retries with their backoff."""
    at = now()
    by: dict[str, list[dict]] = {}
    for row, outcome, error in results:
        row["error"] = error
        by.setdefault(outcome, []).append(row)
    final = {
        "delivered": PushStatus.DELIVERED,
        "signed_out": PushStatus.SIGNED_OUT,
        "gone": PushStatus.GONE,
        "failed": PushStatus.FAILED,
    }
    async with atomic():
        for outcome, status in final.items():
            ids = [r["id"] for r in by.get(outcome, [])]
            if ids:
                await PushMessage.update(
                    {
                        PushMessage.status: status,
                        PushMessage.sent_at: at,
                        PushMessage.claimed_until: None,
                        PushMessage.last_error: by[outcome][0]["error"][:200],
                    }
                ).where(PushMessage.id.is_in(ids))
        gone = [r["subscription"] for r in by.get("gone", [])]
        if gone:  # the push service says the subscription no longer exists
            await PushSubscription.delete().where(PushSubscription.id.is_in(gone))
        for row in by.get("retry", []):
            spent = row["attempts"] > len(BACKOFF)
            wait = BACKOFF[min(row["attempts"], len(BACKOFF)) - 1]
            await PushMessage.update(
                {
                    PushMessage.status: PushStatus.FAILED if spent else PushStatus.PENDING,
                    PushMessage.next_attempt_at: at + timedelta(seconds=wait),
                    PushMessage.claimed_until: None,
                    PushMessage.last_error: row["error"][:200],
                }
            ).where(PushMessage.id == row["id"])
    return {k: len(v) for k, v in by.items()}


def client_session(concurrency: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency),
        timeout=aiohttp.ClientTimeout(total=15),
    )


async def drain(concurrency: int | None = None, lease: int | None = None, batch: int = 500) -> dict:
    """Send everything due now (used by tests, the bench and the loop)."""
    concurrency = concurrency or get_settings().push_concurrency
    totals: dict[str, int] = {}
    async with client_session(concurrency) as http:
        while rows := await claim(batch, lease):
            for key, count in (await send_batch(http, rows, concurrency)).items():
                totals[key] = totals.get(key, 0) + count
    return totals


async def run(
    stop: asyncio.Event, concurrency: int | None = None, lease: int | None = None, batch: int = 200
) -> None:
    """The loop an app server runs: send what is due, check urgent taskings, sleep a moment."""
    from app.taskings.service import alert_unacknowledged

    concurrency = concurrency or get_settings().push_concurrency
    async with client_session(concurrency) as http:
        while not stop.is_set():
            try:
                await alert_unacknowledged()
                while rows := await claim(batch, lease):
                    await send_batch(http, rows, concurrency)
            except Exception:  # a database hiccup must not end the sender
                log.exception("push sender")
            try:
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
            except TimeoutError:
                pass


@asynccontextmanager
async def sender_lifespan(app) -> AsyncIterator[None]:
    """Run the sender inside the app server for its life (BEATBOOK_PUSH_SENDER=off to not)."""
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


if __name__ == "__main__":  # python -m app.taskings.sender: a sender on its own (tests use it)
    import sys

    async def main() -> None:
        stop = asyncio.Event()
        concurrency = int(sys.argv[1]) if len(sys.argv) > 1 else None
        await run(stop, concurrency=concurrency, batch=concurrency or 200)

    asyncio.run(main())
