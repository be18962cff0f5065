"""Plan: not built yet; the page says plainly what it will hold."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.roles import CIVILIAN, EVERYONE, FIELD, POLICE, Role  # noqa: F401
from app.web import page

ROLES = frozenset(POLICE)
NAV = navigation.register("Plan", "/plan", "plan", 50, ROLES)

WILL_HOLD = (
    "Today's patrol plan: the points to visit in order with their time windows, "
    "distance and direction from you, and check-in at each."
)


class PlanController(Controller):
    path = "/plan"

    @get("/", opt=allow(ROLES))
    async def index(self) -> Template:
        return page("placeholder.html", title="Plan", will_hold=WILL_HOLD)
