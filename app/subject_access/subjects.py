"""The four kinds of data subject, how each is searched for, and how an address is matched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.forms import whole_number
from app.tables.engagement import KeyIndividual
from app.tables.mentoring import MentorClient
from app.tables.people import Person
from app.tables.taskings import Tasking
from app.tables.visits import HomeVisit


class Kind(StrEnum):
    """Whom a request is about."""

    HOUSEHOLD = "household"
    CLIENT = "client"
    KEY_INDIVIDUAL = "key-individual"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Kind.HOUSEHOLD: "A household (address)",
    Kind.CLIENT: "A mentoring client (reference)",
    Kind.KEY_INDIVIDUAL: "A key individual (number or name)",
    Kind.STAFF: "A member of staff or volunteer (username)",
}
HINTS = {
    Kind.HOUSEHOLD: "Case, spaces and punctuation do not matter: '12 Abbey St.' is '12 abbey st'",
    Kind.CLIENT: "The client's reference exactly, as the mentor recorded it",
    Kind.KEY_INDIVIDUAL: "Their number, or their name (or part of it)",
    Kind.STAFF: "Their username exactly",
}


def normalised(text: str) -> str:
    """An address (or a name) with case, spaces and punctuation ignored, as visits key a
    household (app/visits/store.household_key)."""
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()[:200]


@dataclass(frozen=True)
class Match:
    """One subject a search found: the reference its export is asked for, and what to show."""

    reference: str
    label: str
    detail: str


def visit_keys(visit: dict) -> set[str]:
    """The normalised addresses a visit is known by: its household key, address and reference."""
    keys = {
        visit["household_key"],
        normalised(visit["address"]),
        normalised(visit["household_ref"]),
    }
    return {k for k in keys if k}


async def households(text: str) -> list[Match]:
    """Households whose normalised address (on a visit or a tasking) contains the text's."""
    wanted = normalised(text)
    if not wanted:
        return []
    found: dict[str, list[int]] = {}  # key -> [visits, taskings]
    visits = await HomeVisit.select(
        HomeVisit.household_key, HomeVisit.address, HomeVisit.household_ref
    )
    for v in visits:
        for key in visit_keys(v):
            if wanted in key:
                found.setdefault(key, [0, 0])[0] += 1
    for t in await Tasking.select(Tasking.address).where(Tasking.address != ""):
        key = normalised(t["address"])
        if key and wanted in key:
            found.setdefault(key, [0, 0])[1] += 1
    return [
        Match(key, key, f"{counts[0]} visit records, {counts[1]} taskings")
        for key, counts in sorted(found.items())
    ][:50]


async def clients(text: str) -> list[Match]:
    row = (
        await MentorClient.select(
            MentorClient.reference, MentorClient.start_date, MentorClient.status
        )
        .where(MentorClient.reference == text.strip())
        .first()
    )
    if row is None:
        return []
    return [
        Match(row["reference"], row["reference"], f"since {row['start_date']}, {row['status']}")
    ]


async def key_individuals(text: str) -> list[Match]:
    number = whole_number(text.strip())
    rows = await KeyIndividual.select(
        KeyIndividual.id, KeyIndividual.name, KeyIndividual.community_role
    ).order_by(KeyIndividual.id)
    wanted = normalised(text)
    return [
        Match(str(r["id"]), f"{r['name']} (number {r['id']})", r["community_role"])
        for r in rows
        if r["id"] == number or (wanted and wanted in normalised(r["name"]))
    ][:50]


async def staff(text: str) -> list[Match]:
    row = (
        await Person.select(Person.username, Person.display_name, Person.role)
        .where(Person.username == text.strip().lower())
        .first()
    )
    if row is None:
        return []
    return [Match(row["username"], f"{row['display_name']} ({row['username']})", row["role"])]


SEARCHES = {
    Kind.HOUSEHOLD: households,
    Kind.CLIENT: clients,
    Kind.KEY_INDIVIDUAL: key_individuals,
    Kind.STAFF: staff,
}
