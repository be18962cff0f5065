"""Volunteer profiles: vetting and training, kept by supervisors; they decide what is offered.

Each vetting level and training has the last day it holds; past it, it counts as absent
(app/taskings/kinds.py). Supervisors see what runs out within EXPIRING_WITHIN_DAYS; a volunteer
sees their own profile and what is left before they may do more than that (finishing joining).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.actor import Actor
from app.audit import Operation, record
from app.clock import today as clock_today
from app.database import atomic, snapshot
from app.outcomes import NotFound
from app.roles import Role
from app.tables.people import Person
from app.tables.taskings import VolunteerProfile
from app.taskings.kinds import (
    EXPIRY_LABELS,
    KINDS,
    TRAINING,
    VETTING,
    VETTING_RANK,
    current_vetting,
    expires_on,
    has_training,
    held,
    is_expired,
    recorded_vetting,
    still_joining,
    why_not,
)

# Supervisors are shown what expires within this many days (and what has already expired).
EXPIRING_WITHIN_DAYS = 30


async def volunteers(actor: Actor, today: date | None = None) -> list[dict]:
    """Every volunteer with their profile, the vetting that holds today and the kinds of
    tasking they may be offered."""
    today = today or clock_today()
    async with snapshot():
        people = (
            await Person.select(
                Person.id,
                Person.display_name,
                Person.collar_number,
                Person.active,
                Person.home_team.name.as_alias("team"),
            )
            .where(Person.role == Role.VOLUNTEER)
            .order_by(Person.display_name)
        )
        profiles = {p["person"]: p for p in await VolunteerProfile.select()}
        await record(actor, Operation.CONSULTATION, "volunteer-profile", "list")
    for person in people:
        profile = profiles.get(person["id"])
        person["profile"] = profile
        person["vetting_now"] = current_vetting(profile, today)
        person["vetting_lapsed"] = (
            VETTING_RANK[recorded_vetting(profile)] > VETTING_RANK[person["vetting_now"]]
        )
        person["training_now"] = [
            label for key, label in TRAINING.items() if has_training(profile, key, today)
        ]
        person["training_lapsed"] = [
            label
            for key, label in TRAINING.items()
            if (profile or {}).get(key) and is_expired(profile, key, today)
        ]
        person["may"] = [k.label for key, k in KINDS.items() if not why_not(key, profile, today)]
    return people


def expiring(
    people: list[dict], today: date | None = None, within: int = EXPIRING_WITHIN_DAYS
) -> list[dict]:
    """What runs out for active volunteers by `within` days from today, or has run out: one row
    per vetting level or training the profile records as passed, soonest first."""
    today = today or clock_today()
    until = today + timedelta(days=within)
    rows = []
    for person in people:
        if not person.get("active", True):
            continue
        profile = person.get("profile")
        for name in held(profile):
            last = expires_on(profile, name)
            if last is None or last > until:
                continue
            rows.append(
                {
                    "person": person,
                    "what": EXPIRY_LABELS[name],
                    "on": last,
                    "expired": last < today,
                    "days": (last - today).days,
                }
            )
    return sorted(rows, key=lambda r: (r["on"], r["person"]["display_name"], r["what"]))


async def volunteer(actor: Actor, person_id: int) -> dict:
    """A volunteer (id, name, collar number); raises NotFound for anyone else."""
    person = (
        await Person.select(Person.id, Person.display_name, Person.collar_number)
        .where((Person.id == person_id) & (Person.role == Role.VOLUNTEER))
        .first()
    )
    if person is None:
        raise NotFound(person_id)
    return person


async def profile(actor: Actor, person_id: int) -> tuple[dict, dict | None]:
    """A volunteer and their profile (None if they have none yet), looked at; raises NotFound."""
    async with snapshot():
        person = await volunteer(actor, person_id)
        found = await VolunteerProfile.select().where(VolunteerProfile.person == person_id).first()
        await record(actor, Operation.CONSULTATION, "volunteer-profile", person_id)
    return person, found


async def save_profile(actor: Actor, person_id: int, values: dict) -> None:
    """Keep a volunteer's profile (values from VolunteerProfileForm); raises NotFound."""
    async with atomic():
        await volunteer(actor, person_id)
        values = {**values, "updated_by": actor.id}
        existing = await VolunteerProfile.exists().where(VolunteerProfile.person == person_id)
        if existing:
            await VolunteerProfile.update(values).where(VolunteerProfile.person == person_id)
        else:
            await VolunteerProfile.insert(VolunteerProfile(person=person_id, **values))
        await record(
            actor,
            Operation.ALTERATION if existing else Operation.COLLECTION,
            "volunteer-profile",
            person_id,
            detail=f"vetting {values['vetting']}",
        )


async def why_not_accept(actor: Actor, kind: str, today: date | None = None) -> str | None:
    """Why this person may not accept an offer of this kind now (None: they may): a volunteer
    whose vetting or training has expired since the offer was made is refused, with the reason.
    Staff are not offered work, so only volunteers are checked. Joins the caller's transaction."""
    if actor.role != Role.VOLUNTEER:
        return None
    found = await VolunteerProfile.select().where(VolunteerProfile.person == actor.id).first()
    return why_not(kind, found, today)


def _state(profile: dict | None, name: str, passed: bool, today: date) -> dict:
    last = expires_on(profile, name) if passed else None
    if not passed:
        status = "not yet"
    elif last is not None and last < today:
        status = "expired"
    else:
        status = "current"
    return {"name": name, "label": EXPIRY_LABELS[name], "status": status, "expires_on": last}


async def own_profile(actor: Actor, today: date | None = None) -> dict:
    """A volunteer's own vetting and training, read-only, and what is left before they have
    finished joining (current initial vetting). Audited as a look at their profile."""
    today = today or clock_today()
    async with snapshot():
        found = await VolunteerProfile.select().where(VolunteerProfile.person == actor.id).first()
        await record(actor, Operation.CONSULTATION, "volunteer-profile", actor.id, detail="own")
    level = recorded_vetting(found)
    vetting = [
        _state(found, "initial", level in ("initial", "full"), today),
        _state(found, "full", level == "full", today),
    ]
    training = [_state(found, key, bool((found or {}).get(key)), today) for key in TRAINING]
    joining = still_joining(found, today)
    return {
        "joining": joining,
        "vetting_now": VETTING[current_vetting(found, today)],
        "vetting": vetting,
        "training": training,
        "left": [v for v in vetting[:1] if v["status"] != "current"] if joining else [],
        "training_left": [t for t in training if t["status"] != "current"],
        "may": [k.label for key, k in KINDS.items() if not why_not(key, found, today)],
    }
