"""Compliance with patrol plans, for supervisors: per plan, person and week."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from app.access import allow
from app.outcomes import NotFound
from app.patrol import compliance
from app.patrol.forms import ComplianceForm
from app.places import team_choices
from app.roles import Role
from app.web import Acting, page


class PatrolComplianceController(Controller):
    path = "/plan/compliance"

    @get("/", opt=allow(Role.SUPERVISOR), name="patrol:compliance")
    async def report(
        self, actor: Acting, team: FromQuery[str] = "", week: FromQuery[str] = ""
    ) -> Template:
        values, errors = ComplianceForm.parse({"team": team, "week": week})
        monday = values["week"] or compliance.this_monday()
        team_id = values["team"] or actor.home_team_id
        rows, people = [], {}
        if team_id is not None:
            try:
                rows, people = await compliance.report(actor, team_id, monday)
            except NotFound:
                errors.add("team", "Choose a team area")
        return page(
            "patrol/compliance.html",
            rows=rows,
            people=people,
            monday=monday,
            sunday=monday + timedelta(days=6),
            errors=errors,
            teams=await team_choices(),
            team_id=team_id,
            week_value=monday.strftime("%G-W%V"),
            previous=(monday - timedelta(days=7)).strftime("%G-W%V"),
            following=(monday + timedelta(days=7)).strftime("%G-W%V"),
        )
