"""Searching the audit log in the browser (admins and supervisors). Nothing here changes it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from app import navigation
from app.access import allow
from app.audit import Operation
from app.roles import MANAGERS
from app.tables.audit import AuditEntry
from app.web import FormErrors, page

NAV = navigation.register("Audit log", "/audit", "audit", 90, MANAGERS, primary=False)
PAGE_SIZE = 100
LONDON = ZoneInfo("Europe/London")


def _day(value: str, errors: FormErrors, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(field, "Enter a date like 2026-11-21")
        return None


class AuditController(Controller):
    path = "/audit"

    @get("/", opt=allow(MANAGERS))
    async def search(
        self,
        person: FromQuery[str] = "",
        record_type: FromQuery[str] = "",
        record_id: FromQuery[str] = "",
        operation: FromQuery[str] = "",
        date_from: FromQuery[str] = "",
        date_to: FromQuery[str] = "",
        page_number: FromQuery[int] = 1,
    ) -> Template:
        errors = FormErrors()
        query = AuditEntry.select().order_by(AuditEntry.id, ascending=False)
        if person.strip():
            query = query.where(AuditEntry.actor_username == person.strip().lower())
        if record_type.strip():
            query = query.where(AuditEntry.record_type == record_type.strip())
        if record_id.strip():
            query = query.where(AuditEntry.record_id == record_id.strip())
        if operation:
            if operation in set(Operation):
                query = query.where(AuditEntry.operation == operation)
            else:
                errors.add("operation", "Choose an operation from the list")
        start = _day(date_from, errors, "date_from")
        end = _day(date_to, errors, "date_to")
        if start and end and end < start:
            errors.add("date_to", "The end date must be the same as or after the start date")
        if start:
            query = query.where(AuditEntry.at >= datetime.combine(start, time(), LONDON))
        if end:
            query = query.where(
                AuditEntry.at < datetime.combine(end + timedelta(days=1), time(), LONDON)
            )
        page_number = max(1, page_number)
        entries = (
            [] if errors else await query.limit(PAGE_SIZE + 1).offset((page_number - 1) * PAGE_SIZE)
        )
        return page(
            "audit/index.html",
            status_code=400 if errors else 200,
            entries=entries[:PAGE_SIZE],
            more=len(entries) > PAGE_SIZE,
            page_number=page_number,
            operations=[o.value for o in Operation],
            errors=errors,
            values={
                "person": person,
                "record_type": record_type,
                "record_id": record_id,
                "operation": operation,
                "date_from": date_from,
                "date_to": date_to,
            },
        )
