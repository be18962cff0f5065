"""Time to work out coverage (the supervisors' list) over many visits, in a throwaway SQLite file.

    .venv/bin/python -m bench.visits_coverage [VISITS]

Loads the demo, adds VISITS submitted visits (default 5,000: more than the 1,800 in two years
of the source's team) spread over the 94 team areas with a referral and a follow-up for one
in three (stored directly: the data to measure over), then times the supervisors' use cases,
coverage.overview(actor) for every area and coverage.area(actor, team) for one.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta


async def run(n: int) -> None:
    from app.actor import actor_for
    from app.database import migrate
    from app.demo import load_all
    from app.roles import Role
    from app.tables.people import Person
    from app.tables.places import TeamArea
    from app.tables.visits import ChecklistTemplate, FollowUp, HomeVisit, Referral
    from app.visits import coverage
    from app.visits.store import now

    await migrate()
    await load_all("bench-password-1")
    teams = [t["id"] for t in await TeamArea.select(TeamArea.id)]
    template = (await ChecklistTemplate.select(ChecklistTemplate.id).first())["id"]
    person = 1
    started = now()
    rows = [
        HomeVisit(
            uuid=str(uuid.uuid4()),
            template=template,
            visitor=person,
            team=teams[i % len(teams)],
            state="submitted",
            household_key=f"{i % 3000} bench street",
            consent=True,
            started_at=started - timedelta(days=i % 700),
            submitted_at=started - timedelta(days=i % 700),
        )
        for i in range(n)
    ]
    for chunk in range(0, n, 500):
        await HomeVisit.insert(*rows[chunk : chunk + 500])
    ids = [r["id"] for r in await HomeVisit.select(HomeVisit.id)][::3]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        await Referral.insert(
            *[
                Referral(visit=v, agency_kind="food bank", question="food", state="made")
                for v in part
            ]
        )
        await FollowUp.insert(
            *[FollowUp(visit=v, question="food", due_on=started.date()) for v in part]
        )
    supervisor = await Person.select().where(Person.role == Role.SUPERVISOR).first()
    actor = actor_for(supervisor)

    async def every_area():
        return await coverage.overview(actor)

    async def one_area():
        return [(await coverage.area(actor, teams[0]))["area"]]

    for label, measured in (("all areas", every_area), ("one area", one_area)):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            areas = await measured()
            times.append((time.perf_counter() - t) * 1000)
        best = min(times)
        print(f"coverage, {label}: {len(areas)} areas from {n:,} visits, best of 5 {best:.0f} ms")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    var_dir = tempfile.mkdtemp(prefix="beatbook-bench-")
    os.environ["BEATBOOK_VAR_DIR"] = var_dir
    os.environ["BEATBOOK_DATABASE_URL"] = f"sqlite:///{var_dir}/bench.sqlite3"
    os.environ["BEATBOOK_DATABASE_POOL_SIZE"] = "0"
    asyncio.run(run(n))


if __name__ == "__main__":
    main()
