"""The team's engagement log for supervisors: filters, counts by week, and CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from app.access import allow
from app.engagement import team
from app.engagement.forms import KINDS, TOPICS, TeamLogFilter
from app.places import team_choices
from app.roles import Role
from app.web import Acting, page


class EngagementTeamController(Controller):
    path = "/log/team"

    @get("/", opt=allow(Role.SUPERVISOR), name="engagement:team")
    async def index(
        self,
        actor: Acting,
        area: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        topic: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Template:
        shown = {"area": area, "kind": kind, "topic": topic, "week": week}
        filters, errors = TeamLogFilter.parse(shown)
        return page(
            "engagement/team.html",
            errors=errors,
            values=shown,
            teams=await team_choices(),
            kinds=KINDS,
            topics=TOPICS,
            query=urlencode({k: v for k, v in shown.items() if v}),
            **await team.team_log(actor, filters),
        )

    @get("/export.csv", opt=allow(Role.SUPERVISOR), name="engagement:team_export")
    async def export(
        self,
        actor: Acting,
        area: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        topic: FromQuery[str] = "",
        week: FromQuery[str] = "",
    ) -> Response:
        filters, _ = TeamLogFilter.parse({"area": area, "kind": kind, "topic": topic, "week": week})
        return Response(
            content=await team.team_csv(actor, filters),
            media_type="text/csv",
            headers={"content-disposition": 'attachment; filename="engagement.csv"'},
        )
