"""Briefing: not built yet; the page says plainly what it will hold."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.roles import CIVILIAN, EVERYONE, FIELD, POLICE, Role  # noqa: F401
from app.web import page

ROLES = frozenset(EVERYONE)
NAV = navigation.register("Briefing", "/briefing", "briefing", 10, ROLES)

WILL_HOLD = (
    "What happened near where you stand or in your ward lately: recent incidents "
    "nearest first, repeat places, the ward's priorities and contacts, and taskings "
    "and problem-solving plans nearby. Police roles also see repeat victims and "
    "offenders."
)


class BriefingController(Controller):
    path = "/briefing"

    @get("/", opt=allow(ROLES))
    async def index(self) -> Template:
        return page("placeholder.html", title="Briefing", will_hold=WILL_HOLD)
