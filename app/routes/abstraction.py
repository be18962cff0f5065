"""Abstraction on the phone: staff record time taken away from neighbourhood work in three taps
(cause, length, Record); the area page shows it per person, area and week."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.areas import abstraction
from app.areas.forms import CAUSES, LENGTHS, AbstractionForm
from app.forms import FormErrors
from app.roles import POLICE
from app.web import Acting, Form, page

NAV = navigation.register("Abstraction", "abstraction:index", "plan", 84, primary=False)
CAUSE_LABELS = {str(k): v for k, v in CAUSES.items()}


async def _page(actor, errors: FormErrors, values: dict, saved: bool = False) -> Template:
    return page(
        "abstraction/index.html",
        errors=errors,
        values=values,
        causes=CAUSE_LABELS,
        lengths=LENGTHS,
        recent=await abstraction.mine(actor),
        saved=saved,
    )


class AbstractionController(Controller):
    path = "/abstraction"

    @get("/", opt=allow(POLICE), name="abstraction:index")
    async def index(self, actor: Acting, saved: FromQuery[str] = "") -> Template:
        return await _page(actor, FormErrors(), {}, saved=bool(saved))

    @post("/", opt=allow(POLICE), status_code=303, name="abstraction:record")
    async def record(self, actor: Acting, data: Form) -> Any:
        values, errors = AbstractionForm.parse(data)
        if errors:
            return await _page(actor, AbstractionForm.in_order(errors), AbstractionForm.echo(data))
        await abstraction.record(actor, values)
        return Redirect(path="/abstraction?saved=1", status_code=303)

    @post(
        "/{abstraction_id:int}/delete",
        opt=allow(POLICE),
        status_code=303,
        name="abstraction:remove",
    )
    async def remove(self, actor: Acting, abstraction_id: FromPath[int]) -> Redirect:
        await abstraction.remove(actor, abstraction_id)
        return Redirect(path="/abstraction", status_code=303)
