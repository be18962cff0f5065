"""Problem solving's server time against the briefing's, in one run, with 1,000,000 crimes,
100,000 incidents and 2,000 problems around the busy town centre of bench/briefing_speed.py.

    .venv/bin/python bench/problems_speed.py                       # SQLite in a temporary folder
    .venv/bin/python bench/problems_speed.py --crimes 200000 --incidents 20000   # smaller
    .venv/bin/python bench/problems_speed.py --database-url postgresql://user@127.0.0.1:5432/db

Loads the generated files with the importers (as bench/briefing_speed.py does), adds 2,000
problems with places spread around the towns and 500 powers used, then times, interleaved and
on the same loop, for the same place (a problem's place, with 500 m and 1 km briefings):

1. the briefing's own use case (`app.briefing.service.briefing`) with its problems panel
   switched off (the panel's read replaced by an empty answer, in this process only);
2. the same use case as it runs, with its problems panel (one read inside the briefing's
   snapshot); printed as a ratio to 1 (target: at most 1.1);
3. the problem's page with its assessment (`app.problems.service.page`: scanning and the
   assessment since the response began); printed as a ratio to 1 (target: at most 1.0).

Ratios of medians, never absolute times as results.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.briefing_speed import configure, load, signed_in_token  # noqa: E402

ROUNDS = 60
PROBLEMS = 2_000
POWERS = 500


async def add_problems(count: int, lat: float, lng: float) -> int:
    """Problems (bulk inserted: setting up, not measured) with one or two places each, half of
    them around the town centre; returns the id of the one whose place is the centre."""
    from app.geo import cell_of
    from app.tables.places import Division, Force, Section, TeamArea
    from app.tables.problems import PowerUse, Problem, ProblemArea, ProblemPlace
    from bench.briefing_data import near, towns

    rng = random.Random(7)
    force = (await Force.insert(Force(name="Bench Force")))[0]["id"]
    division = (await Division.insert(Division(force=force, name="Bench")))[0]["id"]
    section = (await Section.insert(Section(division=division, name="Bench")))[0]["id"]
    team = (
        await TeamArea.insert(
            TeamArea(section=section, name="Bench centre", centre_lat=lat, centre_lng=lng)
        )
    )[0]["id"]
    centres = towns(random.Random(1))
    started = date.fromisoformat("2024-01-01")  # the bench's police.uk months are 2023-02..2024-02
    problems = [
        Problem(
            title=f"Bench problem {n}",
            summary="Generated for the benchmark.",
            kind=rng.choice(["place", "place", "theme", "victim", "offender"]),
            response_started_on=started,
            next_review=date.today() + timedelta(days=rng.randint(-20, 40)),
        )
        for n in range(count)
    ]
    ids = [r["id"] for r in await Problem.insert(*problems)]
    await ProblemArea.insert(*(ProblemArea(problem=i, team=team) for i in ids))
    places = [
        ProblemPlace(problem=ids[0], label="The centre", lat=lat, lng=lng, cell=cell_of(lat, lng))
    ]
    for problem_id in ids[1:]:
        for _ in range(rng.choice([1, 1, 2])):
            centre = (lat, lng) if rng.random() < 0.5 else rng.choice(centres)
            plat, plng = near(rng, *centre, 2500)
            places.append(
                ProblemPlace(
                    problem=problem_id,
                    label="A place",
                    lat=plat,
                    lng=plng,
                    cell=cell_of(plat, plng),
                )
            )
    await ProblemPlace.insert(*places)
    powers = []
    for _ in range(POWERS):
        plat, plng = near(rng, lat, lng, 2500)
        powers.append(
            PowerUse(
                kind=rng.choice(["dispersal", "cpw", "cpn", "cbo", "closure", "pspo", "other"]),
                used_on=date.today() - timedelta(days=rng.randint(0, 120)),
                lat=plat,
                lng=plng,
                cell=cell_of(plat, plng),
                team=team,
                problem=rng.choice(ids),
            )
        )
    await PowerUse.insert(*powers)
    return ids[0]


async def no_panel(actor, lat, lng, radius, limit=20) -> dict:
    """The panel switched off: what the briefing shows where no problem is near."""
    return {"problems": [], "powers": None}


async def ratios(lat: float, lng: float, problem_id: int) -> None:
    from app.actor import actor_for
    from app.briefing import service as briefing
    from app.briefing.forms import PlaceForm
    from app.problems import panel
    from app.problems import service as problems
    from app.tables.people import Person
    from app.tables.problems import ProblemPlace

    person = await Person.objects().where(Person.username == "bench").first()
    actor = actor_for(person)
    page = await problems.page(actor, problem_id)
    measures = page["measures"]
    print(
        f"the problem's page: {len(measures)} measures, assessment at its place "
        f"{measures[-1].incidents.total('in', 'now')} incidents now, "
        f"{measures[-1].crimes.total('in', 'now') if measures[-1].crimes else 'no'} street crimes; "
        f"{await ProblemPlace.count():,} problem places in all",
        flush=True,
    )
    for radius in (500, 1000):
        query = {"lat": str(lat), "lng": str(lng), "radius": str(radius)}

        async def with_panel(query=query):
            values, errors = PlaceForm.parse(query)
            found = await briefing.briefing(actor, values, errors)
            return found, found.problems, found.powers

        async def the_briefing(query=query):
            real = briefing.panel_near
            briefing.panel_near = no_panel
            try:
                values, errors = PlaceForm.parse(query)
                return await briefing.briefing(actor, values, errors)
            finally:
                briefing.panel_near = real

        async def problem_page():
            return await problems.page(actor, problem_id)

        async def panel_alone(radius=radius):
            return await panel.panel_near(actor, lat, lng, radius)

        _, near, used = await with_panel()
        calls = {
            "briefing": the_briefing,
            "briefing + panel": with_panel,
            "problem page": problem_page,
            "panel alone": panel_alone,
        }
        times = {name: [] for name in calls}
        names = list(calls)
        for n in range(ROUNDS):
            for name in names[n % 4 :] + names[: n % 4]:  # each goes first as often
                started = time.perf_counter()
                await calls[name]()
                times[name].append((time.perf_counter() - started) * 1000)
        median = {k: statistics.median(v) for k, v in times.items()}
        base = median["briefing"]
        print(
            f"at {radius} m ({len(near)} problems and {used['total']} powers in the panel): "
            "briefing + panel / briefing = "
            f"{median['briefing + panel'] / base:.2f} (target <= 1.1; from the panel's own "
            f"median: {1 + median['panel alone'] / base:.2f}); "
            f"problem page with assessment / briefing = {median['problem page'] / base:.2f} "
            f"(target <= 1.0)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--crimes", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--problems", type=int, default=PROBLEMS)
    parser.add_argument("--keep", type=Path, help="a SQLite file to load once and reuse")
    args = parser.parse_args()
    configure(args.database_url, args.keep)
    from bench.briefing_data import DERBY_CENTRE

    kept = bool(args.keep and args.keep.exists())
    print(asyncio.run(load(args.crimes, args.incidents, kept)), flush=True)
    asyncio.run(signed_in_token())
    lat, lng = DERBY_CENTRE

    async def prepare_and_measure():
        from app.tables.problems import ProblemPlace

        existing = (
            await ProblemPlace.select(ProblemPlace.problem)
            .where(ProblemPlace.label == "The centre")
            .first()
        )
        problem_id = (
            existing["problem"] if existing else await add_problems(args.problems, lat, lng)
        )
        await ratios(lat, lng, problem_id)

    asyncio.run(prepare_and_measure())
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


if __name__ == "__main__":
    main()
