"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).

Argon2 costs tens of milliseconds of CPU and 64 MiB on purpose, so the app never runs it on
the event loop: `await hashed(password)` and `await password_matches(hash, password)` run it
in a worker thread, at most `password_threads` at once (one CapacityLimiter per event loop).
A crowd signing in queues for those threads; every other request goes on meanwhile.

`hash_password` and `verify_password` are the same work done where the caller stands: for
code with no event loop to block (tests, scripts). Request code uses the awaitable pair.
"""

from __future__ import annotations

import asyncio
import os
import weakref

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.settings import get_settings

_hasher = PasswordHasher()
# Verified against when the username is unknown, so the answer takes as long either way.
_DUMMY_HASH = _hasher.hash("beatbook-no-such-user")

MIN_LENGTH = 10

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def threads() -> int:
    """How many hashes run at once: the setting, or the number of CPUs this process may use."""
    setting = get_settings().password_threads
    if setting > 0:
        return setting
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(threads())
    return limiter


def hash_password(password: str) -> str:
    """Hash here and now (blocks for tens of milliseconds): not for request code."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; checks a dummy hash when there is no account.
    Blocks: request code awaits password_matches instead."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def hashed(password: str) -> str:
    """hash_password in a worker thread, within the limit on hashes at once."""
    return await to_thread.run_sync(hash_password, password, limiter=_limiter())


async def password_matches(password_hash: str | None, password: str) -> bool:
    """verify_password in a worker thread, within the limit on hashes at once."""
    return await to_thread.run_sync(verify_password, password_hash, password, limiter=_limiter())


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (cheap: reads its header)."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is not good enough, or None."""
    if len(password) < MIN_LENGTH:
        return f"Enter a password of at least {MIN_LENGTH} characters"
    if len(password) > 200:
        return "Enter a password of 200 characters or fewer"
    return None
