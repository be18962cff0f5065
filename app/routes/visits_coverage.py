"""Coverage for supervisors: per team area, on a list and a map; they set the households count."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.forms import FormErrors
from app.roles import MANAGERS
from app.visits import coverage
from app.visits.forms import Households
from app.web import Acting, Form, page

NAV = navigation.register("Visit coverage", "visits:coverage", "visits", 87, primary=False)


async def area_page(actor, team_id: int, errors: FormErrors, values: dict) -> Template:
    shown = await coverage.area(actor, team_id)
    return page(
        "visits/coverage_area.html",
        **shown,
        errors=errors,
        values=values or {"households": shown["team"]["households"] or ""},
    )


class VisitCoverageController(Controller):
    path = "/visits/coverage"

    @get("/", opt=allow(MANAGERS), name="visits:coverage")
    async def index(self, actor: Acting) -> Template:
        return page("visits/coverage.html", areas=await coverage.overview(actor))

    @get("/{team_id:int}", opt=allow(MANAGERS), name="visits:coverage_area")
    async def area(self, actor: Acting, team_id: FromPath[int]) -> Template:
        return await area_page(actor, team_id, FormErrors(), {})

    @post(
        "/{team_id:int}/households",
        opt=allow(MANAGERS),
        status_code=303,
        name="visits:set_households",
    )
    async def set_households(self, actor: Acting, team_id: FromPath[int], data: Form) -> Any:
        values, errors = Households.parse(data)
        if errors:
            return await area_page(actor, team_id, errors, values)
        await coverage.set_households(actor, team_id, values["households"])
        return Redirect(path=f"/visits/coverage/{team_id}?saved=1", status_code=303)
