"""Limits on failed sign-ins, per account and per address, counted in the database."""

from __future__ import annotations

from datetime import timedelta

from app.auth.sessions import now
from app.settings import get_settings
from app.tables.sessions import SignInAttempt


def _since():
    return now() - timedelta(minutes=get_settings().signin_window_minutes)


async def is_limited(username_key: str, address: str) -> bool:
    """True when this account or this address has failed too often lately."""
    settings = get_settings()
    since = _since()
    by_account = await SignInAttempt.count().where(
        (SignInAttempt.username_key == username_key) & (SignInAttempt.at > since)
    )
    if by_account >= settings.signin_limit_per_account:
        return True
    by_address = await SignInAttempt.count().where(
        (SignInAttempt.address == address) & (SignInAttempt.at > since)
    )
    return by_address >= settings.signin_limit_per_address


async def record_failure(username_key: str, address: str) -> None:
    await SignInAttempt.insert(
        SignInAttempt(at=now(), username_key=username_key[:60], address=address[:64])
    )


async def clear_account(username_key: str) -> None:
    """A successful sign-in forgives that account's earlier failures."""
    await SignInAttempt.delete().where(SignInAttempt.username_key == username_key)
