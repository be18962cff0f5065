"""Signing in and out: the limits, checking the password, starting the session, the audit.

outcome = await sign_in(username, password, address, user_agent, device=..., replacing=...)
if outcome.token: ...set the session cookie and outcome.device...
else: show outcome.errors (429 if outcome.limited)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.auth import devices, limits
from app.auth.passwords import hashed, needs_rehash, password_matches
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
    """What a sign-in came to: a session token (and the device's new known-device token), or
    the errors (and whether a limit refused it before the password was looked at)."""

    token: str | None = None
    errors: FormErrors = field(default_factory=FormErrors)
    limited: bool = False
    device: str | None = None


async def sign_in(
    username: str,
    password: str,
    address: str,
    user_agent: str,
    *,
    device: str | None = None,
    replacing: Actor | None = None,
) -> SignIn:
    """Sign someone in by username and password, from a network address.

    `device`: the browser's known-device token, if it has one. `replacing`: who is signed in
    in this browser now; a successful sign-in ends that session (and audits it as a sign-out).
    The attempt is counted before the password is checked (app.auth.limits); failures are
    audited with what was typed (nobody is signed in to name)."""
    async with atomic():
        person = await Person.objects().where(Person.username == username).first()
        key = devices.device_key(device, person.id, person.password_hash) if person else ""
        lane = limits.Lane(username, address, key)
        attempt = await limits.take_slot(lane)
        if attempt is None:
            await audit.record(
                None,
                Operation.SIGN_IN_FAILED,
                "person",
                "",
                username=username,
                address=address,
                detail="refused: too many failed attempts" + (" on this device" if key else ""),
            )
            return SignIn(errors=FormErrors(username=limited_message()), limited=True)
    # Argon2 is slow on purpose: it runs in a worker thread, with no write lock held.
    ok = await password_matches(person.password_hash if person else None, password)
    new_hash = await hashed(password) if ok and needs_rehash(person.password_hash) else None
    async with atomic():
        if not ok or person is None or not person.active:
            # The attempt's row stays: it is this failure, counted.
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
        await limits.give_back(attempt, lane)
        if new_hash:
            await Person.update({Person.password_hash: new_hash}).where(Person.id == person.id)
        if replacing is not None and replacing.session_id is not None:
            await end_session(replacing.session_id)
            await audit.record(
                replacing,
                Operation.SIGN_OUT,
                "person",
                replacing.id,
                detail="signed in again in this browser"
                if replacing.id == person.id
                else "another person signed in in this browser",
            )
        token = await start_session(person.id, user_agent)
        await audit.record(
            None, Operation.SIGN_IN, "person", person.id, username=username, address=address
        )
    known = devices.remember(device, person.id, new_hash or person.password_hash)
    return SignIn(token=token, device=known)


async def sign_out(actor: Actor) -> None:
    """End the actor's session (this browser's only) and audit it."""
    async with atomic():
        if actor.session_id is not None:
            await end_session(actor.session_id)
        await audit.record(actor, Operation.SIGN_OUT, "person", actor.id)
