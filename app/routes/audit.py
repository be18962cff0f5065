"""Searching the audit log in the browser (admins and supervisors). Nothing here changes it."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from app import audit, navigation
from app.access import allow
from app.roles import MANAGERS
from app.web import Acting, page

NAV = navigation.register("Audit log", "audit:search", "audit", 90, primary=False)


class AuditController(Controller):
    path = "/audit"

    @get("/", opt=allow(MANAGERS), name="audit:search")
    async def search(
        self,
        actor: Acting,
        person: FromQuery[str] = "",
        record_type: FromQuery[str] = "",
        record_id: FromQuery[str] = "",
        operation: FromQuery[str] = "",
        date_from: FromQuery[str] = "",
        date_to: FromQuery[str] = "",
        page_number: FromQuery[int] = 1,
    ) -> Template:
        values = {
            "person": person,
            "record_type": record_type,
            "record_id": record_id,
            "operation": operation,
            "date_from": date_from,
            "date_to": date_to,
        }
        found = await audit.search(actor, values, page_number)
        return page(
            "audit/index.html",
            entries=found.entries,
            more=found.more,
            page_number=found.page_number,
            operations=[o.value for o in audit.Operation],
            errors=found.errors,
            values=values,
        )
