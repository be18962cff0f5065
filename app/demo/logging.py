"""Demo: key individuals and engagement in the home team, a mentor's clients, agencies."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from app.mentoring import month_start
from app.roles import Role
from app.tables.agencies import PartnerAgency
from app.tables.engagement import Engagement, KeyIndividual
from app.tables.mentoring import (
    MentorClient,
    MentorContact,
    MentorCoordinator,
    MentorGoal,
    PoliceCallCount,
)

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


def _months_back(start: date, n: int) -> date:
    year, month = divmod(start.year * 12 + start.month - 1 - n, 12)
    return date(year, month + 1, 1)


async def load(ctx) -> None:
    people = ctx.made["people"]
    team = ctx.made["home_team"]
    pcso = people[Role.PCSO]
    now = datetime.now(UTC)
    keys = []
    for name, role, reach, consent in KEY_INDIVIDUALS:
        key = KeyIndividual(
            team=team.id,
            name=name,
            community_role=role,
            how_to_reach=reach,
            consent_to_contact=consent,
            added_by=people[Role.OFFICER].id,
        )
        await key.save()
        keys.append(key)
    for kind, topics, hours, note, follow_up in ENGAGEMENTS:
        await Engagement.insert(
            Engagement(
                client_uuid=str(uuid.uuid4()),
                author=pcso.id,
                team=team.id,
                kind=kind,
                topics="," + ",".join(topics) + ",",
                occurred_at=now - timedelta(hours=hours),
                lat=team.centre_lat,
                lng=team.centre_lng,
                accuracy_m=25,
                note=note,
                follow_up=follow_up,
                key_individual=keys[1].id if kind == "key-individual" else None,
                created_at=now - timedelta(hours=hours),
            )
        )
    await MentorCoordinator.insert(MentorCoordinator(person=people[Role.SUPERVISOR].id))
    agency = PartnerAgency(
        name="Derby City Foodbank", kind="Food bank", how_to_refer="Voucher from any partner."
    )
    await agency.save()
    await PartnerAgency.insert(
        PartnerAgency(name="Derby Homes", kind="Housing", how_to_refer="Housing options line."),
        PartnerAgency(name="Phoenix Futures", kind="Drug and alcohol service", area=team.id),
    )
    mentor = people[Role.MENTOR]
    start = month_start(now.date())
    for n, (reference, (before, since)) in enumerate(CALLS.items()):
        began = _months_back(start, len(since) - 1)
        client = MentorClient(
            mentor=mentor.id,
            reference=reference,
            first_name=["Dave", ""][n],
            consent_recorded=True,
            start_date=began,
            status="active",
        )
        await client.save()
        for i, calls in enumerate(before):
            await PoliceCallCount.insert(
                PoliceCallCount(
                    client=client.id, month=_months_back(began, len(before) - i), calls=calls
                )
            )
        for i, calls in enumerate(since):
            await PoliceCallCount.insert(
                PoliceCallCount(client=client.id, month=_months_back(began, -i), calls=calls)
            )
        await MentorGoal.insert(
            MentorGoal(client=client.id, title="Register with a GP", progress="achieved"),
            MentorGoal(
                client=client.id, title="Attend housing appointment", progress="in-progress"
            ),
        )
        await MentorContact.insert(
            MentorContact(
                client_uuid=str(uuid.uuid4()),
                client=client.id,
                mentor=mentor.id,
                kind="meeting",
                contact_date=now.date() - timedelta(days=3),
                duration_minutes=60,
                note="Talked about getting back in touch with family.",
            ),
            MentorContact(
                client_uuid=str(uuid.uuid4()),
                client=client.id,
                mentor=mentor.id,
                kind="referral",
                contact_date=now.date() - timedelta(days=1),
                agency=agency.id,
                note="Says a neighbour is being threatened over a debt." if n == 0 else "Foodbank",
                is_risk=n == 0,
            ),
        )
