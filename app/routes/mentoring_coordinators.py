"""Admins mark which supervisors coordinate the mentors (they then read every mentor's notes)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.roles import Role
from app.tables.mentoring import MentorCoordinator
from app.tables.people import Person
from app.web import page

ADMINS = frozenset({Role.ADMIN})


class MentorCoordinatorController(Controller):
    path = "/mentoring/coordinators"

    @get("/", opt=allow(ADMINS))
    async def index(self) -> Template:
        supervisors = (
            await Person.select(Person.id, Person.display_name, Person.username)
            .where(
                (Person.role == Role.SUPERVISOR) & (Person.active == True)  # noqa: E712
            )
            .order_by(Person.display_name)
        )
        marked = {r["person"] for r in await MentorCoordinator.select(MentorCoordinator.person)}
        return page("mentoring/coordinators.html", supervisors=supervisors, marked=marked)

    @post("/{person_id:int}", opt=allow(ADMINS), status_code=303)
    async def toggle(self, request: Request, person_id: int) -> Redirect:
        if not await Person.exists().where(
            (Person.id == person_id) & (Person.role == Role.SUPERVISOR)
        ):
            raise NotFoundException()
        if await MentorCoordinator.exists().where(MentorCoordinator.person == person_id):
            await MentorCoordinator.delete().where(MentorCoordinator.person == person_id)
            detail = "no longer mentor coordinator"
        else:
            await MentorCoordinator.insert(MentorCoordinator(person=person_id))
            detail = "made mentor coordinator"
        await record(request, Operation.ALTERATION, "person", person_id, detail=detail)
        return Redirect(path="/mentoring/coordinators", status_code=303)
