"""Admins manage the people who sign in: parse the form, call the use case, answer."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.forms import FormErrors
from app.people import service
from app.people.forms import ActiveForm, NewPersonForm, PasswordForm, PersonForm
from app.places import team_choices
from app.roles import ROLE_LABELS, Role
from app.web import Acting, Form, page

NAV = navigation.register("People", "people:index", "people", 80, primary=False)


async def _form(person, values: dict, errors: FormErrors, **extra: Any) -> Template:
    return page(
        "people/form.html",
        person=person,
        values=values,
        errors=errors,
        roles=ROLE_LABELS,
        teams=await team_choices(),
        **extra,
    )


class PeopleController(Controller):
    path = "/people"

    @get("/", opt=allow(Role.ADMIN), name="people:index")
    async def index(
        self, actor: Acting, q: FromQuery[str] = "", role: FromQuery[str] = ""
    ) -> Template:
        people = await service.directory(actor, q, role)
        return page("people/index.html", people=people, q=q, role=role, roles=ROLE_LABELS)

    @get("/new", opt=allow(Role.ADMIN), name="people:new")
    async def new(self) -> Template:
        return await _form(None, {}, FormErrors())

    @post("/", opt=allow(Role.ADMIN), status_code=303, name="people:add")
    async def add(self, actor: Acting, data: Form) -> Any:
        values, errors = NewPersonForm.parse(data)
        person_id, errors = await service.create(actor, values, errors)
        if errors:
            return await _form(None, data, errors)
        return Redirect(path=f"/people/{person_id}?created=1", status_code=303)

    @get("/{person_id:int}", opt=allow(Role.ADMIN), name="people:show")
    async def show(
        self, actor: Acting, person_id: FromPath[int], created: FromQuery[bool] = False
    ) -> Template:
        person, values = await service.look_at(actor, person_id)
        return await _form(person, values, FormErrors(), created=created)

    @post("/{person_id:int}", opt=allow(Role.ADMIN), status_code=303, name="people:change")
    async def change(self, actor: Acting, person_id: FromPath[int], data: Form) -> Any:
        values, errors = PersonForm.parse(data)
        errors = await service.change(actor, person_id, values, errors)
        if errors:
            return await _form(await service.get(actor, person_id), data, errors)
        return Redirect(path=f"/people/{person_id}?saved=1", status_code=303)

    @post(
        "/{person_id:int}/active", opt=allow(Role.ADMIN), status_code=303, name="people:set_active"
    )
    async def set_active(self, actor: Acting, person_id: FromPath[int], data: Form) -> Any:
        values, errors = ActiveForm.parse(data)  # nothing changes unless it says which
        if not errors:
            errors = await service.set_active(actor, person_id, values["active"])
        if errors:
            person = await service.get(actor, person_id)
            return await _form(person, service.details(person), errors)
        return Redirect(path=f"/people/{person_id}", status_code=303)

    @post(
        "/{person_id:int}/password",
        opt=allow(Role.ADMIN),
        status_code=303,
        name="people:reset_password",
    )
    async def reset_password(self, actor: Acting, person_id: FromPath[int], data: Form) -> Any:
        values, errors = PasswordForm.parse(data)
        if not errors:
            errors = await service.reset_password(actor, person_id, values["password"])
        if errors:
            person = await service.get(actor, person_id)
            return await _form(person, service.details(person), errors)
        return Redirect(path=f"/people/{person_id}?reset=1", status_code=303)
