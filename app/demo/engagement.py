"""Demo: key individuals and engagement in the home team, a mentor's clients, agencies.

Made through the same use cases as the web, by the demo people (app.actor.actor_for)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from app.actor import actor_for
from app.agencies import service as agencies
from app.engagement import key_individuals
from app.engagement import service as engagement
from app.mentoring import coordinators, outcomes
from app.mentoring import service as mentoring
from app.roles import Role
from app.tables.engagement import EngagementKind, Topic
from app.tables.mentoring import ClientStatus, ContactKind, GoalProgress

ORDER = 20
KEY_INDIVIDUALS = [
    ("Imam Yusuf Rahman", "Faith leader", "Abbey Street mosque office, weekday mornings", True),
    ("Sandra Clay", "Residents' association chair", "07700 900123", True),
    ("Mr Patel", "Shopkeeper, Corner Stores", "In the shop, 7am to 9pm", False),
]
ENGAGEMENTS = [  # kind, topics, hours ago, note, follow-up
    ("street", ["asb", "youth-nuisance"], 2, "Groups gathering by the precinct after 9pm.", ""),
    ("door-knock", ["burglary"], 5, "Crime prevention leaflets on Abbey Street.", ""),
    ("key-individual", ["parking"], 26, "School-run parking again.", "Ask traffic about signs"),
    ("meeting", ["speeding", "litter"], 50, "Ward meeting set speeding as a priority.", ""),
]
# Calls to police per month for each client: 6 months before mentoring, then since.
CALLS = {"PM-001": ([9, 11, 8, 10, 12, 9], [6, 4, 3, 2]), "PM-002": ([5, 6, 4, 7, 5, 6], [4, 3])}
GOALS = [
    ("Register with a GP", GoalProgress.ACHIEVED),
    ("Attend housing appointment", GoalProgress.IN_PROGRESS),
]


def _months_back(start: date, n: int) -> date:
    year, month = divmod(start.year * 12 + start.month - 1 - n, 12)
    return date(year, month + 1, 1)


async def load(ctx) -> None:
    people = ctx.made["people"]
    team = ctx.made["home_team"]
    pcso = actor_for(people[Role.PCSO])
    officer = actor_for(people[Role.OFFICER])
    now = datetime.now(UTC)
    keys = []
    for name, role, reach, consent in KEY_INDIVIDUALS:
        key_id, _ = await key_individuals.add(
            officer,
            {
                "team": team.id,
                "name": name,
                "community_role": role,
                "how_to_reach": reach,
                "consent_to_contact": consent,
            },
        )
        keys.append(key_id)
    for kind, topics, hours, note, follow_up in ENGAGEMENTS:
        await engagement.log(
            pcso,
            {
                "uuid": str(uuid.uuid4()),
                "kind": EngagementKind(kind),
                "topics": [Topic(t) for t in topics],
                "occurred_at": now - timedelta(hours=hours),
                "lat": team.centre_lat,
                "lng": team.centre_lng,
                "accuracy_m": 25,
                "people_count": None,
                "note": note,
                "follow_up": follow_up,
                "follow_up_due": None,
                "key_individual": keys[1] if kind == "key-individual" else None,
            },
        )
    admin = actor_for(people[Role.ADMIN])
    coordinator = actor_for(people[Role.SUPERVISOR])
    await coordinators.make_coordinator(admin, coordinator.id)
    agency_id, _ = await agencies.add(
        coordinator,
        {
            "name": "Derby City Foodbank",
            "kind": "Food bank",
            "area": None,
            "how_to_refer": "Voucher from any partner.",
            "active": True,
        },
    )
    await agencies.add(
        coordinator,
        {
            "name": "Derby Homes",
            "kind": "Housing",
            "area": None,
            "how_to_refer": "Housing options line.",
            "active": True,
        },
    )
    await agencies.add(
        coordinator,
        {
            "name": "Phoenix Futures",
            "kind": "Drug and alcohol service",
            "area": team.id,
            "how_to_refer": "",
            "active": True,
        },
    )
    mentor = actor_for(people[Role.MENTOR])
    start = outcomes.month_start(now.date())
    figures = ["reference,month,calls"]
    for n, (reference, (before, since)) in enumerate(CALLS.items()):
        began = _months_back(start, len(since) - 1)
        client_id, _ = await mentoring.add_client(
            mentor,
            {
                "reference": reference,
                "first_name": ["Dave", ""][n],
                "consent_recorded": True,
                "start_date": began,
                "status": ClientStatus.ACTIVE,
            },
        )
        for i, calls in enumerate(before):
            figures.append(f"{reference},{_months_back(began, len(before) - i):%Y-%m},{calls}")
        for i, calls in enumerate(since):
            figures.append(f"{reference},{_months_back(began, -i):%Y-%m},{calls}")
        for title, progress in GOALS:
            goal_id = await mentoring.add_goal(mentor, client_id, {"title": title})
            await mentoring.set_goal_progress(mentor, goal_id, progress)
        contacts = [
            (
                ContactKind.MEETING,
                3,
                60,
                None,
                "Talked about getting back in touch with family.",
                False,
            ),
            (
                ContactKind.REFERRAL,
                1,
                None,
                agency_id,
                "Says a neighbour is being threatened over a debt." if n == 0 else "Foodbank",
                n == 0,
            ),
        ]
        for kind, days_ago, minutes, agency, note, is_risk in contacts:
            await mentoring.add_contact(
                mentor,
                client_id,
                {
                    "uuid": str(uuid.uuid4()),
                    "kind": kind,
                    "contact_date": now.date() - timedelta(days=days_ago),
                    "duration_minutes": minutes,
                    "note": note,
                    "is_risk": is_risk,
                    "agency": agency,
                },
            )
    await outcomes.import_figures(coordinator, "\n".join(figures))
