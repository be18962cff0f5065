"""Writing the audit log: every look at or change to personal data, and every sign-in."""

from __future__ import annotations

from enum import StrEnum

from litestar.connection import ASGIConnection

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


def client_address(connection: ASGIConnection) -> str:
    return connection.client.host if connection.client else ""


async def record(
    connection: ASGIConnection | None,
    operation: Operation,
    record_type: str,
    record_id: object = "",
    *,
    justification: str = "",
    detail: str = "",
    actor_username: str | None = None,
) -> None:
    """Add one audit entry. `detail` must never hold erased or sensitive data itself."""
    user = connection.scope.get("user") if connection is not None else None
    await AuditEntry.insert(
        AuditEntry(
            actor=user.id if user else None,
            actor_username=(
                actor_username if actor_username is not None else (user.username if user else "")
            )[:60],
            operation=str(operation),
            record_type=record_type,
            record_id=str(record_id)[:64],
            justification=justification[:500],
            detail=detail[:500],
            address=client_address(connection) if connection is not None else "",
        )
    )
