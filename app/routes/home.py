"""The home screen: the signed-in person's waiting work first, then the quick log; and the
navigation's counts of what waits (an htmx fragment every other page loads, never stored)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app.access import allow, may
from app.engagement.service import quick_log_context
from app.headers import SESSION, offline
from app.home.waiting import counts, waiting
from app.people import service as people
from app.roles import EVERYONE, Role
from app.taskings.states import LABELS
from app.web import Acting, is_fragment_request, page


def _here(lat: float | None, lng: float | None) -> tuple[float, float] | None:
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


class HomeController(Controller):
    path = "/"

    # The request: to ask the app's access rules whether the quick log's route lets them in.
    @get("/", opt=allow(EVERYONE) | offline(keep=SESSION), name="home:index")
    async def home(
        self,
        request: Request,
        actor: Acting,
        lat: FromQuery[float | None] = None,
        lng: FromQuery[float | None] = None,
    ) -> Template:
        quick_log = {}
        rules = request.app.state["access_rules"]
        if may(rules, "engagement:log", actor):
            # The three-tap engagement log, on the home screen of whoever may log.
            quick_log = {"quick_log": True, "values": {}, "errors": {}}
            quick_log.update(await quick_log_context(actor))
        team_name = await people.team_name(actor.home_team_id)
        waits = await waiting(actor, _here(lat, lng)) if actor.role != Role.ADMIN else None
        return page(
            "home/index.html",
            team_name=team_name,
            waiting=waits,
            nav_counts=waits.counts() if waits else {},
            labels=LABELS,
            # The supervisor's desk home is the section roll-up: its link comes first.
            rollup=actor.role == Role.SUPERVISOR and may(rules, "areas:rollup", actor),
            **quick_log,
        )

    @get("/waiting", opt=allow(EVERYONE), name="home:counts")
    async def waiting_counts(self, request: Request, actor: Acting) -> Template | Redirect:
        """The navigation's counts (every page but the home screen, which has them already):
        a fragment for htmx; opened as a page, the home screen, which shows what waits."""
        if not is_fragment_request(request):
            return Redirect(path="/", status_code=303)
        found = await counts(actor) if actor.role != Role.ADMIN else {}
        return page("home/counts.html", nav_counts=found)
