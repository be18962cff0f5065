"""Log: not built yet; the page says plainly what it will hold."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.roles import CIVILIAN, EVERYONE, FIELD, POLICE, Role  # noqa: F401
from app.web import page

ROLES = frozenset(FIELD)
NAV = navigation.register("Log", "/log", "log", 30, ROLES)

WILL_HOLD = (
    "Quick logging of engagement in three taps: the kind, the topics raised, save. It "
    "works offline and sends when the signal returns."
)


class LogController(Controller):
    path = "/log"

    @get("/", opt=allow(ROLES))
    async def index(self) -> Template:
        return page("placeholder.html", title="Log", will_hold=WILL_HOLD)
