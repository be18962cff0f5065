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
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import aiohttp
from piccolo.columns.combination import WhereRaw
from pywebpush import WebPusher

from app.database import atomic
from app.settings import get_settings
from app.tables.taskings import PushMessage, PushStatus, PushSubscription
from app.taskings import push_queue, vapid
from app.taskings.push_endpoints import EndpointRefused, PublicOnlyResolver, check_endpoint

log = logging.getLogger("beatbook.push")
BACKOFF = (5, 30, 120, 600, 3600)  # seconds before each retry; then the message has failed
POLL_SECONDS = 1.0
SEND_TIMEOUT = 10.0  # seconds one send may take, connecting included; then it is retried later
GATHER_SECONDS = 0.01  # after a send ends, wait this long for others: one transaction for them all


def now() -> datetime:
    return datetime.now(UTC)


def origin(endpoint: str) -> str:
    """The push service an endpoint belongs to: its text up to the path ('https://host:port')."""
    scheme, _, rest = endpoint.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _not_at(services: list[str]):
    """Rows whose device is on none of these push services (or on none at all). Endpoints are
    checked to have a path, so each starts with its push service and a '/'. (substr, not a
    comparison or LIKE: those would follow PostgreSQL's collation or take '_' as a wildcard.)"""
    prefixes = [f"{service}/" for service in services]
    same = WhereRaw("substr(endpoint, 1, {}) = {}", len(prefixes[0]), prefixes[0])
    for prefix in prefixes[1:]:
        same |= WhereRaw("substr(endpoint, 1, {}) = {}", len(prefix), prefix)
    on_them = PushSubscription.select(PushSubscription.id).where(same)
    return PushMessage.subscription.not_in(on_them) | PushMessage.subscription.is_null()


async def claim(
    limit: int,
    lease: int | None = None,
    held: dict[str, int] | None = None,
    per_service: int | None = None,
) -> list[dict]:
    """Take up to `limit` due rows for this server for `lease` seconds (atomic, shared-safe).

    `held` counts the rows this server holds per push service. With `per_service`, it holds at
    most that many of one push service, and takes none of a service it holds more than half
    that of (so rows are claimed in batches): rows of a push service that hangs stay pending,
    not claimed and not counted as attempts, until its sends end."""
    lease = lease or get_settings().push_lease_seconds
    held = held or {}
    at = now()
    claimable = (
        (PushMessage.status == PushStatus.PENDING) & (PushMessage.next_attempt_at <= at)
    ) | ((PushMessage.status == PushStatus.SENDING) & (PushMessage.claimed_until < at))
    where = claimable
    full = sorted(s for s, n in held.items() if s and n > per_service // 2) if per_service else []
    if full:
        where &= _not_at(full)
    candidates = (
        await PushMessage.select(PushMessage.id, PushMessage.subscription._.endpoint.as_alias("e"))
        .where(where)
        .order_by(PushMessage.id)
        .limit(limit * 4 if per_service else limit)
    )
    ids, taking = [], dict(held)
    for candidate in candidates:
        service = origin(candidate["e"]) if candidate["e"] else ""
        if per_service and service and taking.get(service, 0) >= per_service:
            continue
        taking[service] = taking.get(service, 0) + 1
        ids.append(candidate["id"])
        if len(ids) == limit:
            break
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
    try:
        check_endpoint(sub["endpoint"])
    except EndpointRefused as exc:
        return "refused", str(exc)
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
        # No redirects: a push service has no reason to send one, and one could point anywhere.
        async with http.post(
            sub["endpoint"], data=body, headers=headers, allow_redirects=False
        ) as response:
            status = response.status
    except EndpointRefused as exc:  # the host name resolved to an address that is not public
        return "refused", str(exc)
    except (aiohttp.ClientError, OSError) as exc:
        return "retry", type(exc).__name__
    if status in (200, 201, 202):
        return "delivered", ""
    if status in (404, 410):
        return "gone", str(status)
    if status == 429 or status >= 500:
        return "retry", str(status)
    return "failed", str(status)


async def _subscriptions(rows: list[dict]) -> dict[int, dict]:
    wanted = [r["subscription"] for r in rows if r["subscription"]] or [0]
    return {
        s["id"]: s
        for s in await PushSubscription.select(
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        ).where(PushSubscription.id.is_in(wanted))
    }


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
        for row in by.get("refused", []):  # each with its own reason
            await PushMessage.update(
                {
                    PushMessage.status: PushStatus.FAILED,
                    PushMessage.sent_at: at,
                    PushMessage.claimed_until: None,
                    PushMessage.last_error: row["error"][:200],
                }
            ).where(PushMessage.id == row["id"])
        # The push service says the subscription no longer exists, or it points somewhere
        # we do not send to: either way the device is dropped (its owner can turn it on again).
        dropped = [r["subscription"] for r in by.get("gone", []) + by.get("refused", [])]
        if dropped:
            await PushSubscription.delete().where(PushSubscription.id.is_in(dropped))
        released = [r["id"] for r in by.get("released", [])]
        if released:  # never sent: due again at once, the attempt not counted
            await PushMessage.update(
                {
                    PushMessage.status: PushStatus.PENDING,
                    PushMessage.claimed_until: None,
                    PushMessage.attempts: PushMessage.attempts - 1,
                }
            ).where(PushMessage.id.is_in(released))
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


def client_session(concurrency: int, timeout: float = SEND_TIMEOUT) -> aiohttp.ClientSession:
    """The sender's HTTP client: host names resolved and checked by PublicOnlyResolver."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency, resolver=PublicOnlyResolver()),
        timeout=aiohttp.ClientTimeout(total=timeout * 2),  # a backstop: Sender ends it first
    )


class Sender:
    """Sends claimed rows, each in its own task, and records each outcome as soon as it is
    known (the outcomes that end within GATHER_SECONDS of each other share one transaction).

    Bounds: at most `concurrency` sends at once (a semaphore), at most `per_service` of them to
    one push service (three quarters of the slots, at least one: the rest stay free for the
    other services), and each send, connecting included, ends after `timeout` seconds and is
    retried later as other failures are. So a push service that hangs costs its own messages a
    retry and nobody else's notification a wait. Rows are claimed ahead (up to `batch` of one
    service) so that claims are few; a row whose lease would run out before its send could end
    is handed back unsent rather than risk another server sending it too.
    """

    def __init__(
        self,
        http: aiohttp.ClientSession,
        concurrency: int,
        lease: int | None = None,
        batch: int = 500,
        timeout: float = SEND_TIMEOUT,
    ) -> None:
        self.http = http
        self.concurrency = max(1, concurrency)
        self.per_service = max(1, self.concurrency - max(1, self.concurrency // 4))
        self.lease = lease or get_settings().push_lease_seconds
        self.batch = batch
        self.ahead = max(2 * self.per_service, batch)  # rows of one service claimed at most
        # A send must end well before its lease does, or another server would send it again.
        self.timeout = min(timeout, self.lease / 2)
        self.gate = asyncio.Semaphore(self.concurrency)
        self.service_gates: dict[str, asyncio.Semaphore] = {}
        self.held: dict[str, int] = {}  # claimed rows not yet finished, per push service
        self.tasks: dict[asyncio.Task, str] = {}
        self.finished: list[tuple[dict, str, str]] = []
        self.woken = asyncio.Event()
        self.totals: dict[str, int] = {}
        self.stopping = False

    async def _one(self, row: dict, sub: dict | None, service: str, lease_ends: float) -> None:
        loop = asyncio.get_running_loop()
        try:
            if sub is None:  # the device signed out (or was turned off) before we got to it
                outcome, error = "signed_out", ""
            else:
                async with self.service_gates[service], self.gate:
                    if self.stopping or lease_ends - loop.time() < self.timeout:
                        outcome, error = "released", ""  # stopping, or waited too long
                    else:
                        async with asyncio.timeout(self.timeout):
                            outcome, error = await _post(self.http, row, sub)
        except TimeoutError:
            outcome, error = "retry", f"no answer within {self.timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - whatever it was, try again later
            log.exception("push send")
            outcome, error = "retry", type(exc).__name__
        self.finished.append((row, outcome, error))
        self.woken.set()

    def _done(self, task: asyncio.Task) -> None:
        service = self.tasks.pop(task)
        self.held[service] -= 1
        if not self.held[service]:
            del self.held[service]
            self.service_gates.pop(service, None)

    async def record(self) -> None:
        """Write the outcomes of the sends that have ended."""
        if self.finished:
            done, self.finished = self.finished, []
            try:
                counted = await record_outcomes(done)
            except BaseException:
                self.finished[:0] = done  # written at the next try (or the lease runs out)
                raise
            for key, count in counted.items():
                self.totals[key] = self.totals.get(key, 0) + count

    async def start_due(self) -> int:
        """Claim what is due, as far as the bounds allow, and start sending it."""
        room = min(self.batch, self.ahead + self.concurrency - len(self.tasks))
        if room <= 0 or (room < max(1, self.concurrency // 4) and self.tasks):
            return 0  # claim in batches (each claim is a write), not a row per ended send
        lease_ends = asyncio.get_running_loop().time() + self.lease
        rows = await claim(room, self.lease, self.held, self.ahead)
        subs = await _subscriptions(rows) if rows else {}
        for row in rows:
            sub = subs.get(row["subscription"])
            service = origin(sub["endpoint"]) if sub else ""
            if service not in self.service_gates:
                self.service_gates[service] = asyncio.Semaphore(self.per_service)
            task = asyncio.create_task(self._one(row, sub, service, lease_ends))
            self.tasks[task] = service
            self.held[service] = self.held.get(service, 0) + 1
            task.add_done_callback(self._done)
        return len(rows)

    async def step(self) -> int:
        """Record what ended and start what is due; returns how many rows were claimed."""
        self.woken.clear()
        await self.record()
        return await self.start_due()

    async def finish(self) -> None:
        """Let the sends under way end (each within its timeout), hand back the rows not yet
        being sent, and record them all."""
        self.stopping = True
        while self.tasks:
            await asyncio.wait(list(self.tasks))
        await self.record()

    async def drain(self) -> dict:
        """Send everything due now, until nothing is due and nothing is under way."""
        while True:
            started = await self.step()
            if not started and not self.tasks and not self.finished:
                return self.totals
            if self.tasks and not started:
                await self.woken.wait()
                await asyncio.sleep(GATHER_SECONDS)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: send what is due, check urgent taskings every POLL_SECONDS."""
        from app.taskings.service import alert_unacknowledged

        checked = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            started = 0
            try:
                if loop.time() - checked >= POLL_SECONDS:
                    checked = loop.time()
                    await alert_unacknowledged()
                started = await self.step()
            except Exception:  # a database hiccup must not end the sender
                log.exception("push sender")
            if started:
                continue  # there may be more due: claim again at once
            woken = asyncio.ensure_future(self.woken.wait())
            stopped = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait(
                    {woken, stopped}, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                woken.cancel()
                stopped.cancel()
            if self.woken.is_set():
                await asyncio.sleep(GATHER_SECONDS)
        try:
            await self.finish()
        except Exception:
            log.exception("push sender")


async def drain(
    concurrency: int | None = None,
    lease: int | None = None,
    batch: int = 500,
    send_timeout: float = SEND_TIMEOUT,
) -> dict:
    """Send everything due now (used by tests and the bench); returns the outcomes counted."""
    concurrency = concurrency or get_settings().push_concurrency
    async with client_session(concurrency, send_timeout) as http:
        return await Sender(http, concurrency, lease, batch, send_timeout).drain()


async def run(
    stop: asyncio.Event,
    concurrency: int | None = None,
    lease: int | None = None,
    batch: int = 200,
    send_timeout: float = SEND_TIMEOUT,
) -> None:
    """The loop an app server runs: send what is due, check urgent taskings, until `stop`."""
    concurrency = concurrency or get_settings().push_concurrency
    async with client_session(concurrency, send_timeout) as http:
        await Sender(http, concurrency, lease, batch, send_timeout).run(stop)


def with_the_sender(loop: Callable[[asyncio.Event], Awaitable[None]]):
    """A lifespan that runs `loop(stop)` inside the app server for its life, where the push
    sender runs (BEATBOOK_PUSH_SENDER=off: neither runs), and stops it at shutdown."""

    @asynccontextmanager
    async def lifespan(app) -> AsyncIterator[None]:
        if not get_settings().push_sender:
            yield
            return
        stop = asyncio.Event()
        task = asyncio.create_task(loop(stop))
        try:
            yield
        finally:
            stop.set()
            await task

    return lifespan


# The sender inside the app server for its life (BEATBOOK_PUSH_SENDER=off to not).
sender_lifespan = with_the_sender(run)


if __name__ == "__main__":  # python -m app.taskings.sender: a sender on its own (tests use it)
    import sys

    async def main() -> None:
        stop = asyncio.Event()
        concurrency = int(sys.argv[1]) if len(sys.argv) > 1 else None
        await run(stop, concurrency=concurrency, batch=concurrency or 200)

    asyncio.run(main())
