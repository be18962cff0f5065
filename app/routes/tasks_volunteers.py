"""Volunteer profiles: vetting and training, kept by supervisors; they decide what is offered."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.roles import Role
from app.routes.tasks_desk import SUPERVISORS
from app.tables.people import Person
from app.tables.taskings import VolunteerProfile
from app.taskings.kinds import KINDS, TRAINING, VETTING, why_not
from app.web import Form, FormErrors, page


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


async def _volunteer(person_id: int) -> dict:
    person = (
        await Person.select(Person.id, Person.display_name, Person.collar_number)
        .where((Person.id == person_id) & (Person.role == Role.VOLUNTEER))
        .first()
    )
    if person is None:
        raise NotFoundException()
    return person


class VolunteerProfileController(Controller):
    path = "/tasks/volunteers"

    @get("/", opt=allow(SUPERVISORS))
    async def index(self, request: Request) -> Template:
        people = (
            await Person.select(
                Person.id,
                Person.display_name,
                Person.collar_number,
                Person.home_team.name.as_alias("team"),
            )
            .where(Person.role == Role.VOLUNTEER)
            .order_by(Person.display_name)
        )
        profiles = {p["person"]: p for p in await VolunteerProfile.select()}
        for person in people:
            profile = profiles.get(person["id"])
            person["profile"] = profile
            person["may"] = [k.label for key, k in KINDS.items() if not why_not(key, profile)]
        await record(request, Operation.CONSULTATION, "volunteer-profile", "list")
        return page("tasks/volunteers.html", people=people, vetting=VETTING, training=TRAINING)

    @get("/{person_id:int}", opt=allow(SUPERVISORS))
    async def show(self, request: Request, person_id: int) -> Template:
        person = await _volunteer(person_id)
        profile = (
            await VolunteerProfile.select().where(VolunteerProfile.person == person_id).first()
        )
        await record(request, Operation.CONSULTATION, "volunteer-profile", person_id)
        return self._form(person, profile or {"vetting": "none"}, FormErrors())

    @post("/{person_id:int}", opt=allow(SUPERVISORS), status_code=303)
    async def save(self, request: Request, person_id: int, data: Form) -> Any:
        person = await _volunteer(person_id)
        errors = FormErrors()
        values: dict = {"vetting": str(data.get("vetting", ""))}
        if values["vetting"] not in VETTING:
            errors.add("vetting", "Choose the vetting level")
        for name in ("initial_vetting_on", "full_vetting_on"):
            text = str(data.get(name, "")).strip()
            values[name] = _date(text) if text else None
            if text and (values[name] is None or values[name] > date.today()):
                errors.add(name, "Enter a real date that is not in the future")
        if values["vetting"] in ("initial", "full") and not values["initial_vetting_on"]:
            errors.add("initial_vetting_on", "Enter the date initial vetting was passed")
        if values["vetting"] == "full" and not values["full_vetting_on"]:
            errors.add("full_vetting_on", "Enter the date full vetting was passed")
        for key in TRAINING:
            values[key] = str(data.get(key, "")) == "yes"
        if errors:
            return self._form(person, {**data, **{k: values[k] for k in TRAINING}}, errors)
        values.update(updated_by=request.user.id)
        existing = await VolunteerProfile.exists().where(VolunteerProfile.person == person_id)
        if existing:
            await VolunteerProfile.update(values).where(VolunteerProfile.person == person_id)
        else:
            await VolunteerProfile.insert(VolunteerProfile(person=person_id, **values))
        await record(
            request,
            Operation.ALTERATION if existing else Operation.COLLECTION,
            "volunteer-profile",
            person_id,
            detail=f"vetting {values['vetting']}",
        )
        return Redirect(path="/tasks/volunteers?saved=1", status_code=303)

    @staticmethod
    def _form(person: dict, values: dict, errors: FormErrors) -> Template:
        return page(
            "tasks/volunteer.html",
            status_code=400 if errors else 200,
            person=person,
            values=values,
            errors=errors,
            vetting=list(VETTING.items()),
            training=TRAINING,
        )
