"""Demo: volunteer profiles, a few taskings assigned to staff and offered to volunteers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.actor import actor_for
from app.auth.passwords import hashed
from app.roles import Role
from app.tables.people import Person
from app.taskings import service, volunteers
from app.taskings.kinds import TRAINING

ORDER = 30
# Two more Abbey volunteers, so supervisors can see who is left out of an offer and why.
MORE_VOLUNTEERS = [
    (
        "volunteer2",
        "Demo volunteer (initial vetting)",
        "V 0412",
        "initial",
        ("conflict_resolution",),
    ),
    ("volunteer3", "Demo volunteer (in training)", "V 0533", "none", ()),
]


async def load(ctx) -> None:
    people = ctx.made["people"]
    home = ctx.made["home_team"]
    supervisor = actor_for(people[Role.SUPERVISOR])
    await volunteers.save_profile(
        supervisor,
        people[Role.VOLUNTEER].id,
        {
            "vetting": "full",
            "initial_vetting_on": date(2025, 9, 1),
            "full_vetting_on": date(2025, 11, 24),
            **{key: True for key in TRAINING},
        },
    )
    password_hash = await hashed(ctx.password)
    for username, name, collar, vetting, training in MORE_VOLUNTEERS:
        person = Person(
            username=username,
            display_name=name,
            role=Role.VOLUNTEER,
            collar_number=collar,
            home_team=home.id,
            password_hash=password_hash,
        )
        await person.save()
        await volunteers.save_profile(
            supervisor,
            person.id,
            {
                "vetting": vetting,
                "initial_vetting_on": date(2026, 10, 1) if vetting != "none" else None,
                "full_vetting_on": None,
                **{key: key in training for key in TRAINING},
            },
        )
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)

    def window(hours: int, length: int = 2) -> dict:
        return {
            "starts_at": soon + timedelta(hours=hours),
            "ends_at": soon + timedelta(hours=hours + length),
        }

    common = {"details": "", "lat": None, "lng": None, "address": "", "places_wanted": 1}
    ctx.made["taskings"] = [
        await service.create(
            supervisor,
            {
                **common,
                **window(0),
                "kind": "patrol",
                "title": "Patrol the Abbey Street shops",
                "details": "Shopkeepers report groups gathering after school.",
                "place_kind": "address",
                "address": "Abbey Street, Derby DE22 3SJ",
                "lat": 52.9163,
                "lng": -1.4860,
                "team": home.id,
                "priority": "priority",
                "mode": "assign",
            },
            [people[Role.PCSO].id],
        ),
        await service.create(
            supervisor,
            {
                **common,
                **window(24),
                "kind": "leaflet_drop",
                "title": "Autumn newsletter drop",
                "place_kind": "area",
                "team": home.id,
                "priority": "routine",
                "mode": "offer",
                "places_wanted": 2,
            },
            [],
        ),
        await service.create(
            supervisor,
            {
                **common,
                **window(48, 1),
                "kind": "home_visit",
                "title": "Home security visit after a burglary nearby",
                "place_kind": "point",
                "lat": 52.9180,
                "lng": -1.4890,
                "team": home.id,
                "priority": "routine",
                "mode": "offer",
            },
            [],
        ),
    ]
