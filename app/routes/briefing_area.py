"""Supervisors keep each team area's priorities (from ward meetings) and key contacts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.access import allow
from app.briefing import area
from app.briefing.forms import ContactForm, PriorityForm
from app.forms import FormErrors
from app.roles import Role
from app.web import Acting, Form, page

EDIT = allow(Role.SUPERVISOR)


async def _edit_page(actor, team_id: int, errors=None, values=None) -> Template:
    return page(
        "briefing/area.html",
        errors=errors or FormErrors(),
        values=values or {},
        **await area.notes(actor, team_id),
    )


def _back(team_id: int) -> Redirect:
    return Redirect(path=f"/briefing/area/{team_id}", status_code=303)


class BriefingAreaController(Controller):
    path = "/briefing/area"

    @get("/{team_id:int}", opt=EDIT, name="briefing:area")
    async def edit(self, actor: Acting, team_id: FromPath[int]) -> Template:
        return await _edit_page(actor, team_id)

    @post("/{team_id:int}/priorities", opt=EDIT, status_code=303, name="briefing:add_priority")
    async def add_priority(self, actor: Acting, team_id: FromPath[int], data: Form) -> Any:
        values, errors = PriorityForm.parse(data)
        if errors:
            return await _edit_page(actor, team_id, errors, PriorityForm.echo(data))
        await area.add_priority(actor, team_id, values)
        return _back(team_id)

    @post("/{team_id:int}/contacts", opt=EDIT, status_code=303, name="briefing:add_contact")
    async def add_contact(self, actor: Acting, team_id: FromPath[int], data: Form) -> Any:
        values, errors = ContactForm.parse(data)
        if errors:
            return await _edit_page(actor, team_id, errors, ContactForm.echo(data))
        await area.add_contact(actor, team_id, values)
        return _back(team_id)

    @post(
        "/{team_id:int}/priorities/{item_id:int}/delete",
        opt=EDIT,
        status_code=303,
        name="briefing:remove_priority",
    )
    async def remove_priority(
        self, actor: Acting, team_id: FromPath[int], item_id: FromPath[int]
    ) -> Redirect:
        await area.remove_priority(actor, team_id, item_id)
        return _back(team_id)

    @post(
        "/{team_id:int}/contacts/{item_id:int}/delete",
        opt=EDIT,
        status_code=303,
        name="briefing:remove_contact",
    )
    async def remove_contact(
        self, actor: Acting, team_id: FromPath[int], item_id: FromPath[int]
    ) -> Redirect:
        await area.remove_contact(actor, team_id, item_id)
        return _back(team_id)
