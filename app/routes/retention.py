"""Retention review in the browser (supervisors and admins): keep a due record with a reason and
a review date, or erase it (the same erasure as `beatbook retention --apply`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.forms import FormErrors
from app.retention import service
from app.roles import MANAGERS
from app.web import Acting, Form, page

NAV = navigation.register("Retention", "retention:review", "audit", 92, primary=False)


async def _page(
    actor, errors: FormErrors, failed: list | None = None, values: dict | None = None, done=""
) -> Template:
    key = f"{failed[0]}-{failed[1]}" if failed else ""
    summary = FormErrors({f"{name}-{key}": message for name, message in errors.items()})
    return page(
        "retention/index.html",
        kinds=await service.review(actor),
        errors=errors,
        summary=summary,
        failed=failed,
        values=values or {},
        done=done,
    )


class RetentionController(Controller):
    path = "/retention"

    @get("/", opt=allow(MANAGERS), name="retention:review")
    async def review(self, actor: Acting, done: FromQuery[str] = "") -> Template:
        return await _page(actor, FormErrors(), done=done if done in {"kept", "erased"} else "")

    @post("/{kind:str}/{record_id:int}/keep", opt=allow(MANAGERS), name="retention:keep")
    async def keep(
        self, actor: Acting, kind: FromPath[str], record_id: FromPath[int], data: Form
    ) -> Any:
        errors = await service.keep(actor, kind, record_id, data)
        if errors:
            echo = service.KeepForm.echo(data)
            return await _page(actor, errors, [kind, record_id], echo)
        return Redirect(path="/retention?done=kept", status_code=303)

    @post("/{kind:str}/{record_id:int}/erase", opt=allow(MANAGERS), name="retention:erase")
    async def erase(self, actor: Acting, kind: FromPath[str], record_id: FromPath[int]) -> Any:
        await service.erase_one(actor, kind, record_id)
        return Redirect(path="/retention?done=erased", status_code=303)
