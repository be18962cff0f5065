"""A volunteer's own profile: their vetting and training, read-only, and what is left to finish
joining. The one page (besides signing in and out) a volunteer still joining may open."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from app import navigation
from app.access import JOINING_PATH, allow
from app.roles import Role
from app.taskings import volunteers
from app.web import Acting, page

NAV = navigation.register("Your profile", "joining:index", "people", 95, primary=False)


class JoiningController(Controller):
    path = JOINING_PATH

    @get("/", opt=allow(Role.VOLUNTEER, while_joining=True), name="joining:index")
    async def index(self, actor: Acting) -> Template:
        return page(
            "joining/index.html",
            headers={"Cache-Control": "no-store"},  # their own vetting: not kept on the phone
            **await volunteers.own_profile(actor),
        )
