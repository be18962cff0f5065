"""Mentoring: a mentor's clients, their contacts (via the phone outbox), goals and exit plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import navigation, phone_outbox
from app.access import allow
from app.actor import Actor
from app.forms import FormErrors
from app.mentoring import service
from app.mentoring.forms import (
    CONTACT_KINDS,
    PROGRESS,
    STATUSES,
    ClientForm,
    ClientPlanForm,
    ContactForm,
    GoalForm,
    GoalProgressForm,
)
from app.roles import Role
from app.web import Acting, Form, bad_form, page

NAV = navigation.register("Mentoring", "mentoring:index", "mentoring", 35)


def _client_form(values: dict, errors: FormErrors) -> Template:
    return page("mentoring/client_form.html", values=values, errors=errors, statuses=STATUSES)


async def _client_page(actor: Actor, client_id: int, values: dict, errors: FormErrors) -> Template:
    return page(
        "mentoring/client.html",
        kinds=CONTACT_KINDS,
        statuses=STATUSES,
        progress=PROGRESS,
        values=values,
        errors=errors,
        **await service.client_page(actor, client_id),
    )


class MentoringController(Controller):
    path = "/mentoring"

    @get("/", opt=allow(Role.MENTOR, Role.SUPERVISOR), name="mentoring:index")
    async def index(self, actor: Acting) -> Template:
        return page("mentoring/index.html", statuses=STATUSES, **await service.clients(actor))

    @get("/clients/new", opt=allow(Role.MENTOR), name="mentoring:new_client")
    async def new_client(self) -> Template:
        return _client_form({"start_date": date.today().isoformat()}, FormErrors())

    @post("/clients", opt=allow(Role.MENTOR), status_code=303, name="mentoring:add_client")
    async def add_client(self, actor: Acting, data: Form) -> Any:
        values, errors = ClientForm.parse(data)
        client_id = None
        if not errors:
            client_id, errors = await service.add_client(actor, values)
        if errors:
            return _client_form(ClientForm.echo(data), errors)
        return Redirect(path=f"/mentoring/clients/{client_id}", status_code=303)

    @get(
        "/clients/{client_id:int}",
        opt=allow(Role.MENTOR, Role.SUPERVISOR),
        name="mentoring:client",
    )
    async def client(self, actor: Acting, client_id: FromPath[int]) -> Template:
        return await _client_page(actor, client_id, {}, FormErrors())

    @post(
        "/clients/{client_id:int}/contacts",
        opt=allow(Role.MENTOR),
        status_code=201,
        name="mentoring:add_contact",
    )
    async def add_contact(
        self, request: Request, actor: Acting, client_id: FromPath[int], data: Form
    ) -> Any:
        phone_outbox.check_sender(request)
        await service.client_for(actor, client_id, as_mentor=True)
        values, errors = ContactForm.parse(data)
        contact_id = created = None
        if not errors:
            contact_id, created, errors = await service.add_contact(actor, client_id, values)
        if errors:
            shown = ContactForm.echo(data)
            return await phone_outbox.refused(
                request, errors, lambda: _client_page(actor, client_id, shown, errors)
            )
        return phone_outbox.stored(request, contact_id, created, f"/mentoring/clients/{client_id}")

    @post(
        "/clients/{client_id:int}",
        opt=allow(Role.MENTOR),
        status_code=303,
        name="mentoring:change_client",
    )
    async def change_client(self, actor: Acting, client_id: FromPath[int], data: Form) -> Any:
        values, errors = ClientPlanForm.parse(data)
        if errors:
            return await _client_page(actor, client_id, ClientPlanForm.echo(data), errors)
        await service.change_client(actor, client_id, values)
        return Redirect(path=f"/mentoring/clients/{client_id}", status_code=303)

    @post(
        "/clients/{client_id:int}/goals",
        opt=allow(Role.MENTOR),
        status_code=303,
        name="mentoring:add_goal",
    )
    async def add_goal(self, actor: Acting, client_id: FromPath[int], data: Form) -> Any:
        values, errors = GoalForm.parse(data)
        if errors:
            return await _client_page(actor, client_id, GoalForm.echo(data), errors)
        await service.add_goal(actor, client_id, values)
        return Redirect(path=f"/mentoring/clients/{client_id}", status_code=303)

    @post(
        "/goals/{goal_id:int}",
        opt=allow(Role.MENTOR),
        status_code=303,
        name="mentoring:change_goal",
    )
    async def change_goal(self, actor: Acting, goal_id: FromPath[int], data: Form) -> Redirect:
        values, errors = GoalProgressForm.parse(data)  # no progress chosen: nothing changes
        if errors:
            raise bad_form(errors)
        client_id = await service.set_goal_progress(actor, goal_id, values["progress"])
        return Redirect(path=f"/mentoring/clients/{client_id}", status_code=303)
