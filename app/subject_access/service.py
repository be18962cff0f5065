"""The subject access use cases: search for a subject, and export what is held (a disclosure,
audited in the same transaction as the reads)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.forms import Choice, Form, FormErrors, Text
from app.outcomes import NotFound
from app.subject_access.document import Document
from app.subject_access.gather import GATHER, NoSuchSubject
from app.subject_access.subjects import HINTS, LABELS, SEARCHES, Kind, Match

FORMATS = {"html": "a printable page", "json": "a JSON download"}


class SubjectSearch(Form):
    """Whom to look for: the kind of subject, and what identifies them."""

    kind = Choice(Kind, "Choose whom the request is about", required=True)
    q = Text("Enter what identifies them", required=True, max_length=200)


async def search(actor: Actor, data) -> dict:
    """The search page: with a query, the subjects it finds (audited: a consultation)."""
    values = SubjectSearch.echo(data)
    found: list[Match] = []
    errors = FormErrors()
    if any(values.values()):
        clean, errors = SubjectSearch.parse(data)
        if not errors:
            async with snapshot():
                found = await SEARCHES[clean["kind"]](clean["q"])
            await record(
                actor,
                Operation.CONSULTATION,
                "subject_access",
                "search",
                detail=f"{clean['kind']}: {len(found)} found",
            )
            if not found:
                errors.add("q", "Nothing is held under that: check it and try again")
    return {
        "values": values,
        "errors": errors,
        "found": found,
        "kinds": LABELS,
        "hints": HINTS,
        "searched": bool(values.get("q")) and not errors,
    }


async def export(actor: Actor, kind: str, reference: str, fmt: str = "html") -> Document:
    """Everything held about the subject, as one Document; the disclosure is audited in the
    same change as the reads (the subject's reference and each kind of record's count).
    NotFound when the kind is unknown or nothing is held under the reference."""
    if kind not in set(Kind) or not reference.strip() or fmt not in FORMATS:
        raise NotFound("No such subject")
    doc = Document(
        kind=kind,
        reference=reference.strip(),
        label=reference.strip(),
        made_at=datetime.now(UTC),
        made_by=actor.username,
    )
    async with atomic():
        try:
            await GATHER[Kind(kind)](doc)
        except NoSuchSubject:
            raise NotFound("Nothing is held under that reference") from None
        counts = ", ".join(f"{k} {n}" for k, n in doc.counts.items())
        await record(
            actor,
            Operation.DISCLOSURE,
            "subject_access",
            f"{kind}:{doc.reference}",
            justification="subject access request",
            detail=f"{kind} {doc.reference!r} as {fmt}: {counts}",
        )
    return doc


def as_json(doc: Document) -> str:
    return json.dumps(doc.as_json(), ensure_ascii=False, indent=2)
