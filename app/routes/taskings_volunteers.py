"""Volunteer profiles: vetting and training, kept by supervisors; they decide what is offered."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.access import allow
from app.clock import today as clock_today
from app.forms import FormErrors
from app.roles import Role
from app.taskings import volunteers
from app.taskings.forms import VolunteerProfileForm
from app.taskings.kinds import TRAINING, VETTING
from app.web import Acting, Form, page


def _form(person: dict, values: dict, errors: FormErrors) -> Template:
    return page(
        "taskings/volunteer.html",
        person=person,
        values=values,
        errors=errors,
        vetting=list(VETTING.items()),
        training=TRAINING,
        today=clock_today(),
    )


class TaskingsVolunteersController(Controller):
    path = "/tasks/volunteers"

    @get("/", opt=allow(Role.SUPERVISOR), name="taskings:volunteers")
    async def index(self, actor: Acting) -> Template:
        people = await volunteers.volunteers(actor)
        return page(
            "taskings/volunteers.html",
            people=people,
            expiring=volunteers.expiring(people),
            within=volunteers.EXPIRING_WITHIN_DAYS,
            vetting=VETTING,
            training=TRAINING,
        )

    @get("/{person_id:int}", opt=allow(Role.SUPERVISOR), name="taskings:volunteer")
    async def show(self, actor: Acting, person_id: FromPath[int]) -> Template:
        person, profile = await volunteers.profile(actor, person_id)
        return _form(person, profile or {"vetting": "none"}, FormErrors())

    @post(
        "/{person_id:int}",
        opt=allow(Role.SUPERVISOR),
        status_code=303,
        name="taskings:save_volunteer",
    )
    async def save(self, actor: Acting, person_id: FromPath[int], data: Form) -> Any:
        values, errors = VolunteerProfileForm.parse(data)
        if errors:
            person = await volunteers.volunteer(actor, person_id)
            shown = {**VolunteerProfileForm.echo(data), **{k: values[k] for k in TRAINING}}
            return _form(person, shown, VolunteerProfileForm.in_order(errors))
        await volunteers.save_profile(actor, person_id, values)
        return Redirect(path="/tasks/volunteers?saved=1", status_code=303)
