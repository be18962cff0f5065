"""The home screen: the signed-in person's way into each part of Beatbook."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import HTTPException
from litestar.response import Template

from app.access import allow, permits, rule_of
from app.people import service as people
from app.roles import EVERYONE
from app.routes.log import quick_log_context
from app.web import Acting, page

# Where the home screen's quick-log form posts: shown to whoever that route's rule lets in.
QUICK_LOG = ("POST", "/log")


def _may_use(request: Request, actor, method: str, path: str) -> bool:
    """Whether the actor passes the access rule of the route that serves method + path."""
    try:
        handler = request.app.asgi_router.handle_routing(path, method)[1]
    except HTTPException:
        return False
    return permits(rule_of(handler), actor)


class HomeController(Controller):
    path = "/"

    # The request: to ask the router which route the quick-log form reaches.
    @get("/", opt=allow(EVERYONE), name="home:index")
    async def home(self, request: Request, actor: Acting) -> Template:
        quick_log = {}
        if _may_use(request, actor, *QUICK_LOG):  # the three-tap engagement log, on the home
            quick_log = {"quick_log": True, "values": {}, "errors": {}}
            quick_log.update(await quick_log_context(actor))
        team_name = await people.team_name(actor.home_team_id)
        return page("home/index.html", team_name=team_name, **quick_log)
