"""Demo: volunteer profiles, a few taskings assigned to staff and offered to volunteers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.actor import actor_for
from app.auth.passwords import hashed
from app.clock import today as clock_today
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
    # No vetting yet: signing in as them shows what is left to finish joining, and no more.
    ("volunteer3", "Demo volunteer (in training)", "V 0533", "none", ()),
]
# Days left on volunteer2's initial vetting: within the supervisor's 30-day list.
INITIAL_VETTING_LEFT_DAYS = 21


def _days(n: int) -> date:
    """A day n days from today (before it, for n < 0): the demo's dates follow the clock."""
    return clock_today() + timedelta(days=n)


async def load(ctx) -> None:
    people = ctx.made["people"]
    home = ctx.made["home_team"]
    supervisor = actor_for(people[Role.SUPERVISOR])
    # Fully vetted and trained, each for a good while yet.
    await volunteers.save_profile(
        supervisor,
        people[Role.VOLUNTEER].id,
        {
            "vetting": "full",
            "initial_vetting_on": _days(-450),
            "initial_vetting_expires_on": _days(3 * 365 - 450),
            "full_vetting_on": _days(-370),
            "full_vetting_expires_on": _days(5 * 365 - 370),
            **{key: True for key in TRAINING},
            **{f"{key}_expires_on": _days(300 + 20 * n) for n, key in enumerate(TRAINING)},
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
        vetted = vetting != "none"
        await volunteers.save_profile(
            supervisor,
            person.id,
            {
                "vetting": vetting,
                "initial_vetting_on": _days(-61) if vetted else None,
                # Initial vetting runs out in three weeks: on the supervisor's expiring list.
                "initial_vetting_expires_on": _days(INITIAL_VETTING_LEFT_DAYS) if vetted else None,
                "full_vetting_on": None,
                "full_vetting_expires_on": None,
                **{key: key in training for key in TRAINING},
                **{
                    f"{key}_expires_on": _days(365) if key in training else None for key in TRAINING
                },
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
