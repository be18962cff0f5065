"""Admins manage the people who sign in: create, change role, deactivate, reset password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import allow
from app.audit import Operation, record
from app.auth.passwords import hash_password, password_problem
from app.auth.sessions import end_sessions_of
from app.database import contains
from app.places import team_choices
from app.roles import ROLE_LABELS, Role
from app.tables.people import Person, PersonTeam
from app.tables.places import TeamArea
from app.web import Form, FormErrors, page

ADMINS = frozenset({Role.ADMIN})
NAV = navigation.register("People", "/people", "people", 80, ADMINS, primary=False)
EDITABLE = ("display_name", "role", "collar_number", "home_team")


async def _person(person_id: FromPath[int]) -> Person:
    person = await Person.objects().where(Person.id == person_id).first()
    if person is None:
        raise NotFoundException()
    return person


async def _teams_of(person_id: FromPath[int]) -> list[int]:
    rows = await PersonTeam.select(PersonTeam.team).where(PersonTeam.person == person_id)
    return sorted(r["team"] for r in rows)


async def _set_teams(person_id: FromPath[int], teams: list[int]) -> None:
    """The team areas someone works in besides their home team."""
    await PersonTeam.delete().where(PersonTeam.person == person_id)
    if teams:
        await PersonTeam.insert(*[PersonTeam(person=person_id, team=t) for t in teams])


async def _check_details(data: dict[str, Any], errors: FormErrors) -> dict[str, Any]:
    """Validate the fields both the new-person and edit forms have; returns clean values."""
    clean = {
        "display_name": str(data.get("display_name", "")).strip(),
        "role": str(data.get("role", "")),
        "collar_number": str(data.get("collar_number", "")).strip() or None,
        "home_team": None,
    }
    if not clean["display_name"]:
        errors.add("display_name", "Enter the person's name")
    elif len(clean["display_name"]) > 120:
        errors.add("display_name", "Enter a name of 120 characters or fewer")
    if clean["role"] not in set(Role):
        errors.add("role", "Choose a role")
    if clean["collar_number"] and len(clean["collar_number"]) > 20:
        errors.add("collar_number", "Enter a collar number of 20 characters or fewer")
    wanted = data.get("teams", [])
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    ids = sorted({int(t) for t in wanted if str(t).isdigit()})
    if len(ids) != len([t for t in wanted if str(t).strip()]) or (
        ids and await TeamArea.count().where(TeamArea.id.is_in(ids)) != len(ids)
    ):
        errors.add("teams", "Choose team areas from the list")
    clean["teams"] = ids
    team = str(data.get("home_team", "")).strip()
    if team:
        if not team.isdigit() or not await TeamArea.exists().where(TeamArea.id == int(team)):
            errors.add("home_team", "Choose a team area from the list")
        else:
            clean["home_team"] = int(team)
    return clean


class PeopleController(Controller):
    path = "/people"

    @get("/", opt=allow(ADMINS))
    async def index(
        self, request: Request, q: FromQuery[str] = "", role: FromQuery[str] = ""
    ) -> Template:
        query = Person.select(
            Person.id,
            Person.username,
            Person.display_name,
            Person.role,
            Person.collar_number,
            Person.active,
            Person.home_team.name.as_alias("team"),
        ).order_by(Person.display_name)
        if q:
            query = query.where(contains(Person.display_name, q) | contains(Person.username, q))
        if role in set(Role):
            query = query.where(Person.role == role)
        people = await query
        await record(
            request,
            Operation.CONSULTATION,
            "person",
            "list",
            detail=f"people list ({len(people)} shown)",
        )
        return page("people/index.html", people=people, q=q, role=role, roles=ROLE_LABELS)

    @get("/new", opt=allow(ADMINS))
    async def new(self) -> Template:
        return await self._form(None, {}, FormErrors())

    @post("/", opt=allow(ADMINS), status_code=303)
    async def create(self, request: Request, data: Form) -> Any:
        errors = FormErrors()
        username = str(data.get("username", "")).strip().lower()
        if not username:
            errors.add("username", "Enter a username")
        elif (
            not username.replace(".", "").replace("-", "").replace("_", "").isalnum()
            or len(username) > 60
        ):
            errors.add("username", "Use up to 60 letters, numbers, dots, dashes or underscores")
        elif await Person.exists().where(Person.username == username):
            errors.add("username", "That username is taken: choose another")
        clean = await _check_details(data, errors)
        password = str(data.get("password", ""))
        problem = password_problem(password)
        if problem:
            errors.add("password", problem)
        if errors:
            return await self._form(None, data, errors)
        teams = clean.pop("teams")
        person = Person(username=username, password_hash=hash_password(password), **clean)
        await person.save()
        await _set_teams(person.id, teams)
        await record(
            request,
            Operation.COLLECTION,
            "person",
            person.id,
            detail=f"created with role {clean['role']}",
        )
        return Redirect(path=f"/people/{person.id}?created=1", status_code=303)

    @get("/{person_id:int}", opt=allow(ADMINS))
    async def show(
        self, request: Request, person_id: FromPath[int], created: FromQuery[bool] = False
    ) -> Template:
        person = await _person(person_id)
        await record(request, Operation.CONSULTATION, "person", person_id)
        values = {name: getattr(person, name) for name in EDITABLE}
        values["teams"] = await _teams_of(person_id)
        return await self._form(person, values, FormErrors(), created=created)

    @post("/{person_id:int}", opt=allow(ADMINS), status_code=303)
    async def update(self, request: Request, person_id: FromPath[int], data: Form) -> Any:
        person = await _person(person_id)
        errors = FormErrors()
        clean = await _check_details(data, errors)
        if person.id == request.user.id and clean["role"] != Role.ADMIN:
            errors.add("role", "You cannot take away your own admin role")
        if errors:
            return await self._form(person, data, errors)
        teams = clean.pop("teams")
        changed = [name for name in EDITABLE if getattr(person, name) != clean[name]]
        if teams != await _teams_of(person_id):
            await _set_teams(person_id, teams)
            changed.append("teams")
        if changed:
            await Person.update(clean).where(Person.id == person_id)
            detail = ", ".join(changed)
            if "role" in changed:
                detail += f" (role {person.role} to {clean['role']})"
                await end_sessions_of(person_id)  # the new role applies from the next sign-in
            await record(request, Operation.ALTERATION, "person", person_id, detail=detail)
        return Redirect(path=f"/people/{person_id}?saved=1", status_code=303)

    @post("/{person_id:int}/active", opt=allow(ADMINS), status_code=303)
    async def set_active(self, request: Request, person_id: FromPath[int], data: Form) -> Any:
        person = await _person(person_id)
        active = str(data.get("active", "")) == "true"
        if person.id == request.user.id and not active:
            return await self._form(
                person,
                {n: getattr(person, n) for n in EDITABLE},
                FormErrors(active="You cannot deactivate your own account"),
            )
        if person.active != active:
            await Person.update({Person.active: active}).where(Person.id == person_id)
            if not active:
                await end_sessions_of(person_id)
            await record(
                request,
                Operation.ALTERATION,
                "person",
                person_id,
                detail="activated" if active else "deactivated",
            )
        return Redirect(path=f"/people/{person_id}", status_code=303)

    @post("/{person_id:int}/password", opt=allow(ADMINS), status_code=303)
    async def reset_password(self, request: Request, person_id: FromPath[int], data: Form) -> Any:
        person = await _person(person_id)
        password = str(data.get("password", ""))
        problem = password_problem(password)
        if problem:
            return await self._form(
                person, {n: getattr(person, n) for n in EDITABLE}, FormErrors(password=problem)
            )
        await Person.update({Person.password_hash: hash_password(password)}).where(
            Person.id == person_id
        )
        await end_sessions_of(person_id)
        await record(request, Operation.ALTERATION, "person", person_id, detail="password reset")
        return Redirect(path=f"/people/{person_id}?reset=1", status_code=303)

    @staticmethod
    async def _form(person: Person | None, values: dict, errors: FormErrors, **extra) -> Template:
        return page(
            "people/form.html",
            status_code=400 if errors else 200,
            person=person,
            values=values,
            errors=errors,
            roles=ROLE_LABELS,
            teams=await team_choices(),
            **extra,
        )
