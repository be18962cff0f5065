"""Log: quick engagement logging (offline, via the phone outbox), my log, and its follow-ups."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.actor import Actor
from app.engagement import service
from app.engagement.forms import EngagementForm, LogForm
from app.forms import FormErrors
from app.roles import FIELD
from app.web import Acting, Form, page

NAV = navigation.register("Log", "engagement:index", "log", 30)


async def _page(actor: Actor, values: dict, errors: FormErrors) -> Template:
    return page(
        "engagement/index.html",
        values=values,
        errors=errors,
        **await service.my_log(actor),
        **await service.quick_log_context(actor, key_individuals=True),
    )


async def _edit_page(actor: Actor, entry: dict, values: dict, errors: FormErrors) -> Template:
    return page(
        "engagement/edit.html",
        entry=entry,
        values=values,
        errors=errors,
        **await service.edit_context(actor, entry),
    )


class EngagementController(Controller):
    path = "/log"

    @get("/", opt=allow(FIELD), name="engagement:index")
    async def index(self, actor: Acting) -> Template:
        return await _page(actor, {}, FormErrors())

    @post("/", opt=allow(FIELD), status_code=201, name="engagement:log")
    async def log(self, request: Request, actor: Acting, data: Form) -> Any:
        phone_outbox.check_sender(request)
        values, errors = LogForm.parse(data)
        entry_id = created = None
        if not errors:
            entry_id, created, errors = await service.log(actor, values)
        if errors:
            return await phone_outbox.refused(
                request, errors, lambda: _page(actor, LogForm.echo(data), errors)
            )
        return phone_outbox.stored(request, entry_id, created, "/log?saved=1")

    @get("/{entry_id:int}", opt=allow(FIELD), name="engagement:edit")
    async def edit(self, actor: Acting, entry_id: FromPath[int]) -> Template:
        entry, values = await service.open_entry(actor, entry_id)
        return await _edit_page(actor, entry, values, FormErrors())

    @post("/{entry_id:int}", opt=allow(FIELD), status_code=303, name="engagement:change")
    async def change(self, actor: Acting, entry_id: FromPath[int], data: Form) -> Any:
        entry = await service.own_entry(actor, entry_id)
        values, errors = EngagementForm.parse(data)
        if not errors:
            errors = await service.change(actor, entry_id, values)
        if errors:
            return await _edit_page(actor, entry, EngagementForm.echo(data), errors)
        return Redirect(path="/log?changed=1", status_code=303)

    @post("/{entry_id:int}/delete", opt=allow(FIELD), status_code=303, name="engagement:delete")
    async def delete(self, actor: Acting, entry_id: FromPath[int]) -> Redirect:
        await service.delete(actor, entry_id)
        return Redirect(path="/log?deleted=1", status_code=303)

    @post(
        "/{entry_id:int}/done",
        opt=allow(FIELD),
        status_code=303,
        name="engagement:follow_up_done",
    )
    async def follow_up_done(self, actor: Acting, entry_id: FromPath[int]) -> Redirect:
        await service.follow_up_done(actor, entry_id)
        return Redirect(path="/log", status_code=303)
