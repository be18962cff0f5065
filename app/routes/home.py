"""The home screen: the signed-in person's way into each part of Beatbook."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from app.access import allow
from app.engagement.service import quick_log_context
from app.roles import EVERYONE, FIELD
from app.tables.places import TeamArea
from app.web import page


class HomeController(Controller):
    path = "/"

    @get("/", opt=allow(EVERYONE))
    async def home(self, request: Request) -> Template:
        user = request.user
        team = None
        if user.home_team_id:
            team = (
                await TeamArea.select(TeamArea.name).where(TeamArea.id == user.home_team_id).first()
            )
        quick_log = {}
        if user.role in FIELD:  # the three-tap engagement log, on the home screen
            quick_log = {"quick_log": True, "values": {}, "errors": {}}
            quick_log.update(await quick_log_context(user))
        return page("home/index.html", team_name=team["name"] if team else None, **quick_log)
