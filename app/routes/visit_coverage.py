"""Coverage for supervisors: per team area, on a list and a map; they set the households count."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.audit import Operation, record
from app.roles import MANAGERS
from app.routes.visits import Form
from app.tables.places import TeamArea
from app.visits import store
from app.visits.coverage import coverage, points_svg
from app.web import FormErrors, page

NAV = navigation.register(
    "Visit coverage", "/visits/coverage", "visits", 87, MANAGERS, primary=False
)


class VisitCoverageController(Controller):
    path = "/visits/coverage"

    @get("/", opt=allow(MANAGERS))
    async def index(self, request: Request) -> Template:
        home = [request.user.home_team_id] if request.user.home_team_id else []
        areas = await coverage(store.now().date(), home)
        return page("visits/coverage.html", areas=areas)

    @get("/{team_id:int}", opt=allow(MANAGERS))
    async def area(self, request: Request, team_id: int) -> Template:
        return await self._area(request, team_id, FormErrors(), {})

    @post("/{team_id:int}/households", opt=allow(MANAGERS), status_code=303)
    async def set_households(self, request: Request, team_id: int, data: Form) -> Any:
        raw = str(data.get("households", "")).strip().replace(",", "")
        errors = FormErrors()
        if raw and (not raw.isdigit() or not 1 <= int(raw) <= 1_000_000):
            errors.add(
                "households",
                "Enter the number of households, from 1 to 1,000,000, or leave it empty",
            )
        if errors:
            return await self._area(request, team_id, errors, {"households": raw})
        await TeamArea.update({TeamArea.households: int(raw) if raw else None}).where(
            TeamArea.id == team_id
        )
        return Redirect(path=f"/visits/coverage/{team_id}?saved=1", status_code=303)

    @staticmethod
    async def _area(request: Request, team_id: int, errors: FormErrors, values: dict) -> Template:
        team = (
            await TeamArea.select(TeamArea.id, TeamArea.name, TeamArea.households)
            .where(TeamArea.id == team_id)
            .first()
        )
        if team is None:
            raise NotFoundException("No such team area")
        figures = (await coverage(store.now().date(), only=team_id))[0]
        svg = await points_svg(team_id)
        # The map shows where households were visited: a look at personal data.
        await record(
            request,
            Operation.CONSULTATION,
            "home_visit",
            f"team {team_id}",
            detail="coverage map of visited households",
        )
        return page(
            "visits/coverage_area.html",
            status_code=400 if errors else 200,
            team=team,
            area=figures,
            svg=svg,
            errors=errors,
            values=values or {"households": team["households"] or ""},
        )
