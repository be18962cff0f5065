"""Limits on sign-in attempts, counted in the database before any password is checked.

An attempt first takes a slot: in one transaction the recent attempts are counted and, if
there is room, this one is written (take_slot, inside the caller's atomic(); on SQLite that is
BEGIN IMMEDIATE, so slot-takers go one at a time; on PostgreSQL advisory locks on the account
and the address do the same). Only then is the password checked, outside the transaction. A
right password gives its slot back (give_back); a wrong one keeps it until the window has
passed. So of a burst of guesses sent at once, no more than the limit are ever checked.

Lanes (see README, "Sign-in limits"): attempts from a device the account has not signed in on
count against the account (signin_limit_per_account) and against the address
(signin_limit_per_address). Attempts from a known device of that account (app.auth.devices)
count only against that device and account, with an allowance of the same size: guessing from
elsewhere cannot lock the officer out of their own phone, and the guesses anyone else gets
per account per window stay signin_limit_per_account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from app.auth.sessions import now
from app.database import is_postgres
from app.settings import get_settings
from app.tables.sessions import SignInAttempt


@dataclass(frozen=True)
class Lane:
    """Whose allowance an attempt uses: the username typed, the address, and the known
    device's key ("" for a device the account has not signed in on)."""

    username_key: str
    address: str
    device_key: str = ""


def _since():
    return now() - timedelta(minutes=get_settings().signin_window_minutes)


def _lock_key(kind: str, value: str) -> int:
    """A signed 64-bit number naming one account or one address, for pg_advisory_xact_lock."""
    digest = hashlib.blake2b(f"beatbook-sign-in|{kind}|{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def _lock(kind: str, value: str) -> None:
    """On PostgreSQL, hold a lock on one account or one address until the transaction ends.
    SQLite needs none: atomic() there already holds the one write lock."""
    if is_postgres():
        await SignInAttempt.raw("SELECT pg_advisory_xact_lock({})", _lock_key(kind, value))


async def take_slot(lane: Lane) -> int | None:
    """Count this attempt before its password is checked. Call inside atomic(). Returns the
    attempt's id (for give_back), or None when a limit refuses it (nothing written)."""
    settings = get_settings()
    lane = Lane(lane.username_key[:60], lane.address[:64], lane.device_key[:64])
    # The account's lock, then the address's: always in that order, so no two wait on each
    # other. Every change to an account's rows is made holding its lock.
    await _lock("account", lane.username_key)
    if not lane.device_key:
        await _lock("address", lane.address)
    since = _since()
    # The account's attempts older than the window count for nothing any more.
    await SignInAttempt.delete().where(
        (SignInAttempt.username_key == lane.username_key) & (SignInAttempt.at <= since)
    )
    recent = (SignInAttempt.at > since) & (SignInAttempt.username_key == lane.username_key)
    if lane.device_key:
        used = await SignInAttempt.count().where(
            recent & (SignInAttempt.device_key == lane.device_key)
        )
        if used >= settings.signin_limit_per_account:
            return None
    else:
        by_account = await SignInAttempt.count().where(recent & (SignInAttempt.device_key == ""))
        if by_account >= settings.signin_limit_per_account:
            return None
        by_address = await SignInAttempt.count().where(
            (SignInAttempt.at > since)
            & (SignInAttempt.address == lane.address)
            & (SignInAttempt.device_key == "")
        )
        if by_address >= settings.signin_limit_per_address:
            return None
    attempt = SignInAttempt(
        at=now(), username_key=lane.username_key, address=lane.address, device_key=lane.device_key
    )
    await SignInAttempt.insert(attempt)
    return attempt.id


async def give_back(attempt_id: int, lane: Lane) -> None:
    """A right password: its attempt was no failure, so it no longer counts. On a known device
    the device's earlier failures for the account are forgiven too; failures from unknown
    devices are not (forgiving them would give whoever made them a fresh allowance)."""
    await _lock("account", lane.username_key[:60])
    await SignInAttempt.delete().where(SignInAttempt.id == attempt_id)
    if lane.device_key:
        await SignInAttempt.delete().where(
            (SignInAttempt.username_key == lane.username_key[:60])
            & (SignInAttempt.device_key == lane.device_key[:64])
        )


async def forget_account(username_key: str) -> None:
    """A new password set by an admin: the account's failed attempts no longer count.
    Call inside atomic()."""
    await _lock("account", username_key[:60])
    await SignInAttempt.delete().where(SignInAttempt.username_key == username_key[:60])
