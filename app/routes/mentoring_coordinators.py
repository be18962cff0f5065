"""Admins mark which supervisors coordinate the mentors (they then read every mentor's notes)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.access import allow
from app.mentoring import coordinators
from app.roles import Role
from app.web import Acting, page


class MentoringCoordinatorsController(Controller):
    path = "/mentoring/coordinators"

    @get("/", opt=allow(Role.ADMIN), name="mentoring:coordinators")
    async def index(self, actor: Acting) -> Template:
        return page("mentoring/coordinators.html", **await coordinators.supervisors(actor))

    @post(
        "/{person_id:int}",
        opt=allow(Role.ADMIN),
        status_code=303,
        name="mentoring:toggle_coordinator",
    )
    async def toggle(self, actor: Acting, person_id: FromPath[int]) -> Redirect:
        await coordinators.toggle(actor, person_id)
        return Redirect(path="/mentoring/coordinators", status_code=303)
