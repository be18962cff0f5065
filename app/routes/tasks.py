"""Tasks: not built yet; the page says plainly what it will hold."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import allow
from app.roles import CIVILIAN, EVERYONE, FIELD, POLICE, Role  # noqa: F401
from app.web import page

ROLES = frozenset(EVERYONE - {Role.ADMIN})
NAV = navigation.register("Tasks", "/tasks", "tasks", 20, ROLES)

WILL_HOLD = (
    "Your taskings by due time, offers you can accept or decline, and taskings "
    "nearby. Supervisors assign and offer them here, and they reach your phone as "
    "notifications."
)


class TasksController(Controller):
    path = "/tasks"

    @get("/", opt=allow(ROLES))
    async def index(self) -> Template:
        return page("placeholder.html", title="Tasks", will_hold=WILL_HOLD)
