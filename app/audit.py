"""Writing the audit log: every look at or change to personal data, and every sign-in.

Use cases write their entries inside their own transaction, so an entry and the change it
records commit together:

    await audit.record(actor, Operation.ALTERATION, "home_visit", visit_id, detail="submitted")
"""

from __future__ import annotations

from enum import StrEnum

from app.actor import Actor
from app.tables.audit import AuditEntry


class Operation(StrEnum):
    """The processing operations section 62 of the Data Protection Act 2018 names, and sign-ins."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "sign-in-failed"
    SIGN_OUT = "sign-out"


async def record(
    actor: Actor | None,
    operation: Operation,
    record_type: str,
    record_id: object = "",
    *,
    justification: str = "",
    detail: str = "",
    username: str | None = None,
    address: str | None = None,
) -> None:
    """Add one audit entry. `detail` must never hold erased or sensitive data itself.

    `actor` is None for what nobody signed in did (a failed sign-in): then `username` (what
    was typed) and `address` say who tried.
    """
    if actor is not None and not isinstance(actor, Actor):
        actor = _legacy(actor)  # TRANSITION (issue 10): removed once every caller passes an Actor
    name = username if username is not None else (actor.username if actor else "")
    where = address if address is not None else (actor.address if actor else "")
    await AuditEntry.insert(
        AuditEntry(
            actor=actor.id if actor else None,
            actor_username=name[:60],
            operation=str(operation),
            record_type=record_type,
            record_id=str(record_id)[:64],
            justification=justification[:500],
            detail=detail[:500],
            address=where[:64],
        )
    )


def _legacy(connection) -> Actor | None:
    """TRANSITION (issue 10): a Litestar request or connection, as the old callers pass it."""
    user = connection.scope.get("user")
    if isinstance(user, Actor):
        return user
    address = connection.client.host if getattr(connection, "client", None) else ""
    if user is None:
        return None
    return Actor(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        home_team_id=user.home_team_id,
        address=address,
    )
