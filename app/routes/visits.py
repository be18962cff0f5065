"""Visits: not built yet; the page says plainly what it will hold."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.roles import CIVILIAN, EVERYONE, FIELD, POLICE, Role  # noqa: F401
from app.web import page

ROLES = frozenset(FIELD)
NAV = navigation.register("Visits", "/visits", "visits", 40, ROLES)

WILL_HOLD = (
    "Healthy, Safe, Secure home visits: the checklist one section at a time, advice "
    "as answers call for it, referrals to partner agencies and follow-ups."
)


class VisitsController(Controller):
    path = "/visits"

    @get("/", opt=allow(ROLES))
    async def index(self) -> Template:
        return page("placeholder.html", title="Visits", will_hold=WILL_HOLD)
