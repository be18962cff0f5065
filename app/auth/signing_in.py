"""Signing in and out: the limits, checking the password, starting the session, the audit.

outcome = await sign_in(username, password, address, user_agent)
if outcome.token: ...set the cookie...     else: show outcome.errors (429 if outcome.limited)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.auth import limits
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.sessions import end_session, start_session
from app.database import atomic
from app.forms import FormErrors
from app.settings import get_settings
from app.tables.people import Person

FAILED = "Enter a correct username and password"


def limited_message() -> str:
    minutes = get_settings().signin_window_minutes
    return (
        f"Too many failed attempts to sign in. Wait {minutes} minutes and try again, "
        "or ask your supervisor to reset your password."
    )


@dataclass
class SignIn:
    """What a sign-in came to: a session token, or the errors (and whether the limit on
    failed attempts refused it before the password was looked at)."""

    token: str | None = None
    errors: FormErrors = field(default_factory=FormErrors)
    limited: bool = False


async def sign_in(username: str, password: str, address: str, user_agent: str) -> SignIn:
    """Sign someone in by username and password, from a network address. Failures count
    toward the limits and are audited with what was typed (nobody is signed in to name)."""
    async with atomic():
        if await limits.is_limited(username, address):
            await audit.record(
                None,
                Operation.SIGN_IN_FAILED,
                "person",
                "",
                username=username,
                address=address,
                detail="refused: too many failed attempts",
            )
            return SignIn(errors=FormErrors(username=limited_message()), limited=True)
        person = await Person.objects().where(Person.username == username).first()
    # Argon2 is slow on purpose: no write lock is held while it runs.
    ok = verify_password(person.password_hash if person else None, password)
    new_hash = hash_password(password) if ok and needs_rehash(person.password_hash) else None
    async with atomic():
        if not ok or person is None or not person.active:
            await limits.record_failure(username, address)
            await audit.record(
                None,
                Operation.SIGN_IN_FAILED,
                "person",
                person.id if person else "",
                username=username,
                address=address,
                detail="inactive account" if (ok and person and not person.active) else "",
            )
            return SignIn(errors=FormErrors(username=FAILED))
        await limits.clear_account(username)
        if new_hash:
            await Person.update({Person.password_hash: new_hash}).where(Person.id == person.id)
        token = await start_session(person.id, user_agent)
        await audit.record(
            None, Operation.SIGN_IN, "person", person.id, username=username, address=address
        )
    return SignIn(token=token)


async def sign_out(actor: Actor) -> None:
    """End the actor's session (this browser's only) and audit it."""
    async with atomic():
        if actor.session_id is not None:
            await end_session(actor.session_id)
        await audit.record(actor, Operation.SIGN_OUT, "person", actor.id)
