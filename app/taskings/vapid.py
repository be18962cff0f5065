"""The VAPID key pair: made once, kept in the database (shared by every app server)."""

from __future__ import annotations

import base64
import time
from urllib.parse import urlparse

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02

from app.settings import get_settings
from app.tables.taskings import PushKey

NAME = "vapid"
_cache: dict[str, object] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def _load() -> PushKey:
    row = await PushKey.objects().where(PushKey.name == NAME).first()
    if row is not None:
        return row
    vapid = Vapid02()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    try:
        await PushKey.insert(
            PushKey(name=NAME, private_pem=vapid.private_pem().decode(), public_key=b64url(public))
        )
    except Exception:  # noqa: BLE001, S110 - another app server made it first: read theirs
        pass
    return await PushKey.objects().where(PushKey.name == NAME).first()


async def vapid_key() -> Vapid02:
    """The signing key (read from the database once per process)."""
    if "vapid" not in _cache:
        row = await _load()
        _cache["vapid"] = Vapid02.from_pem(row.private_pem.encode())
        _cache["public"] = row.public_key
    return _cache["vapid"]  # type: ignore[return-value]


async def application_server_key() -> str:
    """The public key the browser subscribes with (uncompressed P-256 point, base64url)."""
    await vapid_key()
    return _cache["public"]  # type: ignore[return-value]


def forget() -> None:
    """Drop the cached key (tests start each with a fresh database)."""
    _cache.clear()
    _headers.clear()


_headers: dict[str, tuple[float, str]] = {}


async def authorization(endpoint: str) -> str:
    """The VAPID Authorization header for an endpoint's push service, signed at most hourly."""
    parsed = urlparse(endpoint)
    audience = f"{parsed.scheme}://{parsed.netloc}"
    key = await vapid_key()
    cached = _headers.get(audience)
    now = time.time()
    if cached and cached[0] > now + 3600 and _cache.get("signed_with") is key:
        return cached[1]
    expires = int(now + 12 * 3600)
    claims = {"aud": audience, "exp": expires, "sub": get_settings().push_subject}
    header = key.sign(claims)["Authorization"]
    _headers[audience] = (expires, header)
    _cache["signed_with"] = key
    return header
