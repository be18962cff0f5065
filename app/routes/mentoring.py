"""Mentoring: not built yet; the page says plainly what it will hold."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.roles import CIVILIAN, EVERYONE, FIELD, POLICE, Role  # noqa: F401
from app.web import page

ROLES = frozenset({Role.MENTOR, Role.SUPERVISOR})
NAV = navigation.register("Mentoring", "/mentoring", "mentoring", 35, ROLES)

WILL_HOLD = (
    "Your mentoring clients, contacts with them, their goals and exit plans. "
    "Confidential to you and the mentor coordinator."
)


class MentoringController(Controller):
    path = "/mentoring"

    @get("/", opt=allow(ROLES))
    async def index(self) -> Template:
        return page("placeholder.html", title="Mentoring", will_hold=WILL_HOLD)
