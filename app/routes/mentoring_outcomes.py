"""The mentoring outcome: each client's calls to police per month, entered or imported by the
coordinator, and the change since mentoring began per client and for the programme."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.mentoring import is_coordinator, outcomes
from app.roles import Role
from app.tables.mentoring import MentorClient, PoliceCallCount
from app.web import Form, FormErrors, page

ROLES = frozenset({Role.MENTOR, Role.SUPERVISOR})
COORDINATORS = frozenset({Role.SUPERVISOR})
MAX_CALLS = 1000
NOT_COORDINATOR = "Only the mentor coordinator enters these figures"


def parse_month(text: str) -> date | None:
    """'2026-03' (an <input type=month>) as its first day."""
    try:
        year, month = text.strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


async def save_count(client_id: int, month: date, calls: int, person_id: int) -> None:
    """One figure per client and month: a new figure replaces the old one."""
    await PoliceCallCount.delete().where(
        (PoliceCallCount.client == client_id) & (PoliceCallCount.month == month)
    )
    await PoliceCallCount.insert(
        PoliceCallCount(client=client_id, month=month, calls=calls, entered_by=person_id)
    )


async def check_row(
    reference: str, month_text: str, calls_text: str, refs: dict[str, int], where: str
) -> tuple[int, date, int] | str:
    """A (client id, month, calls) figure, or the message saying what is wrong with it."""
    client_id = refs.get(reference.strip())
    if client_id is None:
        return f"{where}: no client has the reference {reference.strip()!r}"
    month = parse_month(month_text)
    if month is None or month > date.today():
        return f"{where}: enter the month as YYYY-MM, not in the future"
    if not calls_text.strip().isdigit() or int(calls_text) > MAX_CALLS:
        return f"{where}: enter the calls as a whole number up to {MAX_CALLS}"
    return client_id, month, int(calls_text)


class MentoringOutcomesController(Controller):
    path = "/mentoring/outcomes"

    @get("/", opt=allow(ROLES))
    async def index(self, request: Request) -> Template:
        return await self._page(request, {}, FormErrors())

    @post("/", opt=allow(COORDINATORS), status_code=303)
    async def enter(self, request: Request, data: Form) -> Any:
        refs = await self._references()
        errors = FormErrors()
        if not await is_coordinator(request.user):  # a supervisor, but not the coordinator
            errors.add("calls", NOT_COORDINATOR)
            return await self._page(request, data, errors)
        checked = await check_row(
            str(data.get("client") or ""),
            str(data.get("month") or ""),
            str(data.get("calls") or ""),
            refs,
            "Figure",
        )
        if isinstance(checked, str):
            errors.add("calls", checked)
            return await self._page(request, data, errors)
        await save_count(*checked, request.user.id)
        await record(request, Operation.COLLECTION, "police-calls", checked[0], detail="entered")
        return Redirect(path="/mentoring/outcomes?saved=1", status_code=303)

    @post("/import", opt=allow(COORDINATORS), status_code=303)
    async def import_csv(self, request: Request, data: Form) -> Any:
        """Pasted CSV with the columns reference,month,calls; all rows or none are stored."""
        refs = await self._references()
        reader = csv.DictReader(io.StringIO(str(data.get("csv") or "").strip()))
        errors = FormErrors()
        rows = []
        if not await is_coordinator(request.user):
            errors.add("csv", NOT_COORDINATOR)
        elif not reader.fieldnames or not {"reference", "month", "calls"} <= set(reader.fieldnames):
            errors.add("csv", "Paste a CSV whose first line is reference,month,calls")
        else:
            for number, row in enumerate(reader, start=2):
                checked = await check_row(
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
            return await self._page(request, data, errors)
        for row in rows:
            await save_count(*row, request.user.id)
        await record(
            request, Operation.COLLECTION, "police-calls", "import", detail=f"{len(rows)} figures"
        )
        return Redirect(path=f"/mentoring/outcomes?imported={len(rows)}", status_code=303)

    @staticmethod
    async def _references() -> dict[str, int]:
        rows = await MentorClient.select(MentorClient.id, MentorClient.reference)
        return {r["reference"]: r["id"] for r in rows}

    async def _page(self, request: Request, values: dict, errors: FormErrors) -> Template:
        coordinator = await is_coordinator(request.user)
        if coordinator:
            per_client, programme = await outcomes()
        elif request.user.role == Role.MENTOR:
            mine = await MentorClient.select(MentorClient.id).where(
                MentorClient.mentor == request.user.id
            )
            per_client, programme = await outcomes([m["id"] for m in mine])
        else:  # other supervisors: the programme's figure only, no client
            _, programme = await outcomes()
            per_client = []
        await record(request, Operation.CONSULTATION, "police-calls", "outcomes")
        return page(
            "mentoring/outcomes.html",
            status_code=400 if errors else 200,
            per_client=per_client,
            programme=programme,
            coordinator=coordinator,
            client_choices=[(c["reference"], c["reference"]) for c in per_client],
            values=values,
            errors=errors,
        )
