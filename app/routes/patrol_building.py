"""Supervisors build patrol plans at a desk: points with windows, walking order, copy, publish."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.access import allow
from app.forms import FormErrors
from app.patrol import plans
from app.patrol.demand import WINDOW_MINUTES
from app.patrol.forms import (
    CopyForm,
    MoveForm,
    PlanForm,
    PointForm,
    SuggestionForm,
    WeekOfPlansForm,
)
from app.patrol.plans import PointSource
from app.patrol.times import LOCAL
from app.places import team_choices
from app.roles import Role
from app.web import Acting, Form, page


async def _new_form(actor, values: dict, errors: FormErrors) -> Template:
    return page(
        "patrol/new.html",
        values=values,
        errors=errors,
        teams=await team_choices(),
        people=await plans.assignee_choices(actor),
    )


async def _edit(actor, plan_id: int, values: dict, errors: FormErrors) -> Template:
    return page(
        "patrol/edit.html",
        **await plans.plan_page(actor, plan_id),
        window_minutes=WINDOW_MINUTES,
        values=values,
        errors=errors,
    )


def _points(plan_id: int) -> Redirect:
    return Redirect(path=f"/plan/plans/{plan_id}#points", status_code=303)


class PatrolBuildingController(Controller):
    path = "/plan/plans"

    @get("/", opt=allow(Role.SUPERVISOR), name="patrol:plans")
    async def index(self, actor: Acting, day: FromQuery[str] = "") -> Template:
        values, _ = WeekOfPlansForm.parse({"day": day})
        chosen = values["day"] or datetime.now(LOCAL).date()
        rows, counts = await plans.week_of_plans(actor, chosen)
        return page(
            "patrol/plans.html",
            plans=rows,
            counts=counts,
            day=chosen,
            previous=chosen - timedelta(days=7),
            following=chosen + timedelta(days=7),
        )

    @get("/new", opt=allow(Role.SUPERVISOR), name="patrol:new")
    async def new(self, actor: Acting) -> Template:
        values = {
            "team": actor.home_team_id or "",
            "day": datetime.now(LOCAL).date().isoformat(),
            "shift_start": "07:00",
            "shift_end": "15:00",
        }
        return await _new_form(actor, values, FormErrors())

    @post("/", opt=allow(Role.SUPERVISOR), status_code=303, name="patrol:create")
    async def create(self, actor: Acting, data: Form) -> Any:
        values, errors = PlanForm.parse(data)
        plan_id, errors = await plans.create(actor, values, errors)
        if errors:
            return await _new_form(actor, PlanForm.echo(data), errors)
        return Redirect(path=f"/plan/plans/{plan_id}", status_code=303)

    @get("/{plan_id:int}", opt=allow(Role.SUPERVISOR), name="patrol:plan")
    async def show(
        self,
        actor: Acting,
        plan_id: FromPath[int],
        label: FromQuery[str] = "",
        lat: FromQuery[str] = "",
        lng: FromQuery[str] = "",
        window_start: FromQuery[str] = "",
        window_end: FromQuery[str] = "",
    ) -> Template:
        """The plan; a suggestion's link fills the point form (?label=&lat=&lng=&window_...)."""
        picked, _ = SuggestionForm.parse(
            dict(
                label=label,
                lat=lat,
                lng=lng,
                window_start=window_start,
                window_end=window_end,
            )
        )
        values = {**picked, "source": PointSource.SUGGESTION} if picked["label"] else {}
        return await _edit(actor, plan_id, values, FormErrors())

    @post(
        "/{plan_id:int}/points",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="patrol:add_point",
    )
    async def add_point(self, actor: Acting, plan_id: FromPath[int], data: Form) -> Any:
        values, errors = PointForm.parse(data)
        _, errors = await plans.add_point(actor, plan_id, values, errors)
        if errors:
            return await _edit(actor, plan_id, PointForm.echo(data), errors)
        return _points(plan_id)

    @post(
        "/{plan_id:int}/points/{point_id:int}/delete",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="patrol:remove_point",
    )
    async def remove_point(
        self, actor: Acting, plan_id: FromPath[int], point_id: FromPath[int]
    ) -> Redirect:
        await plans.remove_point(actor, plan_id, point_id)
        return _points(plan_id)

    @post(
        "/{plan_id:int}/points/{point_id:int}/move",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="patrol:move_point",
    )
    async def move_point(
        self, actor: Acting, plan_id: FromPath[int], point_id: FromPath[int], data: Form
    ) -> Redirect:
        values, errors = MoveForm.parse(data)
        if not errors:
            await plans.move_point(actor, plan_id, point_id, up=values["direction"] == "up")
        return _points(plan_id)

    @post(
        "/{plan_id:int}/walking-order",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="patrol:walking_order",
    )
    async def walking_order(self, actor: Acting, plan_id: FromPath[int]) -> Redirect:
        """Shortest walking order by geodesic distance from the start (or the first point)."""
        await plans.suggest_walking_order(actor, plan_id)
        return _points(plan_id)

    @post(
        "/{plan_id:int}/publish", opt=allow(Role.SUPERVISOR), status_code=303, name="patrol:publish"
    )
    async def publish(self, actor: Acting, plan_id: FromPath[int]) -> Any:
        errors = await plans.publish(actor, plan_id)
        if errors:
            return await _edit(actor, plan_id, {}, errors)
        return Redirect(path=f"/plan/plans/{plan_id}?published=1", status_code=303)

    @post(
        "/{plan_id:int}/withdraw",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="patrol:withdraw",
    )
    async def withdraw(self, actor: Acting, plan_id: FromPath[int]) -> Redirect:
        """Take a published plan off its people's phones; they are told (Refused for a draft)."""
        await plans.withdraw(actor, plan_id)
        return Redirect(path=f"/plan/plans/{plan_id}?withdrawn=1", status_code=303)

    @post("/{plan_id:int}/copy", opt=allow(Role.SUPERVISOR), status_code=303, name="patrol:copy")
    async def copy(self, actor: Acting, plan_id: FromPath[int], data: Form) -> Any:
        values, errors = CopyForm.parse(data)
        days, errors = await plans.copy(actor, plan_id, values["days"], errors)
        if errors:
            return await _edit(actor, plan_id, CopyForm.echo(data), errors)
        return Redirect(path=f"/plan/plans?day={days[0].isoformat()}", status_code=303)
