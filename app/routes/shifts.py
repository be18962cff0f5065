"""Shifts: start one (or set a weekly pattern), with an opt-in push at its start that opens
the briefing (app/shifts/)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.access import allow
from app.forms import FormErrors
from app.roles import POLICE
from app.shifts import service
from app.shifts.forms import WEEKDAYS, Pattern, StartShift
from app.web import Acting, Form, page


async def _page(actor, errors=None, values=None, saved: str = "") -> Template:
    return page(
        "shifts/index.html",
        errors=errors or FormErrors(),
        values=values or {},
        weekdays=WEEKDAYS,
        saved=saved,
        **await service.mine(actor),
    )


class ShiftsController(Controller):
    path = "/shifts"

    @get("/", opt=allow(POLICE), name="shifts:index")
    async def index(self, actor: Acting, saved: FromQuery[str] = "") -> Template:
        return await _page(actor, saved=saved[:20])

    @post("/", opt=allow(POLICE), status_code=303, name="shifts:start")
    async def start(self, actor: Acting, data: Form) -> Any:
        values, errors = StartShift.parse(data)
        if errors:
            return await _page(actor, StartShift.in_order(errors), StartShift.echo(data))
        await service.start(actor, values)
        return Redirect(path="/shifts?saved=shift", status_code=303)

    @post("/pattern", opt=allow(POLICE), status_code=303, name="shifts:pattern")
    async def pattern(self, actor: Acting, data: Form) -> Any:
        values, errors = Pattern.parse(data)
        if errors:
            return await _page(actor, Pattern.in_order(errors), Pattern.echo(data))
        await service.set_pattern(actor, values)
        return Redirect(path="/shifts?saved=pattern", status_code=303)

    @post("/{shift_id:int}/end", opt=allow(POLICE), status_code=303, name="shifts:end")
    async def end(self, actor: Acting, shift_id: FromPath[int]) -> Redirect:
        await service.end(actor, shift_id)
        return Redirect(path="/shifts", status_code=303)
