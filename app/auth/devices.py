"""Known devices: a browser someone has signed in on keeps a token that says so.

The token is a random device id and, for each account that signed in there (up to
MAX_ACCOUNTS, newest first), an HMAC of the id, the account and its password hash under the
secret key. Nobody can make one without the secret key; it names no account; and a new
password (a reset, say) makes every token for that account worthless, so the account's devices
become unknown again until it signs in on them.

A known device counts its failed sign-ins on its own (app.auth.limits): someone typing wrong
passwords for an officer's username elsewhere cannot stop the officer signing in on their phone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.settings import get_settings

MAX_ACCOUNTS = 5
_ID_LENGTH = 22  # secrets.token_urlsafe(16)


def _mac(device_id: str, person_id: int, password_hash: str) -> str:
    message = f"beatbook-known-device|{device_id}|{person_id}|{password_hash}".encode()
    key = get_settings().secret_key.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _parse(token: str | None) -> tuple[str, list[str]]:
    parts = (token or "").split(".")
    device_id, macs = parts[0], parts[1 : MAX_ACCOUNTS + 1]
    if len(device_id) != _ID_LENGTH or not all(len(m) == 32 for m in macs):
        return "", []
    return device_id, macs


def device_key(token: str | None, person_id: int, password_hash: str) -> str:
    """The key the limits count this device's failures for this account under, or "" when the
    token does not show that the account signed in on this device."""
    device_id, macs = _parse(token)
    if not device_id:
        return ""
    expected = _mac(device_id, person_id, password_hash)
    if not any(hmac.compare_digest(expected, mac) for mac in macs):
        return ""
    return hashlib.sha256(f"{device_id}|{person_id}".encode()).hexdigest()


def remember(token: str | None, person_id: int, password_hash: str) -> str:
    """The device's token after this account signed in on it (a new device id if none)."""
    device_id, macs = _parse(token)
    device_id = device_id or secrets.token_urlsafe(16)
    mac = _mac(device_id, person_id, password_hash)
    kept = [mac, *(m for m in macs if m != mac)][:MAX_ACCOUNTS]
    return ".".join([device_id, *kept])
