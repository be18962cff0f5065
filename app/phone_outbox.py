"""The phone's outbox, server side: records made on a phone stored exactly once, by the UUID the
phone gave them (docs/outbox.md). Not the push queue to phones: app/taskings/push_queue.py.

A route that accepts an outbox form calls `check_sender` first, validates, then `store_once`,
and answers with `stored`/`refused`: JSON for outbox.js, a redirect or page for a plain form.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect
from piccolo.table import Table

from app.forms import FormErrors

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# outbox.js names the person who made the record; the server refuses it under anyone else.
SENDER_HEADER = "x-outbox-user"

try:  # asyncpg is there when PostgreSQL is configured
    from asyncpg.exceptions import UniqueViolationError

    DUPLICATE_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, UniqueViolationError)
except ImportError:  # pragma: no cover
    DUPLICATE_ERRORS = (sqlite3.IntegrityError,)


class NotTheSender(HTTPException):
    """A queued record sent under a session that is not its author's."""

    status_code = 409


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def check_sender(request: Request) -> None:
    """Refuse a queued record whose author is not the person signed in (nothing is stored)."""
    sender = request.headers.get(SENDER_HEADER)
    if sender is not None and sender != request.user.username:
        raise NotTheSender(detail="This record belongs to someone else: sign in as them to send it")


def clean_uuid(value: Any, errors: FormErrors) -> str:
    """The form's `uuid` field, lower-cased, or an error (a form without one cannot be replayed)."""
    text = str(value or "").strip().lower()
    if not UUID_RE.match(text):
        errors.add("uuid", "This form is missing its record number: reload the page and try again")
    return text


async def store_once(
    table: type[Table], uuid: str, values: dict, owner_column: str, uuid_column: str = "client_uuid"
) -> tuple[int, bool]:
    """Insert a row with uuid in uuid_column unless one exists; returns (id, created).

    The unique constraint on client_uuid settles a race between two requests (a double tap):
    the loser finds the winner's row. A UUID already used by another person is refused.
    """
    column = table._meta.get_column_by_name(uuid_column)
    owner = table._meta.get_column_by_name(owner_column)

    async def existing() -> dict | None:
        return await table.select(table._meta.primary_key, owner).where(column == uuid).first()

    found = await existing()
    if found is None:
        try:
            return await _insert(table, {**values, uuid_column: uuid}), True
        except DUPLICATE_ERRORS:
            found = await existing()
            if found is None:
                raise
    if found[owner_column] != values[owner_column]:
        raise NotTheSender(detail="That record number is already used")
    return found["id"], False


async def _insert(table: type[Table], values: dict) -> int:
    """Insert the row; inside a caller's transaction, behind a savepoint, so that losing a
    race to the unique constraint leaves the transaction usable (PostgreSQL aborts it else)."""
    row = table(**values)
    transaction = table._meta.db.current_transaction.get()
    if transaction is None:
        await row.save()
        return row.id
    savepoint = await transaction.savepoint()
    try:
        await row.save()
    except DUPLICATE_ERRORS:
        await savepoint.rollback_to()
        raise
    await savepoint.release()
    return row.id


def stored(
    request: Request, record_id: int, created: bool, then: str, extra: dict | None = None
) -> Response:
    """The answer to a stored record: 201 (new) or 200 (already stored) JSON, or a redirect."""
    if wants_json(request):
        body = {"id": record_id, "status": "stored" if created else "already stored"}
        return Response(content={**body, **(extra or {})}, status_code=201 if created else 200)
    return Redirect(path=then, status_code=303)


async def refused(request: Request, errors: FormErrors, render: Callable[[], Awaitable]) -> Any:
    """The answer to a record with errors: 400 JSON {errors}, or render() (the page, 400)."""
    if wants_json(request):
        return Response(content={"errors": dict(errors)}, status_code=400)
    return await render()
