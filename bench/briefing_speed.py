"""Briefing server time with 1,000,000 crimes and 100,000 incidents, for a busy town centre.

    .venv/bin/python bench/briefing_speed.py                       # SQLite in a temporary folder
    .venv/bin/python bench/briefing_speed.py --database-url postgresql://user@127.0.0.1:5432/db

Loads the generated files (bench/briefing_data.py) with the importers, then times requests
through the whole app in-process (routing, session, queries, template) and prints p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REQUESTS = 200


def configure(database_url: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="beatbook-bench-speed-"))
    os.environ["BEATBOOK_VAR_DIR"] = str(work)
    os.environ["BEATBOOK_DATABASE_URL"] = database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("BEATBOOK_SECRET_KEY", "bench-only-secret")


async def load(crimes: int, incidents: int) -> str:
    from app.crime.importer import CrimeImport
    from app.crime.incidents import import_incidents
    from app.database import migrate
    from app.tables.briefing import Crime, Incident
    from bench.briefing_data import crimes_file, incidents_file
    from piccolo_conf import DB

    if os.environ["BEATBOOK_DATABASE_URL"].startswith("postgres"):
        from piccolo.querystring import QueryString

        await DB.run_querystring(QueryString("DROP SCHEMA public CASCADE"))
        await DB.run_querystring(QueryString("CREATE SCHEMA public"))
    await migrate()
    started = time.perf_counter()
    await CrimeImport(quiet=True).run(
        [crimes_file(Path("/tmp/beatbook-national-street.csv"), crimes)]
    )
    await import_incidents(
        incidents_file(Path("/tmp/beatbook-incidents.csv"), incidents), quiet=True
    )
    if os.environ["BEATBOOK_DATABASE_URL"].startswith("postgres"):
        from piccolo.querystring import QueryString

        await DB.run_querystring(QueryString("ANALYZE"))
    stored = (await Crime.count(), await Incident.count())
    seconds = time.perf_counter() - started
    return f"{stored[0]:,} crimes and {stored[1]:,} incidents loaded in {seconds:.0f} s"


async def signed_in_token() -> str:
    from app.auth.sessions import start_session
    from app.tables.people import Person

    person = Person(username="bench", display_name="Bench PCSO", role="pcso", password_hash="!")  # noqa: S106 - cannot sign in
    await person.save()
    return await start_session(person.id, "bench")


def measure(client, url: str) -> tuple[float, float, int]:
    for _ in range(20):
        client.get(url)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--crimes", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()
    configure(args.database_url)
    from litestar.testing import TestClient

    from app.auth.sessions import COOKIE_NAME
    from app.main import create_app
    from bench.briefing_data import DERBY_CENTRE

    print(asyncio.run(load(args.crimes, args.incidents)))
    token = asyncio.run(signed_in_token())
    lat, lng = DERBY_CENTRE
    with TestClient(app=create_app(), base_url="http://bench.local") as client:
        client.cookies.set(COOKIE_NAME, token)
        client.headers["accept"] = "text/html"
        for path in ("/briefing", "/briefing/people", "/briefing.csv"):
            for radius in (500, 1000):
                url = f"{path}?lat={lat}&lng={lng}&radius={radius}"
                p50, p95, size = measure(client, url)
                print(f"{url}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({size:,} bytes)")
    print(
        f"database: {os.environ['BEATBOOK_DATABASE_URL'].split('@')[-1]}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
