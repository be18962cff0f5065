"""A Web Push service for tests and the bench: runs on 127.0.0.1, stores what it is sent, and
decrypts each message with the browser-side keys of the subscription it was sent to (RFC 8291).
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from dataclasses import dataclass, field

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Device:
    """A browser's side of a subscription: its endpoint and the keys only it holds."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(public)

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class PushService:
    """POST /push/<name> stores the message and answers 201 (or the status set for that name),
    or, for a name in `hang`, takes the request and never answers."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    status_for: dict[str, int] = field(default_factory=dict)
    hold_after: int | None = None  # hold (and then drop) every request after this many
    hang: set[str] = field(default_factory=set)  # names whose requests are read, never answered
    hanging: int = 0  # requests to those names still open now
    most_hanging: int = 0  # the most that were open at once
    abandoned: int = 0  # hanging requests the sender gave up on (closed its connection)
    location_for: dict[str, str] = field(default_factory=dict)  # a Location header to answer with
    _held: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def device(self, name: str, host: str | None = None, scheme: str = "http") -> Device:
        return Device(
            endpoint=f"{scheme}://{host or self.host}:{self.port}/push/{name}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
        )

    async def _hang(self, request: web.Request, name: str) -> None:
        """Like a push service that took the connection and never answers: wait until the
        sender closes the connection (counted as abandoned) or the test stops the hang."""
        await request.read()
        with self._lock:
            self.hanging += 1
            self.most_hanging = max(self.most_hanging, self.hanging)
        try:
            while name in self.hang:  # noqa: ASYNC110 - set from another thread
                await asyncio.sleep(0.02)
        except asyncio.CancelledError:  # the sender closed the connection (handler_cancellation)
            with self._lock:
                self.abandoned += 1
            raise
        finally:
            with self._lock:
                self.hanging -= 1

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name in self.hang:
            await self._hang(request, name)
            return web.Response(status=503)  # to nobody, if the sender gave up
        with self._lock:
            hold = self.hold_after is not None and len(self.received) >= self.hold_after
            if hold:
                self._held += 1
        if hold:  # like a push service that never answered: the message was not taken
            while self.hold_after is not None:  # noqa: ASYNC110 - set from another thread
                await asyncio.sleep(0.05)
            return web.Response(status=503)
        body = await request.read()
        status = self.status_for.get(name, 201)
        if status == 201:
            with self._lock:
                self.received.append(Received(request.path, dict(request.headers), body))
        headers = {"Location": self.location_for[name]} if name in self.location_for else None
        return web.Response(status=status, headers=headers)

    @property
    def held(self) -> int:
        return self._held

    def start(self) -> PushService:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/push/{name}", self._handle)
            # handler_cancellation: a request's handler ends the moment its client goes away
            runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
            self._loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, self.host, self.port, backlog=2048)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            self._runner = runner
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(runner.cleanup())

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        self.hold_after = None
        self.hang.clear()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
