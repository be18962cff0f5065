"""The ward at a glance, for supervisors: the section and division roll-up (their desk page),
each team area's page, the records behind a figure, and each as CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app import navigation
from app.access import allow
from app.areas import figures, records, service
from app.areas.forms import CAUSES
from app.engagement.forms import KINDS as ENGAGEMENT_KINDS
from app.roles import Role
from app.web import Acting, page

SUPERVISORS = allow(Role.SUPERVISOR)
NAV = navigation.register("Areas", "areas:rollup", "people", 5, primary=False)
CAUSE_LABELS = {str(k): v for k, v in CAUSES.items()}
KIND_LABELS = {str(k): v for k, v in ENGAGEMENT_KINDS.items()}


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class AreasController(Controller):
    path = "/areas"

    @get("/", opt=SUPERVISORS, name="areas:rollup")
    async def rollup(
        self, actor: Acting, sort: FromQuery[str] = "section", order: FromQuery[str] = ""
    ) -> Template:
        found = await service.rollup(actor, sort, order == "desc")
        return page(
            "areas/rollup.html",
            rollup=found,
            columns=service.ROLLUP_COLUMNS,
        )

    @get("/rollup.csv", opt=SUPERVISORS, name="areas:rollup_csv")
    async def rollup_csv(
        self, actor: Acting, sort: FromQuery[str] = "section", order: FromQuery[str] = ""
    ) -> Response:
        found = await service.rollup(actor, sort, order == "desc")
        return _csv(service.rollup_csv(found), "areas.csv")

    @get("/{team_id:int}", opt=SUPERVISORS, name="areas:area")
    async def area(self, actor: Acting, team_id: FromPath[int]) -> Template:
        area = await service.area_page(actor, team_id)
        return page(
            "areas/area.html",
            area=area,
            weeks=figures.week_starts(datetime.now(UTC)),
            causes=CAUSE_LABELS,
            kinds=KIND_LABELS,
        )

    @get("/{team_id:int}/figures.csv", opt=SUPERVISORS, name="areas:area_csv")
    async def area_csv(self, actor: Acting, team_id: FromPath[int]) -> Response:
        area = await service.area_page(actor, team_id)
        return _csv(service.area_csv(area), f"area-{team_id}.csv")

    @get("/{team_id:int}/records/{figure:str}", opt=SUPERVISORS, name="areas:records")
    async def records(
        self, request: Request, actor: Acting, team_id: FromPath[int], figure: FromPath[str]
    ) -> Template | Response:
        # Which rows: key, which, type, kind, week, person, state, cause (records.py reads
        # them; values are only ever query parameters). ?csv=1: as CSV.
        params = request.query_params
        query = {name: params.get(name, "")[:200] for name in records.QUERY}
        csv = params.get("csv", "")
        team, found = await service.area_records(actor, team_id, figure, query)
        if csv:
            return _csv(service.records_csv(found), f"area-{team_id}-{figure}.csv")
        return page(
            "areas/records.html",
            team=team,
            found=found,
            figure=figure,
            shown=records.SHOWN,
            csv_query=urlencode({**{k: v for k, v in query.items() if v}, "csv": "1"}),
        )
