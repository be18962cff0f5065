"""Demo: the default visit checklist, partner agencies, and a few home visits in Abbey.

The visits are started, answered and submitted through the same use cases as the web
(app.visits.service), so their referrals, follow-ups and follow-up taskings are made as a
real submission makes them. After the taskings demo (ORDER 30): the demo volunteer's profile
(vetting and training) must exist before they may start a home visit.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.actor import actor_for
from app.agencies.service import find_by_name
from app.roles import Role
from app.tables.agencies import PartnerAgency
from app.tables.places import TeamArea
from app.tables.visits import HomeVisit
from app.visits import service, store

ORDER = 40
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
    # A referral and no follow-up: a follow-up would be offered to the area's volunteers.
    (Role.VOLUNTEER, "48 Kedleston Road, Derby", 9, {"gp": "no"}, {"health": "made"}),
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
    template = (await store.current_templates())[0]
    home = ctx.made["home_team"]
    await TeamArea.update({TeamArea.households: 6200}).where(TeamArea.id == home.id)
    for name, kind, area, how in AGENCIES:
        values = {"kind": kind, "area": home.id if area else None, "how_to_refer": how}
        same = await find_by_name(name)  # agencies are unique by name (the log's demo adds one)
        if same:
            await PartnerAgency.update(values).where(PartnerAgency.id == same["id"])
        else:
            await PartnerAgency(name=name, **values).save()
    people = ctx.made["people"]
    for n, (role, address, days_ago, answers, decisions) in enumerate(VISITS):
        actor = actor_for(people[role])
        started_at = store.now() - timedelta(days=days_ago, hours=2)
        visit_uuid = await _start(
            actor,
            template["id"],
            home.id,
            consent="yes",
            address=address,
            lat=home.centre_lat + 0.004 * ((n % 3) - 1),
            lng=home.centre_lng + 0.005 * ((n % 2) - 0.5),
        )
        # Date the visit as if it was made on the day (some follow-ups are overdue).
        await HomeVisit.update({HomeVisit.started_at: started_at}).where(
            HomeVisit.uuid == visit_uuid
        )
        given = int(started_at.timestamp() * 1000)
        for key, value in {**FINE, **answers}.items():
            answered = await service.answer(actor, visit_uuid, key, [str(value)], given)
            assert answered.error is None, (key, answered.error)
        errors = await service.submit(
            actor, visit_uuid, decisions, at=started_at + timedelta(minutes=35)
        )
        assert not errors, errors
    pcso = actor_for(people[Role.PCSO])
    declined = await _start(pcso, template["id"], home.id, consent="no")
    offered = store.now() - timedelta(days=5)
    await HomeVisit.update({HomeVisit.started_at: offered, HomeVisit.submitted_at: offered}).where(
        HomeVisit.uuid == declined
    )


async def _start(actor, template_id: int, team_id: int, **values) -> str:
    """Start a visit through the use case, with the values the start form parses to;
    returns its uuid."""
    form = {
        "uuid": str(uuid.uuid4()),
        "template": str(template_id),
        "team": team_id,
        "address": "",
        "household_ref": "",
        "lat": None,
        "lng": None,
        "tasking": "",
        **values,
    }
    started = await service.start(actor, form)
    assert not started.errors, started.errors
    return started.uuid
