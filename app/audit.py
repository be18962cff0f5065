"""Writing the audit log: every look at or change to personal data, and every sign-in.

A change writes its entry inside its own atomic(), so the entry and the change commit together:

    await audit.record(actor, Operation.ALTERATION, "home_visit", visit_id, detail="submitted")

A look writes its entry after reading (in or after a snapshot(), never inside an atomic() of its
own): the entry then shares a commit with others written at the same moment
(app/database.SharedCommit) and is on disk before the page that shows the data is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from app.actor import Actor
from app.clock import LOCAL_TIME
from app.database import insert_shared, snapshot
from app.forms import Choice, Date, Form, FormErrors, Text
from app.tables.audit import AuditEntry
from app.tables.people import Person


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
        raise TypeError(f"audit.record takes an Actor, not {type(actor).__name__}")
    name = username if username is not None else (actor.username if actor else "")
    where = address if address is not None else (actor.address if actor else "")
    await insert_shared(
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


# Searching the log: the audit page's use case.

PAGE_SIZE = 100


class AuditFilters(Form):
    """The audit page's filters: who, which record, which operation, between which days."""

    person = Text(max_length=200)
    record_type = Text(max_length=200)
    record_id = Text(max_length=200)
    operation = Choice(Operation, "Choose an operation from the list")
    date_from = Date("Enter a date like 2026-11-21")
    date_to = Date("Enter a date like 2026-11-21")

    def check(self, values, errors) -> None:
        start, end = values["date_from"], values["date_to"]
        if start and end and end < start:
            errors.add("date_to", "The end date must be the same as or after the start date")


@dataclass
class AuditPage:
    """One page of entries, newest first, and whether older ones follow."""

    entries: list[dict]
    more: bool
    page_number: int
    errors: FormErrors


def _who(text: str, people: list[dict]):
    """Entries by anyone whose display name or username holds `text` (case ignored), or made
    under `text` as the username typed (a failed sign-in has no person). The picker's
    "Demo PCSO (pcso)" names the username in brackets: that one person."""
    wanted = " ".join(text.casefold().split())
    if wanted.endswith(")") and "(" in wanted:
        username = wanted[wanted.rindex("(") + 1 : -1].strip()
        found = [p for p in people if p["username"].casefold() == username]
        typed = username
    else:
        found = [
            p
            for p in people
            if wanted in p["username"].casefold()
            or wanted in " ".join(p["display_name"].casefold().split())
        ]
        typed = wanted
    # A sign-in is written with no actor, under the username: match both.
    usernames = sorted({typed[:60], *(p["username"] for p in found)})
    where = AuditEntry.actor_username.is_in(usernames)
    if found:
        where = where | AuditEntry.actor.is_in([p["id"] for p in found])
    return where


def record_type_label(record_type: str) -> str:
    """An internal record type as people read it: 'home_visit' -> 'Home visit'."""
    words = record_type.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


async def search_choices(actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """What the audit page offers to choose: the record types in the log (by their labels)
    and the people (display name and username) for the "who" picker."""
    async with snapshot():
        types = await AuditEntry.select(AuditEntry.record_type).distinct()
        people = await Person.select(Person.username, Person.display_name).order_by(
            Person.display_name
        )
    names = sorted({r["record_type"] for r in types if r["record_type"]}, key=record_type_label)
    return {
        "record_types": [(t, record_type_label(t)) for t in names],
        "people": [(p["username"], f"{p['display_name']} ({p['username']})") for p in people],
    }


async def search(actor: Actor, filters: Mapping[str, Any], page_number: int = 1) -> AuditPage:
    """Entries matching the filters (as the page's query string gives them): no entries and
    the errors when a filter is wrong. Reading the log changes nothing in it."""
    values, errors = AuditFilters.parse(filters)
    page_number = max(1, page_number)
    if errors:
        return AuditPage([], False, page_number, errors)
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False)
    if values["person"]:
        async with snapshot():
            people = await Person.select(Person.id, Person.username, Person.display_name)
        query = query.where(_who(values["person"], people))
    if values["record_type"]:
        query = query.where(AuditEntry.record_type == values["record_type"])
    if values["record_id"]:
        query = query.where(AuditEntry.record_id == values["record_id"])
    if values["operation"]:
        query = query.where(AuditEntry.operation == str(values["operation"]))
    if values["date_from"]:
        start = datetime.combine(values["date_from"], time(), LOCAL_TIME)
        query = query.where(AuditEntry.at >= start)
    if values["date_to"]:
        end = datetime.combine(values["date_to"] + timedelta(days=1), time(), LOCAL_TIME)
        query = query.where(AuditEntry.at < end)
    async with snapshot():
        entries = await query.limit(PAGE_SIZE + 1).offset((page_number - 1) * PAGE_SIZE)
    return AuditPage(entries[:PAGE_SIZE], len(entries) > PAGE_SIZE, page_number, errors)
