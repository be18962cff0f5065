"""The account use cases: list, look at, create, change, deactivate, reset a password.

Each takes the actor first, opens the transaction and writes its audit entry in it. A role
change, a deactivation and a password reset end the person's sessions (the new role applies
from their next sign-in). The command line and the demo call `create` too, with
`COMMAND_LINE` as the actor.
"""

from __future__ import annotations

import re

from app import audit
from app.actor import Actor
from app.audit import Operation
from app.auth import limits
from app.auth.passwords import hashed, password_problem
from app.auth.sessions import end_sessions_of
from app.database import atomic, contains, small_read, snapshot
from app.forms import FormErrors
from app.outcomes import NotFound
from app.people.forms import NewPersonForm, PersonForm
from app.roles import Role
from app.tables.people import Person, PersonTeam
from app.tables.places import TeamArea

# Who acts when nobody signed in does: `beatbook create-user` and the demo. Its entries have
# no person (actor None in the log) and "(command line)" as the name, as they always had.
COMMAND_LINE = Actor(
    id=None,  # nobody's account: the audit entry names no person
    username="(command line)",
    display_name="(command line)",
    role=Role.ADMIN,
)
EDITABLE = ("display_name", "role", "collar_number", "home_team")
USERNAME = re.compile(r"^[a-z0-9._-]+$")
USERNAME_TAKEN = "That username is taken: choose another"


async def directory(actor: Actor, q: str = "", role: str = "") -> list[dict]:
    """Everyone, by name; `q` matches names and usernames, `role` one role. Audited."""
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
    async with snapshot():
        people = await query
        await audit.record(
            actor,
            Operation.CONSULTATION,
            "person",
            "list",
            detail=f"people list ({len(people)} shown)",
        )
    return people


async def _person(person_id: int) -> Person:
    person = await Person.objects().where(Person.id == person_id).first()
    if person is None:
        raise NotFound(person_id)
    return person


async def _teams_of(person_id: int) -> list[int]:
    rows = await PersonTeam.select(PersonTeam.team).where(PersonTeam.person == person_id)
    return sorted(r["team"] for r in rows)


async def get(actor: Actor, person_id: int) -> Person:
    """One person's account (NotFound if there is none), without auditing: for forms."""
    async with snapshot():
        return await _person(person_id)


def details(person: Person, teams: list[int] | None = None) -> dict:
    """A person's editable values, as the form shows them."""
    values = {name: getattr(person, name) for name in EDITABLE}
    if teams is not None:
        values["teams"] = teams
    return values


async def look_at(actor: Actor, person_id: int) -> tuple[Person, dict]:
    """A person's account and its editable values (with their teams). Audited as a look."""
    async with snapshot():
        person = await _person(person_id)
        values = details(person, await _teams_of(person_id))
        await audit.record(actor, Operation.CONSULTATION, "person", person_id)
    return person, values


async def team_named(name: str) -> int | None:
    """The id of the team area of that name, or None (the command line names teams)."""
    row = await TeamArea.select(TeamArea.id).where(TeamArea.name == name).first()
    return row["id"] if row else None


async def team_name(team_id: int | None) -> str | None:
    """A team area's name (None for no team)."""
    if not team_id:
        return None
    rows = await small_read(TeamArea.raw("SELECT name FROM team_area WHERE id = {}", team_id))
    return rows[0]["name"] if rows else None


async def _check_teams(values: dict, errors: FormErrors) -> None:
    if values.get("home_team") is not None and not await TeamArea.exists().where(
        TeamArea.id == values["home_team"]
    ):
        errors.add("home_team", "Choose a team area from the list")
    teams = sorted(set(values.get("teams") or []))
    if teams and await TeamArea.count().where(TeamArea.id.is_in(teams)) != len(teams):
        errors.add("teams", "Choose team areas from the list")
    values["teams"] = teams


async def _set_teams(person_id: int, teams: list[int]) -> None:
    """The team areas someone works in besides their home team."""
    await PersonTeam.delete().where(PersonTeam.person == person_id)
    if teams:
        await PersonTeam.insert(*[PersonTeam(person=person_id, team=t) for t in teams])


async def create(
    actor: Actor, values: dict, errors: FormErrors | None = None
) -> tuple[int | None, FormErrors]:
    """Add a person (values as NewPersonForm gives them). `errors`: what the form already
    found; the username, the team areas and the password are checked here. Returns the new
    id, or None and every error (nothing stored)."""
    errors = FormErrors(errors or {})
    username = (values.get("username") or "").strip().lower()
    password = values.get("password") or ""
    problem = password_problem(password)
    # Argon2 takes a while on purpose: hash before taking the database's write lock.
    password_hash = await hashed(password) if not problem else ""
    async with atomic():
        if "username" not in errors:
            if not username:
                errors.add("username", "Enter a username")
            elif not USERNAME.match(username) or len(username) > 60:
                errors.add("username", "Use up to 60 letters, numbers, dots, dashes or underscores")
            elif await Person.exists().where(Person.username == username):
                errors.add("username", USERNAME_TAKEN)
        await _check_teams(values, errors)
        if problem:
            errors.add("password", problem)
        if errors:
            return None, NewPersonForm.in_order(errors)
        role = Role(values["role"])
        person = Person(
            username=username,
            display_name=values["display_name"],
            role=role.value,
            collar_number=values.get("collar_number") or None,
            home_team=values.get("home_team"),
            password_hash=password_hash,
        )
        await person.save()
        await _set_teams(person.id, values["teams"])
        await audit.record(
            actor,
            Operation.COLLECTION,
            "person",
            person.id,
            detail=f"created with role {role.value}"
            + (" by beatbook create-user" if actor is COMMAND_LINE else ""),
        )
    return person.id, errors


async def change(
    actor: Actor, person_id: int, values: dict, errors: FormErrors | None = None
) -> FormErrors:
    """Change someone's details, role and teams (values as PersonForm gives them). A new role
    ends their sessions. Raises NotFound; returns the errors (nothing changed if any)."""
    errors = FormErrors(errors or {})
    async with atomic():
        person = await _person(person_id)
        await _check_teams(values, errors)
        if person.id == actor.id and values.get("role") != Role.ADMIN and "role" not in errors:
            errors.add("role", "You cannot take away your own admin role")
        if errors:
            return PersonForm.in_order(errors)
        clean = {
            "display_name": values["display_name"],
            "role": Role(values["role"]).value,
            "collar_number": values.get("collar_number") or None,
            "home_team": values.get("home_team"),
        }
        changed = [name for name in EDITABLE if getattr(person, name) != clean[name]]
        if values["teams"] != await _teams_of(person_id):
            await _set_teams(person_id, values["teams"])
            changed.append("teams")
        if changed:
            await Person.update(clean).where(Person.id == person_id)
            detail = ", ".join(changed)
            if "role" in changed:
                detail += f" (role {person.role} to {clean['role']})"
                await end_sessions_of(person_id)  # the new role applies from the next sign-in
            await audit.record(actor, Operation.ALTERATION, "person", person_id, detail=detail)
    return errors


async def set_active(actor: Actor, person_id: int, active: bool) -> FormErrors:
    """Deactivate (ending their sessions) or reactivate an account. Raises NotFound; an admin
    cannot deactivate themselves (an error under `active`)."""
    errors = FormErrors()
    async with atomic():
        person = await _person(person_id)
        if person.id == actor.id and not active:
            errors.add("active", "You cannot deactivate your own account")
            return errors
        if person.active != active:
            await Person.update({Person.active: active}).where(Person.id == person_id)
            if not active:
                await end_sessions_of(person_id)
            await audit.record(
                actor,
                Operation.ALTERATION,
                "person",
                person_id,
                detail="activated" if active else "deactivated",
            )
    return errors


async def reset_password(actor: Actor, person_id: int, password: str) -> FormErrors:
    """Give someone a new temporary password and sign them out everywhere. Raises NotFound;
    returns the password's problem under `password` (nothing changed)."""
    errors = FormErrors()
    problem = password_problem(password)
    password_hash = await hashed(password) if not problem else ""
    async with atomic():
        person = await _person(person_id)
        if problem:
            errors.add("password", problem)
            return errors
        await limits.forget_account(person.username)  # "ask your supervisor to reset it"
        # A temporary password: changed at the next sign-in (every page asks for that first).
        await Person.update(
            {Person.password_hash: password_hash, Person.must_change_password: True}
        ).where(Person.id == person_id)
        await end_sessions_of(person_id)
        await audit.record(
            actor, Operation.ALTERATION, "person", person_id, detail="password reset"
        )
    return errors
