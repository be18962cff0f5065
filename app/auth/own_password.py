"""Changing one's own password: after checking the current one, and always after an admin's
reset (until then every page sends the person to the change page: app/auth/sessions.py).

errors = await change_own_password(actor, current, new)
"""

from __future__ import annotations

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.auth.passwords import hashed, password_matches, password_problem
from app.auth.sessions import end_sessions_of
from app.database import atomic, snapshot
from app.forms import FormErrors
from app.outcomes import NotFound
from app.tables.people import Person


async def must_change(actor: Actor) -> bool:
    """Whether an admin's reset left them a temporary password to change."""
    async with snapshot():
        row = await Person.select(Person.must_change_password).where(Person.id == actor.id).first()
    if row is None:
        raise NotFound("No such person")
    return bool(row["must_change_password"])


async def change_own_password(actor: Actor, current: str, new: str) -> FormErrors:
    """Set a new password (Argon2id) if `current` is theirs and `new` is good enough; every
    other session of theirs ends, this one stays. Returns the errors (nothing changed if any)."""
    errors = FormErrors()
    async with snapshot():
        row = await Person.select(Person.password_hash).where(Person.id == actor.id).first()
    if row is None:
        raise NotFound("No such person")
    # Argon2 takes a while on purpose: checked and hashed before the write lock is taken.
    if not await password_matches(row["password_hash"], current):
        errors.add("current", "Enter your current password correctly")
    problem = password_problem(new)
    if problem:
        errors.add("new", problem)
    elif new == current:
        errors.add("new", "Choose a new password different from the current one")
    if errors:
        return errors
    password_hash = await hashed(new)
    async with atomic():
        await Person.update(
            {Person.password_hash: password_hash, Person.must_change_password: False}
        ).where(Person.id == actor.id)
        await end_sessions_of(actor.id, keep=actor.session_id)
        await audit.record(
            actor, Operation.ALTERATION, "person", actor.id, detail="own password changed"
        )
    return errors
