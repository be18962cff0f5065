"""Searching the audit log in the browser (admins and supervisors). Nothing here changes it."""

from __future__ import annotations

from litestar import Controller, Request, get
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
        request: Request,
        actor: Acting,
        page_number: FromQuery[int] = 1,
    ) -> Template:
        found = await audit.search(actor, request.query_params, page_number)
        return page(
            "audit/index.html",
            entries=found.entries,
            more=found.more,
            page_number=found.page_number,
            operations=[o.value for o in audit.Operation],
            **await audit.search_choices(actor),
            errors=found.errors,
            values=audit.AuditFilters.echo(request.query_params),
        )
