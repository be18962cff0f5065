"""Supervisors' desk: create, assign or offer, change and cancel taskings; watch answers live."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.forms import FormErrors
from app.places import team_choices
from app.roles import Role
from app.taskings import queries, service, states
from app.taskings.forms import (
    PLACE_KINDS,
    CancelForm,
    TaskingChangeForm,
    TaskingForm,
    form_values,
)
from app.taskings.kinds import KINDS, PRIORITIES, requirement_text
from app.taskings.maps import pick_map
from app.web import Acting, Form, bad_form, is_fragment_request, page, page_or_fragment

NAV = navigation.register("Manage taskings", "taskings:desk", "tasks", 21, primary=False)


async def _form(actor, tasking, values, errors, creating) -> Template:
    chosen = values.get("staff", [])
    return page(
        "taskings/desk/form.html",
        tasking=tasking,
        values=values,
        chosen=[str(c) for c in (chosen if isinstance(chosen, list) else [chosen])],
        errors=errors,
        creating=creating,
        kinds=[(k, f"{v.label} ({requirement_text(k)})") for k, v in KINDS.items()],
        priorities=[(k, v.label) for k, v in PRIORITIES.items()],
        place_kinds=PLACE_KINDS,
        teams=await team_choices(),
        staff=await queries.staff(actor),
        map=await pick_map(actor, *_picked(values)),
    )


def _picked(values: dict) -> tuple[float | None, float | None]:
    """The point already in the form, if it is one (a wrong value: none)."""
    try:
        return float(values.get("lat")), float(values.get("lng"))
    except (TypeError, ValueError):
        return None, None


class TaskingsDeskController(Controller):
    path = "/tasks/manage"

    @get("/", opt=allow(Role.SUPERVISOR), name="taskings:desk")
    async def index(self, request: Request, actor: Acting) -> Template:
        return page_or_fragment(
            request,
            "taskings/desk/index.html",
            "taskings/desk/partials/list.html",
            **await queries.desk(actor),
            labels=states.LABELS,
            kinds=KINDS,
        )

    @get("/new", opt=allow(Role.SUPERVISOR), name="taskings:new")
    async def new(self, actor: Acting) -> Template:
        values = {"place_kind": "area", "places_wanted": 1}
        return await _form(actor, None, values, FormErrors(), True)

    @post("/", opt=allow(Role.SUPERVISOR), status_code=303, name="taskings:add")
    async def add(self, actor: Acting, data: Form) -> Any:
        values, errors = TaskingForm.parse(data)
        tasking_id, errors = await service.add(actor, values, errors)
        if errors:
            return await _form(actor, None, TaskingForm.echo(data), errors, True)
        return Redirect(path=f"/tasks/manage/{tasking_id}", status_code=303)

    @get("/{tasking_id:int}", opt=allow(Role.SUPERVISOR), name="taskings:watch")
    async def show(self, request: Request, actor: Acting, tasking_id: FromPath[int]) -> Template:
        # The page's own refreshes (htmx polling) continue the look its load recorded.
        look = not is_fragment_request(request)
        return page_or_fragment(
            request,
            "taskings/desk/show.html",
            "taskings/desk/partials/live.html",
            **await queries.desk_tasking(actor, tasking_id, look=look),
            labels=states.LABELS,
            kinds=KINDS,
            priorities=PRIORITIES,
            place_kinds=PLACE_KINDS,
        )

    @get("/{tasking_id:int}/edit", opt=allow(Role.SUPERVISOR), name="taskings:edit")
    async def edit(self, actor: Acting, tasking_id: FromPath[int]) -> Template:
        tasking = await service.get(actor, tasking_id)
        return await _form(actor, tasking, form_values(tasking), FormErrors(), False)

    @post(
        "/{tasking_id:int}/edit",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="taskings:change",
    )
    async def update(self, actor: Acting, tasking_id: FromPath[int], data: Form) -> Any:
        values, errors = TaskingChangeForm.parse(data)
        errors = await service.edit(actor, tasking_id, values, errors)
        if errors:
            tasking = await service.get(actor, tasking_id)
            return await _form(actor, tasking, TaskingChangeForm.echo(data), errors, False)
        return Redirect(path=f"/tasks/manage/{tasking_id}", status_code=303)

    @post(
        "/{tasking_id:int}/cancel",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="taskings:cancel",
    )
    async def cancel(self, actor: Acting, tasking_id: FromPath[int], data: Form) -> Any:
        values, errors = CancelForm.parse(data)
        if errors:
            raise bad_form(errors)
        await service.cancel(actor, tasking_id, values["reason"])
        return Redirect(path=f"/tasks/manage/{tasking_id}", status_code=303)
