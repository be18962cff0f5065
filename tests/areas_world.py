"""A generated world of two team areas' records at a fixed clock, with the counts worked out
here in plain Python from the rows written (not by the queries under test)."""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from app.clock import LOCAL_TIME
from app.geo import cell_of
from app.tables.areas import Abstraction
from app.tables.briefing import Crime, CrimeCellCount, CrimeMonth, Incident
from app.tables.engagement import Engagement
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint
from app.tables.taskings import Tasking, TaskingAssignment, TaskingEvent
from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit, Referral
from tests.factories import make_person, make_team
from tests.helpers import sync

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.astimezone(LOCAL_TIME).date()
MONDAY = TODAY - timedelta(days=TODAY.weekday())
CENTRES = {"Abbey": (52.9225, -1.4746), "Rose Hill": (52.7800, -1.3000)}
CRIME_TYPES = ("Burglary", "Shoplifting", "Anti-social behaviour", "Vehicle crime")
INCIDENT_TYPES = ("ASB", "Theft", "Disorder")
OPEN = ("offered", "accepted", "assigned", "acknowledged", "in_progress")
STATES = (*OPEN, "declined", "done", "cannot_do", "cancelled")
KINDS = ("door-knock", "street", "meeting", "school")
CAUSES = ("response", "custody", "court", "training", "operation", "other")


def months_back(n: int) -> str:
    total = 2026 * 12 + 10 - n  # 2026-11 is month 0
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def near(rng, lat, lng):
    return lat + rng.uniform(-0.004, 0.004), lng + rng.uniform(-0.006, 0.006)


def build(seed: int = 7) -> dict:
    rng = random.Random(seed)
    teams = {name: make_team(name, *centre) for name, centre in CENTRES.items()}
    expected = {name: defaultdict(Counter) for name in teams}
    people = {
        name: {
            "pcso": make_person("pcso", home_team=t.id, display_name=f"PCSO {name}"),
            "sup": make_person("supervisor", home_team=t.id, display_name=f"Sergeant {name}"),
            "vol": make_person("volunteer", home_team=t.id, display_name=f"Volunteer {name}"),
        }
        for name, t in teams.items()
    }

    async def write():
        template = ChecklistTemplate(family="hss", name="HSS", content="{}")
        await template.save()
        # Street crimes: 25 months of data (the latest is 2026-10), a few rows per area a month.
        for back in range(1, 26):
            month = months_back(back)
            batch = CrimeMonth(force="Test", month=month, digest=month, source="t", rows=0)
            await batch.save()
            cells: Counter = Counter()
            for name, team in teams.items():
                for _ in range(rng.randint(0, 4)):
                    lat, lng = near(rng, team.centre_lat, team.centre_lng)
                    kind = rng.choice(CRIME_TYPES)
                    await Crime(
                        batch=batch.id,
                        month=month,
                        crime_type=kind,
                        lat=lat,
                        lng=lng,
                        cell=cell_of(lat, lng),
                        location="On or near X",
                        lsoa_code="E0",
                        lsoa_name="L",
                        outcome="",
                    ).save()
                    cells[(cell_of(lat, lng), kind)] += 1
                    latest = back - 1  # months before the latest (2026-10)
                    for n in (3, 12):
                        if latest < n:
                            expected[name][f"c{n}"][kind] += 1
                        elif latest < 2 * n:
                            expected[name][f"c{n}-before"][kind] += 1
            for (cell, kind), count in cells.items():
                await CrimeCellCount(batch=batch.id, cell=cell, crime_type=kind, count=count).save()
        # Incidents over two years and a bit.
        for name, team in teams.items():
            for n in range(rng.randint(60, 90)):
                lat, lng = near(rng, team.centre_lat, team.centre_lng)
                at = NOW - timedelta(days=rng.uniform(0, 800))
                kind = rng.choice(INCIDENT_TYPES)
                await Incident(
                    reference=f"{name}-{n}",
                    occurred_at=at,
                    category=kind,
                    lat=lat,
                    lng=lng,
                    cell=cell_of(lat, lng),
                    location="X",
                    source="test",
                ).save()
                for days in (7, 28, 90, 365):
                    age = NOW - at
                    if age <= timedelta(days=days):
                        expected[name][f"i{days}"][kind] += 1
                    elif age <= timedelta(days=2 * days):
                        expected[name][f"i{days}-before"][kind] += 1
        for name, team in teams.items():
            who = people[name]
            counts = expected[name]["figures"]
            # Taskings: random states, priorities and ends.
            open_ids, urgent_ids, overdue_ids = set(), set(), set()
            for n in range(12):
                ends = NOW + timedelta(hours=rng.choice([-30, -2, 3, 48]))
                priority = rng.choice(["routine", "priority", "urgent"])
                cancelled = rng.random() < 0.15
                t = Tasking(
                    kind="patrol",
                    title=f"{name} job {n}",
                    place_kind="area",
                    team=team.id,
                    starts_at=ends - timedelta(hours=4),
                    ends_at=ends,
                    priority=priority,
                    mode="assign",
                    cancelled=cancelled,
                )
                await t.save()
                for person in rng.sample([who["pcso"], who["sup"], who["vol"]], rng.randint(1, 3)):
                    state = rng.choice(STATES)
                    await TaskingAssignment(tasking=t.id, person=person.id, state=state).save()
                    if cancelled or state not in OPEN:
                        continue
                    open_ids.add(t.id)
                    if priority == "urgent":
                        urgent_ids.add(t.id)
                    if ends < NOW:
                        overdue_ids.add(t.id)
                    counts["unanswered"] += state in ("offered", "assigned")
                    expected[name]["by_person"][person.display_name] += 1
            counts["open"], counts["urgent"], counts["overdue"] = (
                len(open_ids),
                len(urgent_ids),
                len(overdue_ids),
            )
            # Volunteers' taskings done: started and finished times in the history.
            for n in range(3):
                t = Tasking(
                    kind="leaflet_drop",
                    title=f"{name} leaflets {n}",
                    place_kind="area",
                    team=team.id,
                    starts_at=NOW - timedelta(days=n * 15),
                    ends_at=NOW,
                    mode="offer",
                )
                await t.save()
                started = NOW - timedelta(days=n * 15, minutes=90)
                minutes = 30 + 20 * n
                part = TaskingAssignment(
                    tasking=t.id,
                    person=who["vol"].id,
                    state="done",
                    updated_at=started + timedelta(minutes=minutes),  # as the app sets it
                )
                await part.save()
                for state, at in (
                    ("accepted", started - timedelta(hours=1)),
                    ("in_progress", started),
                    ("done", started + timedelta(minutes=minutes)),
                ):
                    await TaskingEvent(
                        tasking=t.id, assignment=part.id, to_state=state, at=at
                    ).save()
                if started + timedelta(minutes=minutes) >= NOW - timedelta(days=28):
                    counts["volunteer_minutes"] += minutes
            # Patrol this week: a plan with points on each day, some checked in.
            plan = PatrolPlan(
                team=team.id,
                day=MONDAY,
                shift_start=NOW,
                shift_end=NOW,
                assignee=who["pcso"].id,
                status="published",
            )
            await plan.save()
            for day in range(7):
                start = datetime.combine(
                    MONDAY + timedelta(days=day), datetime.min.time(), LOCAL_TIME
                )
                start = start.replace(hour=rng.choice([8, 10, 14]))
                end = start + timedelta(hours=1)
                point = PatrolPoint(
                    plan=plan.id,
                    label=f"P{day}",
                    lat=1,
                    lng=1,
                    window_start=start,
                    window_end=end,
                )
                await point.save()
                counts["points"] += 1
                # A check-in early, in the window or late (a second one later never counts).
                offset, how = rng.choice([(-10, "early"), (10, "in_window"), (75, "late")])
                first = start + timedelta(minutes=offset)
                if rng.random() < 0.6 and first < NOW:
                    for at in (first, first + timedelta(minutes=5)):
                        await PatrolCheckIn(
                            uuid=uuid.uuid4(), point=point.id, person=who["pcso"].id, at=at
                        ).save()
                    counts["patrol_done"] += 1
                    counts[how] += 1
                elif end < NOW:
                    counts["missed"] += 1
                else:
                    counts["to_come"] += 1
            # Engagement over ten weeks, and follow-ups.
            for _n in range(25):
                at = NOW - timedelta(days=rng.uniform(0, 70))
                kind = rng.choice(KINDS)
                due = TODAY + timedelta(days=rng.randint(-5, 5)) if rng.random() < 0.4 else None
                done = rng.random() < 0.3
                deleted = NOW if rng.random() < 0.1 else None
                await Engagement(
                    client_uuid=str(uuid.uuid4()),
                    author=who["pcso"].id,
                    team=team.id,
                    kind=kind,
                    occurred_at=at,
                    follow_up="call back" if due else "",
                    follow_up_due=due,
                    follow_up_done=done,
                    deleted_at=deleted,
                ).save()
                if deleted:
                    continue
                local = at.astimezone(LOCAL_TIME).date()
                week = (MONDAY - (local - timedelta(days=local.weekday()))).days // 7
                if week < 8:
                    expected[name]["engagement"][(kind, week)] += 1
                counts["engagement_recent"] += at >= NOW - timedelta(days=28)
                counts["engagement_due"] += bool(due and not done and due <= TODAY)
            # Home visits, referrals and follow-ups.
            households = set()
            for n in range(10):
                state = rng.choice(["submitted", "submitted", "in progress", "declined"])
                started = NOW - timedelta(days=rng.uniform(0, 60))
                key = f"{name}-house-{rng.randint(1, 6)}"
                visitor = who["vol"] if n % 3 == 0 else who["pcso"]
                submitted = started + timedelta(minutes=25 + n) if state == "submitted" else None
                visit = HomeVisit(
                    uuid=str(uuid.uuid4()),
                    template=template.id,
                    visitor=visitor.id,
                    team=team.id,
                    state=state,
                    household_key=key,
                    started_at=started,
                    submitted_at=submitted,
                )
                await visit.save()
                if state == "submitted":
                    households.add(key)
                    counts["visits_recent"] += started >= NOW - timedelta(days=28)
                    if visitor is who["vol"] and submitted >= NOW - timedelta(days=28):
                        counts["volunteer_minutes"] += 25 + n
                r_state = rng.choice(["suggested", "made", "accepted", "closed"])
                await Referral(
                    visit=visit.id, agency_kind="food bank", question="q", state=r_state
                ).save()
                counts["referrals"] += r_state != "closed"
                due = TODAY + timedelta(days=rng.randint(-10, 10))
                done = rng.random() < 0.3
                await FollowUp(visit=visit.id, question="q", due_on=due, done=done).save()
                counts["followups_overdue"] += (not done) and due < TODAY
                counts["followups_soon"] += (not done) and TODAY <= due <= TODAY + timedelta(days=7)
            counts["households"] = len(households)
            # Abstraction over ten weeks.
            for _n in range(12):
                at = NOW - timedelta(days=rng.uniform(0, 70))
                minutes = rng.choice([60, 120, 240, 480])
                person = rng.choice([who["pcso"], who["sup"]])
                cause = rng.choice(CAUSES)
                await Abstraction(
                    person=person.id, team=team.id, cause=cause, starts_at=at, minutes=minutes
                ).save()
                local = at.astimezone(LOCAL_TIME).date()
                week = (MONDAY - (local - timedelta(days=local.weekday()))).days // 7
                if week < 8:
                    expected[name]["abstraction"][(person.display_name, week)] += minutes
                    expected[name]["abstraction_causes"][cause] += minutes

    sync(write())
    return {"teams": teams, "people": people, "expected": expected}
