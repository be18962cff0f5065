"""The mentoring outcome: each client's calls to police per month, entered or imported by the
coordinator, and the change since mentoring began per client and for the programme."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic, snapshot
from app.forms import FormErrors, whole_number
from app.mentoring.service import is_coordinator
from app.roles import Role
from app.tables.mentoring import MentorClient, PoliceCallCount

MAX_CALLS = 1000
NOT_COORDINATOR = "Only the mentor coordinator enters these figures"


def month_start(day: date) -> date:
    return day.replace(day=1)


def parse_month(text: str) -> date | None:
    """'2026-03' (an <input type=month>) as its first day."""
    try:
        year, month = text.strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


async def outcomes(client_ids: list[int] | None = None) -> tuple[list[dict], dict]:
    """Calls to police per month before and since mentoring began, per client and overall.

    Before: the average of the months recorded before the start month; since: of the months
    from the start month on. The programme figure compares the sums of those averages, and
    the mean of each client's own change (the way the programme reported "71 per cent fewer").
    """
    clients = MentorClient.select(
        MentorClient.id, MentorClient.reference, MentorClient.start_date, MentorClient.status
    ).order_by(MentorClient.reference)
    if client_ids is not None:
        if not client_ids:
            return [], {}
        clients = clients.where(MentorClient.id.is_in(client_ids))
    rows = await clients
    counts = defaultdict(list)
    query = PoliceCallCount.select(
        PoliceCallCount.client, PoliceCallCount.month, PoliceCallCount.calls
    ).order_by(PoliceCallCount.month)
    for c in await query:
        counts[c["client"]].append(c)
    per_client = []
    for client in rows:
        start = month_start(client["start_date"])
        months = counts.get(client["id"], [])
        before = _average([m["calls"] for m in months if m["month"] < start])
        since = _average([m["calls"] for m in months if m["month"] >= start])
        change = None
        if before and since is not None:
            change = round(100 * (since - before) / before)
        per_client.append(
            {**client, "months": months, "before": before, "since": since, "change": change}
        )
    both = [c for c in per_client if c["change"] is not None]
    programme = {}
    if both:
        before_sum = sum(c["before"] for c in both)
        since_sum = sum(c["since"] for c in both)
        programme = {
            "clients": len(both),
            "before": before_sum,
            "since": since_sum,
            "change": round(100 * (since_sum - before_sum) / before_sum),
            "mean_change": round(sum(c["change"] for c in both) / len(both)),
        }
    return per_client, programme


async def outcome_page(actor: Actor) -> dict[str, Any]:
    """The coordinator sees every client; a mentor their own; other supervisors the programme's
    figure only, no client. The look is audited."""
    async with snapshot():
        coordinator = await is_coordinator(actor)
        if coordinator:
            per_client, programme = await outcomes()
        elif actor.role == Role.MENTOR:
            mine = await MentorClient.select(MentorClient.id).where(MentorClient.mentor == actor.id)
            per_client, programme = await outcomes([m["id"] for m in mine])
        else:
            _, programme = await outcomes()
            per_client = []
        await record(actor, Operation.CONSULTATION, "police-calls", "outcomes")
    return {
        "per_client": per_client,
        "programme": programme,
        "coordinator": coordinator,
        "client_choices": [(c["reference"], c["reference"]) for c in per_client],
    }


async def _references() -> dict[str, int]:
    rows = await MentorClient.select(MentorClient.id, MentorClient.reference)
    return {r["reference"]: r["id"] for r in rows}


def _check_row(
    reference: str, month_text: str, calls_text: str, refs: dict[str, int], where: str
) -> tuple[int, date, int] | str:
    """A (client id, month, calls) figure, or the message saying what is wrong with it."""
    client_id = refs.get(reference.strip())
    if client_id is None:
        return f"{where}: no client has the reference {reference.strip()!r}"
    month = parse_month(month_text)
    if month is None or month > date.today():
        return f"{where}: enter the month as YYYY-MM, not in the future"
    calls = whole_number(calls_text, 0, MAX_CALLS)
    if calls is None:
        return f"{where}: enter the calls as a whole number up to {MAX_CALLS}"
    return client_id, month, calls


async def _save_count(actor: Actor, client_id: int, month: date, calls: int) -> None:
    """One figure per client and month: a new figure replaces the old one."""
    await PoliceCallCount.delete().where(
        (PoliceCallCount.client == client_id) & (PoliceCallCount.month == month)
    )
    await PoliceCallCount.insert(
        PoliceCallCount(client=client_id, month=month, calls=calls, entered_by=actor.id)
    )


async def enter_figure(actor: Actor, values: dict) -> FormErrors:
    """The coordinator enters one month's calls for a client (values from FigureForm)."""
    errors = FormErrors()
    async with atomic():
        if not await is_coordinator(actor):  # a supervisor, but not the coordinator
            errors.add("calls", NOT_COORDINATOR)
            return errors
        checked = _check_row(
            values["client"] or "",
            values["month"] or "",
            values["calls"] or "",
            await _references(),
            "Figure",
        )
        if isinstance(checked, str):
            errors.add("calls", checked)
            return errors
        await _save_count(actor, *checked)
        await record(actor, Operation.COLLECTION, "police-calls", checked[0], detail="entered")
    return errors


async def import_figures(actor: Actor, text: str) -> tuple[int, FormErrors]:
    """Pasted CSV with the columns reference,month,calls: all rows or none are stored.
    Returns how many figures were stored, and the errors."""
    errors = FormErrors()
    reader = csv.DictReader(io.StringIO((text or "").strip()))
    rows = []
    async with atomic():
        if not await is_coordinator(actor):
            errors.add("csv", NOT_COORDINATOR)
        elif not reader.fieldnames or not {"reference", "month", "calls"} <= set(reader.fieldnames):
            errors.add("csv", "Paste a CSV whose first line is reference,month,calls")
        else:
            refs = await _references()
            for number, row in enumerate(reader, start=2):
                checked = _check_row(
                    row["reference"] or "",
                    row["month"] or "",
                    row["calls"] or "",
                    refs,
                    f"Line {number}",
                )
                if isinstance(checked, str):
                    errors.add("csv", checked)
                    break
                rows.append(checked)
        if errors:
            return 0, errors
        for row in rows:
            await _save_count(actor, *row)
        await record(
            actor, Operation.COLLECTION, "police-calls", "import", detail=f"{len(rows)} figures"
        )
    return len(rows), errors
