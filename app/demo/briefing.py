"""Demo: a generated, clearly labelled incident set around the demo teams, priorities, contacts."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

from app.actor import actor_for
from app.briefing import area
from app.crime.incidents import COLUMNS
from app.crime.store import upsert
from app.database import atomic
from app.geo import cell_of
from app.roles import Role
from app.tables.places import TeamArea

ORDER = 20
SOURCE = "Demo incidents (generated, not real)"
TEAMS = {"Abbey": 260, "Derby City": 220, "Normanton": 120, "Mickleover": 80}
# A shop-theft cluster in the city centre, about 1.7 km from Abbey's centre (browser tests use it).
CLUSTER = (52.9225, -1.4746, "On or near Corn Market (demo)", 8)
CATEGORIES = [
    ("Anti-social behaviour", 30),
    ("Violence and sexual offences", 20),
    ("Shoplifting", 12),
    ("Criminal damage and arson", 10),
    ("Vehicle crime", 8),
    ("Burglary", 7),
    ("Public order", 7),
    ("Drugs", 4),
    ("Possession of weapons", 2),
]
STREETS = [
    "Abbey Street",
    "Stockbrook Street",
    "Uttoxeter New Road",
    "Friar Gate",
    "Ashbourne Road",
    "Burton Road",
    "Normanton Road",
    "Green Lane",
    "Mickleover Park",
    "Kedleston Road",
]


def _point(rng: random.Random, lat: float, lng: float, metres: float) -> tuple[float, float]:
    distance, angle = metres * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(angle) / 111_320
    dlng = distance * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def _row(ref, when, category, lat, lng, location, victim=None, suspect=None, knife=False):
    return (
        ref,
        when,
        category,
        lat,
        lng,
        cell_of(lat, lng),
        location,
        victim,
        suspect,
        knife,
        SOURCE,
    )


def generate(centres: dict[str, tuple[float, float]], now: datetime) -> list[tuple]:
    """The demo incidents: spread over 200 days, with people who repeat, and knife incidents."""
    rng = random.Random(4127)
    kinds, weights = zip(*CATEGORIES, strict=True)
    rows, n = [], 0
    for team, count in TEAMS.items():
        lat, lng = centres[team]
        for _ in range(count):
            n += 1
            plat, plng = _point(rng, lat, lng, 900)
            when = now - timedelta(days=rng.uniform(0, 200) ** 1.1 / 1.7, hours=rng.uniform(0, 24))
            rows.append(
                _row(
                    f"DEMO-{n:05d}",
                    when.replace(microsecond=0),
                    rng.choices(kinds, weights)[0],
                    plat,
                    plng,
                    f"On or near {rng.choice(STREETS)} (demo)",
                )
            )
    lat, lng, place, count = CLUSTER
    for i in range(count):
        when = now - timedelta(days=i * 0.7, hours=2)
        rows.append(
            _row(
                f"DEMO-C{i:03d}",
                when.replace(microsecond=0),
                "Shoplifting",
                *_point(rng, lat, lng, 40),
                place,
            )
        )
    abbey = centres["Abbey"]
    shops = _point(rng, *abbey, 150)  # a repeat place: the same shops, again and again
    for i in range(5):
        when = (now - timedelta(days=3 + i * 11, hours=5)).replace(microsecond=0)
        rows.append(
            _row(
                f"DEMO-R{i:03d}",
                when,
                "Anti-social behaviour",
                *shops,
                "On or near Stockbrook Street shops (demo)",
            )
        )
    people = [  # (reference prefix, victim, suspect, knife, days ago for each incident)
        ("V", "DEMO-VICTIM-0041", None, False, [3, 19, 44]),
        ("V", "DEMO-VICTIM-0077", None, False, [9, 61]),
        ("O", None, "DEMO-SUSPECT-0112", False, [2, 30, 58]),
        ("O", "DEMO-VICTIM-0041", "DEMO-SUSPECT-0150", False, [12, 70]),
        ("K", None, "DEMO-SUSPECT-0203", True, [20, 140, 300, 520]),
        ("K", None, "DEMO-SUSPECT-0219", True, [35, 410, 600]),
    ]
    for index, (kind, victim, suspect, knife, days) in enumerate(people):
        for j, ago in enumerate(days):
            plat, plng = _point(rng, *abbey, 350)
            category = "Possession of weapons" if knife else "Violence and sexual offences"
            when = (now - timedelta(days=ago, hours=3)).replace(microsecond=0)
            rows.append(
                _row(
                    f"DEMO-P{index}{kind}{j}",
                    when,
                    category,
                    plat,
                    plng,
                    f"On or near {STREETS[index]} (demo)",
                    victim,
                    suspect,
                    knife,
                )
            )
    return rows


async def load(ctx) -> None:
    teams = await TeamArea.select(
        TeamArea.id, TeamArea.name, TeamArea.centre_lat, TeamArea.centre_lng
    ).where(TeamArea.name.is_in(list(TEAMS)))
    centres = {t["name"]: (t["centre_lat"], t["centre_lng"]) for t in teams}
    rows = generate(centres, datetime.now(UTC))
    async with atomic() as transaction:
        await upsert(transaction, "incident", COLUMNS, "reference", rows)
    abbey = next(t["id"] for t in teams if t["name"] == "Abbey")
    # The priorities and the contact are added by the demo supervisor, as the web adds them.
    supervisor = actor_for(ctx.made["people"][Role.SUPERVISOR])
    today = date.today()
    await area.add_priority(
        supervisor,
        abbey,
        {
            "issue": "ASB at the Stockbrook Street shops (demo)",
            "action": "High-visibility foot patrols 15:00-19:00 on school days; "
            "work with the shopkeepers on CCTV.",
            "starts_on": today - timedelta(days=40),
            "ends_on": today + timedelta(days=50),
        },
    )
    await area.add_priority(
        supervisor,
        abbey,
        {
            "issue": "Speeding on Uttoxeter New Road (demo)",
            "action": "Community Speed Watch sessions with volunteers.",
            "starts_on": today - timedelta(days=40),
            "ends_on": None,
        },
    )
    await area.add_contact(
        supervisor,
        abbey,
        {
            "name": "Pat Demo",
            "role": "Chair, Abbey residents' group (demo)",
            "how_to_contact": "07700 900123 (a fictional number)",
        },
    )
