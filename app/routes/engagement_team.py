"""The team's engagement log for supervisors: filters, counts by week, and CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.response import Template

from app import clock
from app.access import allow
from app.engagement import team
from app.engagement.forms import KINDS, TOPICS, TeamLogFilter
from app.forms import week_choices
from app.places import team_choices
from app.roles import Role
from app.web import Acting, page


class EngagementTeamController(Controller):
    path = "/log/team"

    @get("/", opt=allow(Role.SUPERVISOR), name="engagement:team")
    async def index(self, request: Request, actor: Acting) -> Template:
        filters, errors = TeamLogFilter.parse(request.query_params)
        shown = TeamLogFilter.echo(request.query_params)
        return page(
            "engagement/team.html",
            errors=errors,
            values=shown,
            teams=await team_choices(),
            kinds=KINDS,
            topics=TOPICS,
            weeks=week_choices(clock.today(), chosen=shown.get("week") or ""),
            query=urlencode({k: v for k, v in shown.items() if v}),
            **await team.team_log(actor, filters),
        )

    @get("/export.csv", opt=allow(Role.SUPERVISOR), name="engagement:team_export")
    async def export(self, request: Request, actor: Acting) -> Response:
        filters, _ = TeamLogFilter.parse(request.query_params)
        return Response(
            content=await team.team_csv(actor, filters),
            media_type="text/csv",
            headers={"content-disposition": 'attachment; filename="engagement.csv"'},
        )
