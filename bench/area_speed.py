"""The ward at a glance: an area page against the briefing of that area, and the roll-up of every
area against one area page, with 1,000,000 crimes, 100,000 incidents and a year of records.

    .venv/bin/python bench/area_speed.py                          # SQLite in a temporary folder
    .venv/bin/python bench/area_speed.py --crimes 200000          # smaller, quicker
    .venv/bin/python bench/area_speed.py --keep /tmp/areas.sqlite3   # load once, reuse
    .venv/bin/python bench/area_speed.py --database-url postgresql://user@127.0.0.1:5432/db

Loads the demo (94 team areas in 10 sections and 2 divisions, its people), the generated
national crime file and force incident extract (bench/briefing_data.py), then a year of every
area's records (taskings with their history, patrol plans, engagement, home visits with
referrals and follow-ups, abstraction). Then, interleaved in rounds on one event loop, it times
the use cases as the web calls them:

- `areas.service.area_page` for the busiest area (nearest the generated town centre);
- `briefing.service.briefing` for that area (?area=, the default radius);
- `areas.service.rollup` of every area;

and prints the medians and the ratios area page / briefing and roll-up / area page (the issue
asks for at most 2 and at most 3). AREA_BENCH_ROUNDS sets the rounds (30).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = int(os.environ.get("AREA_BENCH_ROUNDS", "30"))


def configure(database_url: str | None, keep: Path | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="beatbook-bench-areas-"))
    os.environ["BEATBOOK_VAR_DIR"] = str(work)
    sqlite = keep or work / "bench.sqlite3"
    os.environ["BEATBOOK_DATABASE_URL"] = database_url or f"sqlite:///{sqlite}"
    os.environ.setdefault("BEATBOOK_SECRET_KEY", "bench-only-secret")
    os.environ["BEATBOOK_DATABASE_POOL_SIZE"] = "0"


async def a_year_of_records(seed: int = 3) -> int:
    """Every area's year: per week about 6 engagements, 3 taskings with parts and history, a
    home visit, 2 abstraction entries; this week's patrol plans. Returns the rows written."""
    from app.clock import LOCAL_TIME
    from app.database import atomic
    from app.tables.areas import Abstraction
    from app.tables.engagement import Engagement
    from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint
    from app.tables.people import Person
    from app.tables.places import TeamArea
    from app.tables.taskings import Tasking, TaskingAssignment, TaskingEvent
    from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit, Referral

    rng = random.Random(seed)
    now = datetime.now(UTC)
    teams = await TeamArea.select(TeamArea.id, TeamArea.centre_lat, TeamArea.centre_lng)
    people = await Person.select(Person.id, Person.role)
    staff = [p["id"] for p in people if p["role"] in ("pcso", "officer", "supervisor")]
    volunteers = [p["id"] for p in people if p["role"] == "volunteer"] or staff
    template = await ChecklistTemplate.select(ChecklistTemplate.id).first()
    written = 0
    today = now.astimezone(LOCAL_TIME).date()
    monday = today - timedelta(days=today.weekday())
    for team in teams:
        rows: dict[type, list] = {}

        def add(row, rows=rows):
            rows.setdefault(type(row), []).append(row)

        for week in range(52):
            for _ in range(6):
                add(
                    Engagement(
                        client_uuid=str(uuid.uuid4()),
                        author=rng.choice(staff),
                        team=team["id"],
                        kind=rng.choice(["door-knock", "street", "meeting", "event", "school"]),
                        occurred_at=now - timedelta(days=7 * week + rng.uniform(0, 7)),
                        follow_up_due=(today - timedelta(days=rng.randint(-7, 30)))
                        if rng.random() < 0.2
                        else None,
                    )
                )
            for _ in range(2):
                add(
                    Abstraction(
                        person=rng.choice(staff),
                        team=team["id"],
                        cause=rng.choice(["response", "custody", "court", "training", "other"]),
                        starts_at=now - timedelta(days=7 * week + rng.uniform(0, 7)),
                        minutes=rng.choice([60, 120, 240, 480]),
                    )
                )
        async with atomic():
            for table, items in rows.items():
                for start in range(0, len(items), 500):
                    await table.insert(*items[start : start + 500])
                written += len(items)
            for week in range(52):
                for n in range(3):
                    starts = now - timedelta(days=7 * week + rng.uniform(0, 7))
                    tasking = Tasking(
                        kind="patrol",
                        title=f"Bench {week}-{n}",
                        place_kind="area",
                        team=team["id"],
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=4),
                        priority=rng.choice(["routine", "priority", "urgent"]),
                        mode="assign" if n else "offer",
                    )
                    await tasking.save()
                    person = rng.choice(volunteers if n == 0 else staff)
                    state = "done" if week else rng.choice(["assigned", "acknowledged", "done"])
                    finished = starts + timedelta(minutes=rng.randint(20, 180))
                    part = TaskingAssignment(
                        tasking=tasking.id,
                        person=person,
                        state=state,
                        updated_at=finished if state == "done" else starts,
                    )
                    await part.save()
                    events = [TaskingEvent(tasking=tasking.id, assignment=part.id, to_state=state)]
                    if state == "done":
                        events = [
                            TaskingEvent(tasking=tasking.id, assignment=part.id, to_state=s, at=at)
                            for s, at in (
                                ("in_progress", starts),
                                ("done", finished),
                            )
                        ]
                    await TaskingEvent.insert(*events)
                    written += 2 + len(events)
                started = now - timedelta(days=7 * week + rng.uniform(0, 7))
                visit = HomeVisit(
                    uuid=str(uuid.uuid4()),
                    template=template["id"],
                    visitor=rng.choice(volunteers),
                    team=team["id"],
                    state="submitted",
                    household_key=f"{team['id']}-{rng.randrange(400)}",
                    started_at=started,
                    submitted_at=started + timedelta(minutes=35),
                )
                await visit.save()
                await Referral.insert(
                    Referral(visit=visit.id, agency_kind="food bank", question="q", state="made")
                )
                await FollowUp.insert(
                    FollowUp(visit=visit.id, question="q", due_on=today + timedelta(days=7 - week))
                )
                written += 3
            for day in range(7):
                plan = PatrolPlan(
                    team=team["id"],
                    day=monday + timedelta(days=day),
                    shift_start=now,
                    shift_end=now,
                    status="published",
                )
                await plan.save()
                for n in range(5):
                    start = datetime.combine(
                        monday + timedelta(days=day), datetime.min.time(), LOCAL_TIME
                    ) + timedelta(hours=8 + 2 * n)
                    point = PatrolPoint(
                        plan=plan.id,
                        label=f"P{n}",
                        lat=team["centre_lat"],
                        lng=team["centre_lng"],
                        window_start=start,
                        window_end=start + timedelta(hours=1),
                    )
                    await point.save()
                    if start < now and rng.random() < 0.7:
                        await PatrolCheckIn.insert(
                            PatrolCheckIn(
                                uuid=uuid.uuid4(),
                                point=point.id,
                                person=rng.choice(staff),
                                at=start + timedelta(minutes=10),
                            )
                        )
                    written += 2
    return written


async def load(crimes: int, incidents: int, kept: bool) -> str:
    from piccolo.querystring import QueryString

    from app.crime.importer import CrimeImport
    from app.crime.incidents import import_incidents
    from app.database import is_postgres, migrate
    from app.demo import load_all
    from app.tables.briefing import Crime, Incident
    from bench.briefing_data import crimes_file, incidents_file
    from piccolo_conf import DB

    if kept:
        await migrate()
        return f"{await Crime.count():,} crimes and {await Incident.count():,} incidents kept"
    if is_postgres():
        await DB.run_querystring(QueryString("DROP SCHEMA public CASCADE"))
        await DB.run_querystring(QueryString("CREATE SCHEMA public"))
    await migrate()
    started = time.perf_counter()
    await load_all("bench-only-password")
    await CrimeImport(quiet=True).run(
        [crimes_file(Path(f"/tmp/beatbook-bench-crimes-{crimes}.csv"), crimes)]
    )
    await import_incidents(
        incidents_file(Path(f"/tmp/beatbook-bench-incidents-{incidents}.csv"), incidents),
        quiet=True,
    )
    records = await a_year_of_records()
    if is_postgres():
        await DB.run_querystring(QueryString("ANALYZE"))
    stored = (await Crime.count(), await Incident.count())
    return (
        f"{stored[0]:,} crimes, {stored[1]:,} incidents and {records:,} records of the areas' "
        f"year loaded in {time.perf_counter() - started:.0f} s"
    )


async def ratios() -> None:
    from app.actor import actor_for
    from app.areas import service
    from app.briefing import service as briefing
    from app.briefing.forms import PlaceForm
    from app.geo import haversine_m
    from app.tables.people import Person
    from app.tables.places import TeamArea
    from bench.briefing_data import DERBY_CENTRE
    from piccolo_conf import DB

    pooled = os.environ["BEATBOOK_DATABASE_URL"].startswith("postgres")
    if pooled:
        await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        supervisor = await Person.objects().where(Person.role == "supervisor").first()
        actor = actor_for(supervisor)
        teams = await TeamArea.select(
            TeamArea.id, TeamArea.name, TeamArea.centre_lat, TeamArea.centre_lng
        )
        busiest = min(
            teams, key=lambda t: haversine_m(*DERBY_CENTRE, t["centre_lat"], t["centre_lng"])
        )

        async def area_page():
            await service.area_page(actor, busiest["id"])

        async def briefing_page():
            values, errors = PlaceForm.parse({"area": str(busiest["id"])})
            await briefing.briefing(actor, values, errors)

        async def rollup():
            await service.rollup(actor)

        calls = {"area page": area_page, "briefing": briefing_page, "roll-up": rollup}
        for call in calls.values():  # warm: caches (the cell map), connections
            await call()
        times: dict[str, list[float]] = {name: [] for name in calls}
        for n in range(ROUNDS):
            order = list(calls) if n % 2 else list(calls)[::-1]
            for name in order:
                started = time.perf_counter()
                await calls[name]()
                times[name].append((time.perf_counter() - started) * 1000)
        median = {name: statistics.median(values) for name, values in times.items()}
        print(
            f"{busiest['name']} ({len(teams)} areas), medians of {ROUNDS} interleaved rounds: "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in median.items())
        )
        print(f"area page / briefing of that area: {median['area page'] / median['briefing']:.2f}")
        print(
            f"roll-up of all areas / one area page: {median['roll-up'] / median['area page']:.2f}"
        )
    finally:
        if pooled:
            await DB.close_connection_pool()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--crimes", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="a SQLite file to load once and reuse")
    args = parser.parse_args()
    configure(args.database_url, args.keep)
    kept = bool(args.keep and args.keep.exists())
    print(asyncio.run(load(args.crimes, args.incidents, kept)), flush=True)
    asyncio.run(ratios())
    print(
        f"database: {os.environ['BEATBOOK_DATABASE_URL'].split('@')[-1]}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
