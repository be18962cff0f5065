"""The partner agency directory's pages: parse the form, call the use case, answer."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.agencies import service
from app.agencies.forms import KINDS, AgencyForm
from app.forms import FormErrors
from app.places import team_choices
from app.roles import EVERYONE, MANAGERS
from app.web import Acting, Form, page

# Everyone may read the directory; the menu offers it to those who keep it.
NAV = navigation.register(
    "Partner agencies", "agencies:index", "people", 85, audience=MANAGERS, primary=False
)


async def _form(agency: dict | None, values: dict, errors: FormErrors) -> Template:
    return page(
        "agencies/form.html",
        agency=agency,
        values=values,
        errors=errors,
        teams=await team_choices(),
        kinds=await service.kinds(KINDS),
    )


class AgenciesController(Controller):
    path = "/agencies"

    # Everyone may read the directory (organisations, not personal data); managers keep it.
    @get("/", opt=allow(EVERYONE), name="agencies:index")
    async def index(self, actor: Acting) -> Template:
        return page("agencies/index.html", rows=await service.directory(actor))

    @get("/new", opt=allow(MANAGERS), name="agencies:new")
    async def new(self) -> Template:
        return await _form(None, {"active": True}, FormErrors())

    @post("/", opt=allow(MANAGERS), status_code=303, name="agencies:add")
    async def add(self, actor: Acting, data: Form) -> Any:
        values, errors = AgencyForm.parse(data)
        if not errors:
            _, errors = await service.add(actor, values)
        if errors:
            return await _form(None, AgencyForm.echo(data), errors)
        return Redirect(path="/agencies?saved=1", status_code=303)

    @get("/{agency_id:int}", opt=allow(MANAGERS), name="agencies:edit")
    async def edit(self, actor: Acting, agency_id: FromPath[int]) -> Template:
        try:
            agency = await service.get(actor, agency_id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return await _form(agency, agency, FormErrors())

    @post("/{agency_id:int}", opt=allow(MANAGERS), status_code=303, name="agencies:change")
    async def change(self, actor: Acting, agency_id: FromPath[int], data: Form) -> Any:
        values, errors = AgencyForm.parse(data)
        try:
            agency = await service.get(actor, agency_id)
            if not errors:
                errors = await service.change(actor, agency_id, values)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        if errors:
            return await _form(agency, AgencyForm.echo(data), errors)
        return Redirect(path="/agencies?saved=1", status_code=303)
