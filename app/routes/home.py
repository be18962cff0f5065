"""The home screen: the signed-in person's way into each part of Beatbook."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from app.access import allow, may
from app.engagement.service import quick_log_context
from app.headers import SESSION, offline
from app.people import service as people
from app.roles import EVERYONE
from app.web import Acting, page


class HomeController(Controller):
    path = "/"

    # The request: to ask the app's access rules whether the quick log's route lets them in.
    @get("/", opt=allow(EVERYONE) | offline(keep=SESSION), name="home:index")
    async def home(self, request: Request, actor: Acting) -> Template:
        quick_log = {}
        if may(request.app.state["access_rules"], "engagement:log", actor):
            # The three-tap engagement log, on the home screen of whoever may log.
            quick_log = {"quick_log": True, "values": {}, "errors": {}}
            quick_log.update(await quick_log_context(actor))
        team_name = await people.team_name(actor.home_team_id)
        return page("home/index.html", team_name=team_name, **quick_log)
