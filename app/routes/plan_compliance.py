"""Compliance with patrol plans, for supervisors: per plan, person and week."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from app.access import allow
from app.audit import Operation, record
from app.patrol.compliance import monday_of, this_monday, week_report
from app.places import team_choices
from app.roles import Role
from app.tables.places import TeamArea
from app.web import FormErrors, page

SUPERVISORS = frozenset({Role.SUPERVISOR})


class PlanComplianceController(Controller):
    path = "/plan/compliance"

    @get("/", opt=allow(SUPERVISORS))
    async def report(
        self, request: Request, team: FromQuery[str] = "", week: FromQuery[str] = ""
    ) -> Template:
        errors = FormErrors()
        monday = monday_of(week) if week else this_monday()
        if monday is None:
            errors.add("week", "Enter a week like 2026-W47, or a date in it")
            monday = this_monday()
        team_id = int(team) if team.isdigit() else request.user.home_team_id
        if team_id is None or not await TeamArea.exists().where(TeamArea.id == team_id):
            rows, people = [], {}
            if team:
                errors.add("team", "Choose a team area")
        else:
            rows, people = await week_report(team_id, monday)
            await record(
                request,
                Operation.CONSULTATION,
                "patrol-compliance",
                team_id,
                detail=f"week of {monday.isoformat()}",
            )
        return page(
            "plan/compliance.html",
            status_code=400 if errors else 200,
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
