"""Small factories that write real rows (run synchronously from tests)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from piccolo.utils.sync import run_sync

from app.actor import Actor, actor_for
from app.auth.passwords import hash_password
from app.clock import today
from app.tables.people import Person
from app.tables.places import Division, Force, Section, TeamArea
from app.tables.taskings import VolunteerProfile

__all__ = ["make_actor", "make_person", "make_team", "make_vetting", "PASSWORD", "actor_of"]

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


def make_team(name: str | None = None, lat: float = 52.9225, lng: float = -1.4746) -> TeamArea:
    """A team area (with a force, division and section of its own)."""
    n = next(_counter)

    async def build() -> TeamArea:
        force = Force(name=f"Test Force {n}")
        await force.save()
        division = Division(force=force.id, name=f"Division {n}")
        await division.save()
        section = Section(division=division.id, name=f"Section {n}")
        await section.save()
        team = TeamArea(
            section=section.id, name=name or f"Team {n}", centre_lat=lat, centre_lng=lng
        )
        await team.save()
        return team

    return run_sync(build())


def make_person(
    role: str = "pcso",
    username: str | None = None,
    password: str | None = None,
    active: bool = True,
    home_team: int | None = None,
    display_name: str | None = None,
    vetting: str | None = "initial",
) -> Person:
    """A person of the given role; by default their password is PASSWORD.

    A volunteer gets a profile with current initial vetting (and no training) unless the test
    says otherwise: vetting="full" (current full vetting), "expired" (initial vetting that
    ran out yesterday), or None / "none" (no profile at all: a volunteer still joining)."""
    n = next(_counter)
    person = Person(
        username=username or f"{role}{n}",
        display_name=display_name or f"Test {role} {n}",
        role=role,
        collar_number=f"T{n}",
        home_team=home_team,
        active=active,
        password_hash=hash_password(password) if password else _PASSWORD_HASH,
    )
    person.save().run_sync()
    if role == "volunteer" and vetting not in (None, "none"):
        make_vetting(person, vetting)
    return person


def make_vetting(person, vetting: str = "initial", **training_expiry) -> None:
    """Give a volunteer a profile (replacing any): 'initial' or 'full' vetting current for a
    year, or 'expired' (initial vetting passed two years ago, its last day yesterday); the
    keyword arguments add trainings, each with its last day (`risk_management=date`)."""
    day = today()
    expired = vetting == "expired"
    level = "initial" if expired else vetting
    if level not in ("initial", "full"):
        raise ValueError(f"vetting must be 'initial', 'full' or 'expired', not {vetting!r}")
    values = {
        "vetting": level,
        "initial_vetting_on": day - timedelta(days=730 if expired else 30),
        "initial_vetting_expires_on": day - timedelta(days=1) if expired else day + timedelta(365),
    }
    if level == "full":
        values["full_vetting_on"] = day - timedelta(days=10)
        values["full_vetting_expires_on"] = day + timedelta(days=365)
    for key, last in training_expiry.items():
        values[key] = True
        values[f"{key}_expires_on"] = last
    VolunteerProfile.delete().where(VolunteerProfile.person == person.id).run_sync()
    VolunteerProfile.insert(VolunteerProfile(person=person.id, **values)).run_sync()


def actor_of(person, address: str = "127.0.0.1") -> Actor:
    """The Actor a use case is handed for this person (as the web's dependency makes it)."""
    return actor_for(person, address=address)


def make_actor(role: str = "pcso", **person_fields) -> Actor:
    """A new person of the role, as an Actor: for tests that call use cases without HTTP."""
    return actor_of(make_person(role, **person_fields))
