"""The mentoring outcome: calls to police per month, entered or imported by the coordinator."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Redirect, Template

from app.access import allow
from app.actor import Actor
from app.forms import FormErrors
from app.mentoring import outcomes
from app.mentoring.forms import FigureForm, ImportForm
from app.roles import Role
from app.web import Acting, Form, page


async def _page(actor: Actor, values: dict, errors: FormErrors) -> Template:
    return page(
        "mentoring/outcomes.html",
        values=values,
        errors=errors,
        **await outcomes.outcome_page(actor),
    )


class MentoringOutcomesController(Controller):
    path = "/mentoring/outcomes"

    @get("/", opt=allow(Role.MENTOR, Role.SUPERVISOR), name="mentoring:outcomes")
    async def index(self, actor: Acting) -> Template:
        return await _page(actor, {}, FormErrors())

    @post("/", opt=allow(Role.SUPERVISOR), status_code=303, name="mentoring:enter_figure")
    async def enter(self, actor: Acting, data: Form) -> Any:
        values, errors = FigureForm.parse(data)
        if not errors:
            errors = await outcomes.enter_figure(actor, values)
        if errors:
            return await _page(actor, FigureForm.echo(data), errors)
        return Redirect(path="/mentoring/outcomes?saved=1", status_code=303)

    @post("/import", opt=allow(Role.SUPERVISOR), status_code=303, name="mentoring:import_figures")
    async def import_csv(self, actor: Acting, data: Form) -> Any:
        """Pasted CSV with the columns reference,month,calls; all rows or none are stored."""
        values, errors = ImportForm.parse(data)
        count = 0
        if not errors:
            count, errors = await outcomes.import_figures(actor, values["csv"])
        if errors:
            return await _page(actor, ImportForm.echo(data), errors)
        return Redirect(path=f"/mentoring/outcomes?imported={count}", status_code=303)
