"""Patrol demand: time to rank a team area's places, and the whole demand and plan pages.

    .venv/bin/python -m bench.patrol_demand                      # SQLite in a temporary folder
    .venv/bin/python -m bench.patrol_demand --database-url postgresql://user@127.0.0.1:5432/db

First on the demo data (incidents only, as `beatbook demo` loads them), then on the generated
national set of bench/briefing_data.py (1,000,000 police.uk crimes and 100,000 incidents by
default) around Derby's busy centre. Prints p50/p95 over repeated calls.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from datetime import UTC, datetime

from bench.briefing_speed import configure, load

RUNS = 50


def figures(times: list[float]) -> str:
    times = sorted(times)
    return f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms"


async def time_demand(lat: float, lng: float) -> tuple[str, int, int]:
    from app.patrol.demand import demand

    times, places = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        places = await demand(lat, lng)
        times.append((time.perf_counter() - started) * 1000)
    rows = sum(p.incidents + p.crimes for p in places)
    return figures(times), len(places), rows


async def supervisor(team_id: int) -> tuple[str, object]:
    """A supervisor of the team area: a session for the pages, an Actor for the use cases."""
    from app.actor import actor_for
    from app.auth.sessions import start_session
    from app.tables.people import Person

    person = Person(
        username=f"bench-sup-{team_id}",
        display_name="Bench supervisor",
        role="supervisor",
        password_hash="!",  # noqa: S106 - cannot sign in
        home_team=team_id,
    )
    await person.save()
    return await start_session(person.id, "bench"), actor_for(person)


async def draft_plan(actor, team_id: int) -> int:
    """A draft plan for the afternoon, made as the web makes one (plans.create)."""
    from app.patrol import plans
    from app.patrol.times import LOCAL, parse_hhmm, shift_bounds

    day = datetime.now(LOCAL).date()
    start, end = shift_bounds(day, parse_hhmm("14:00"), parse_hhmm("22:00"))
    values = {"team": team_id, "day": day, "shift_start": start, "shift_end": end}
    plan_id, errors = await plans.create(actor, {**values, "assignee": None, "title": ""})
    assert not errors, errors
    return plan_id


def time_pages(token: str, urls: list[str]) -> None:
    from litestar.testing import TestClient

    from app.auth.sessions import COOKIE_NAME
    from app.main import create_app

    with TestClient(app=create_app(), base_url="http://bench.local") as client:
        client.cookies.set(COOKIE_NAME, token)
        client.headers["accept"] = "text/html"
        for url in urls:
            times = []
            for n in range(RUNS + 5):
                started = time.perf_counter()
                response = client.get(url)
                if n >= 5:  # the first few warm the caches
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            print(f"  GET {url}: {figures(times)} ({len(response.content):,} bytes)")


async def demo() -> list[dict]:
    from app.database import migrate
    from app.demo import load_all
    from app.tables.places import TeamArea

    await migrate()
    await load_all("bench-demo-password")
    return await TeamArea.select(
        TeamArea.id, TeamArea.name, TeamArea.centre_lat, TeamArea.centre_lng
    ).where(TeamArea.name.is_in(["Abbey", "Derby City", "Normanton", "Mickleover"]))


async def derby_team() -> int:
    from app.tables.places import Division, Force, Section, TeamArea
    from bench.briefing_data import DERBY_CENTRE

    force = Force(name=f"Bench force {datetime.now(UTC).timestamp()}")
    await force.save()
    division = Division(force=force.id, name="Bench")
    await division.save()
    section = Section(division=division.id, name="Bench")
    await section.save()
    team = TeamArea(
        section=section.id,
        name="Bench centre",
        centre_lat=DERBY_CENTRE[0],
        centre_lng=DERBY_CENTRE[1],
    )
    await team.save()
    return team.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--crimes", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()
    configure(args.database_url)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise

    print("Demo data (incidents only):")
    teams = asyncio.run(demo())
    for team in teams:
        timing, places, rows = asyncio.run(time_demand(team["centre_lat"], team["centre_lng"]))
        print(f"  demand() for {team['name']}: {timing} ({places} places from {rows} rows)")
    abbey = next(t["id"] for t in teams if t["name"] == "Abbey")
    token, actor = asyncio.run(supervisor(abbey))
    plan = asyncio.run(draft_plan(actor, abbey))
    time_pages(token, [f"/plan/demand?area={abbey}", f"/plan/plans/{plan}"])

    print(asyncio.run(load(args.crimes, args.incidents)))
    from bench.briefing_data import DERBY_CENTRE

    timing, places, rows = asyncio.run(time_demand(*DERBY_CENTRE))
    print(f"  demand() at Derby's centre: {timing} ({places} places from {rows} rows)")
    team = asyncio.run(derby_team())
    token, actor = asyncio.run(supervisor(team))
    plan = asyncio.run(draft_plan(actor, team))
    time_pages(token, [f"/plan/demand?area={team}", f"/plan/plans/{plan}"])

    print(
        f"database: {os.environ['BEATBOOK_DATABASE_URL'].split('@')[-1]}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
