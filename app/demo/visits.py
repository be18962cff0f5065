"""Demo: the default visit checklist, partner agencies, and a few home visits in Abbey."""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.roles import Role
from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea
from app.tables.visits import FollowUp, HomeVisit, Referral
from app.visits import checklist, store

ORDER = 20
AGENCIES = [
    (
        "Derbyshire Fire & Rescue Service",
        "fire",
        None,
        "Safe and Well visit: call 0800 000 0001 or use the online form.",
    ),
    (
        "Derby City Foodbank",
        "food bank",
        "Abbey",
        "Issue an e-voucher through the partner portal; parcels within 3 days.",
    ),
    (
        "Derby City Council housing and community",
        "council",
        None,
        "Email the community hub with the address and the issue.",
    ),
    (
        "Community health and falls team",
        "health",
        None,
        "GP or self-referral; visitors use the single point of access line.",
    ),
    (
        "Age UK Derby & Derbyshire befriending",
        "charity",
        None,
        "Phone the befriending coordinator with consent to share.",
    ),
    (
        "Citizens Advice debt line",
        "debt advice",
        None,
        "Give the number; with consent, book a call back online.",
    ),
]
# (visitor role, address, days ago, answers that differ from "all fine", referral decisions)
VISITS = [
    (
        Role.PCSO,
        "12 Abbey Street, Derby",
        40,
        {"smoke_alarm": "no", "food": "no"},
        {"fire": "made", "food bank": "made"},
    ),
    (
        Role.PCSO,
        "3 Bridge Street, Derby",
        20,
        {"lonely": "Often or always"},
        {"charity": "suggested"},
    ),
    (Role.VOLUNTEER, "48 Kedleston Road, Derby", 9, {"falls": "yes"}, {"health": "made"}),
    (Role.OFFICER, "7 Stafford Street, Derby", 2, {}, {}),
]
FINE = {
    "door_locks": "yes",
    "burgled": "no",
    "vehicle": "None",
    "falls": "no",
    "smoke_alarm": "yes",
    "children": 0,
    "lonely": "Hardly ever",
    "low_mood": "no",
    "asb": "no",
    "food": "yes",
}


async def load(ctx) -> None:
    await store.ensure_default_template()
    template = (await store.current_templates())[0]
    content = checklist.load(template["content"])
    home = ctx.made["home_team"]
    await TeamArea.update({TeamArea.households: 6200}).where(TeamArea.id == home.id)
    for name, kind, area, how in AGENCIES:
        await PartnerAgency(
            name=name, kind=kind, area=home.id if area else None, how_to_refer=how
        ).save()
    people = ctx.made["people"]
    for n, (role, address, days_ago, answers, decisions) in enumerate(VISITS):
        started = store.now() - timedelta(days=days_ago, hours=2)
        visit = HomeVisit(
            uuid=str(uuid.uuid4()),
            template=template["id"],
            visitor=people[role].id,
            team=home.id,
            household_key=store.household_key(address, ""),
            address=address,
            lat=home.centre_lat + 0.004 * ((n % 3) - 1),
            lng=home.centre_lng + 0.005 * ((n % 2) - 0.5),
            consent=True,
            started_at=started,
        )
        await visit.save()
        row = {"id": visit.id, "uuid": visit.uuid, "team": home.id}
        for key, value in {**FINE, **answers}.items():
            await store.save_answer(row, key, value, int(started.timestamp() * 1000))
        await store.submit(row, content, decisions, people[role].id)
        # Date what submitting made as if it happened on the day (some follow-ups overdue).
        done = started + timedelta(minutes=35)
        await HomeVisit.update({HomeVisit.submitted_at: done}).where(HomeVisit.id == visit.id)
        await Referral.update({Referral.suggested_at: done, Referral.made_at: done}).where(
            (Referral.visit == visit.id) & (Referral.state == "made")
        )
        await Referral.update({Referral.suggested_at: done}).where(Referral.visit == visit.id)
        for f in await FollowUp.select().where(FollowUp.visit == visit.id):
            await FollowUp.update({FollowUp.due_on: f["due_on"] - timedelta(days=days_ago)}).where(
                FollowUp.id == f["id"]
            )
    await HomeVisit(
        uuid=str(uuid.uuid4()),
        template=template["id"],
        visitor=people[Role.PCSO].id,
        team=home.id,
        state="declined",
        consent=False,
        submitted_at=store.now() - timedelta(days=5),
    ).save()
