"""Briefing server time with 1,000,000 crimes and 100,000 incidents, for a busy town centre.

    .venv/bin/python bench/briefing_speed.py                       # SQLite in a temporary folder
    .venv/bin/python bench/briefing_speed.py --database-url postgresql://user@127.0.0.1:5432/db
    .venv/bin/python bench/briefing_speed.py --keep /tmp/briefing.sqlite3   # load once, reuse

Loads the generated files (bench/briefing_data.py) with the importers, then:

1. the use cases against their own SQL: for the briefing (`service.briefing`), its public
   version (the place part alone) and the CSV (`service.counts_csv`) at 500 m and 1 km,
   records the SQL statements one call runs, then times, interleaved, the use case and the
   same statements run bare on one kept-open driver connection (sqlite3 or asyncpg, every
   row fetched) and prints the ratio of the medians (use case time / bare SQL time). It also
   prints what opening the use case's read transaction costs on its own (Piccolo's engine:
   the data path's part, not the briefing's). On PostgreSQL the use cases run on a pool;
2. with --requests, requests through the whole app in-process (routing, session, queries,
   template): p50/p95.
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


ROUNDS = 60


def configure(database_url: str | None, keep: Path | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="beatbook-bench-speed-"))
    os.environ["BEATBOOK_VAR_DIR"] = str(work)
    sqlite = keep or work / "bench.sqlite3"
    os.environ["BEATBOOK_DATABASE_URL"] = database_url or f"sqlite:///{sqlite}"
    os.environ.setdefault("BEATBOOK_SECRET_KEY", "bench-only-secret")
    os.environ["BEATBOOK_DATABASE_POOL_SIZE"] = "0"  # the use cases run on this script's loops


class Recorder:
    """Records the SQL statements the engine runs (wraps Piccolo's run_querystring)."""

    def __init__(self, db):
        self.db, self.statements, self.on = db, [], False
        engine_class = type(db)  # its instances take no new attributes
        original = engine_class.run_querystring

        async def run_querystring(engine, querystring, *args, **kwargs):
            if self.on:
                self.statements.append(querystring.compile_string(engine_type=db.engine_type))
            return await original(engine, querystring, *args, **kwargs)

        engine_class.run_querystring = run_querystring

    async def record(self, call) -> list[tuple[str, list]]:
        self.statements, self.on = [], True
        try:
            await call()
        finally:
            self.on = False
        return self.statements


async def bare_runner(database_url: str):
    """A function that runs statements bare on one kept-open connection, fetching every row."""
    if database_url.startswith("postgres"):
        import asyncpg

        connection = await asyncpg.connect(database_url)

        async def run(statements):
            async with connection.transaction(readonly=True):
                for sql, args in statements:
                    await connection.fetch(sql, *args)

        return run, connection.close
    import sqlite3

    from piccolo_conf import DB

    connection = sqlite3.connect(DB.path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = 1")

    async def run(statements):
        connection.execute("BEGIN")
        for sql, args in statements:
            # Piccolo's adapters (registered with sqlite3) turn the arguments into text.
            connection.execute(sql, args).fetchall()
        connection.execute("COMMIT")

    async def close():
        connection.close()

    return run, close


async def use_case_ratios(lat: float, lng: float) -> None:
    from app.actor import actor_for
    from app.briefing import service
    from app.briefing.forms import PlaceForm
    from app.database import snapshot
    from app.tables.people import Person
    from piccolo_conf import DB

    person = await Person.objects().where(Person.username == "bench").first()
    actor = actor_for(person)
    recorder = Recorder(DB)
    run_bare, close = await bare_runner(os.environ["BEATBOOK_DATABASE_URL"])
    pooled = os.environ["BEATBOOK_DATABASE_URL"].startswith("postgres")
    if pooled:  # as the app runs on PostgreSQL (its lifespan opens the pool)
        await DB.start_connection_pool(min_size=1, max_size=2)

    async def empty_snapshot():
        async with snapshot():
            pass

    try:
        for name, use_case in (
            ("briefing", lambda v, e: service.briefing(actor, v, e)),
            # the place part alone (no taskings nearby, no area notes): the public version
            ("briefing/public", lambda v, e: service.briefing(actor, v, e, full=False)),
            ("briefing.csv", lambda v, e: service.counts_csv(actor, v, e)),
        ):
            for radius in (500, 1000):
                query = {"lat": str(lat), "lng": str(lng), "radius": str(radius)}

                async def call(query=query, use_case=use_case):
                    values, errors = PlaceForm.parse(query)
                    return await use_case(values, errors)

                statements = await recorder.record(call)
                times = {"use case": [], "bare SQL": [], "empty snapshot": []}
                for n in range(ROUNDS):
                    for kind in ("use case", "bare SQL", "empty snapshot")[:: 1 if n % 2 else -1]:
                        started = time.perf_counter()
                        if kind == "use case":
                            await call()
                        elif kind == "bare SQL":
                            await run_bare(statements)
                        else:
                            await empty_snapshot()
                        times[kind].append((time.perf_counter() - started) * 1000)
                median = {k: statistics.median(v) for k, v in times.items()}
                print(
                    f"{name} at {radius} m: use case {median['use case']:.1f} ms, its "
                    f"{len(statements)} SQL reads bare {median['bare SQL']:.1f} ms: ratio "
                    f"{median['use case'] / median['bare SQL']:.2f} (opening a read transaction "
                    f"alone: {median['empty snapshot']:.1f} ms)",
                    flush=True,
                )
    finally:
        await close()
        if pooled:
            await DB.close_connection_pool()


async def load(crimes: int, incidents: int, kept: bool) -> str:
    from app.crime.importer import CrimeImport
    from app.crime.incidents import import_incidents
    from app.database import migrate
    from app.tables.briefing import Crime, Incident
    from bench.briefing_data import crimes_file, incidents_file
    from piccolo_conf import DB

    if kept:
        await migrate()
        return f"{await Crime.count():,} crimes and {await Incident.count():,} incidents kept"
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

    await Person.delete().where(Person.username == "bench")
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
    parser.add_argument("--keep", type=Path, help="a SQLite file to load once and reuse")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep the data loaded")
    parser.add_argument("--requests", action="store_true", help="also time whole requests")
    args = parser.parse_args()
    configure(args.database_url, args.keep)
    from litestar.testing import TestClient

    from app.auth.sessions import COOKIE_NAME
    from app.main import create_app
    from bench.briefing_data import DERBY_CENTRE

    print(
        asyncio.run(
            load(args.crimes, args.incidents, bool(args.keep and args.keep.exists() or args.reuse))
        )
    )
    token = asyncio.run(signed_in_token())
    lat, lng = DERBY_CENTRE
    asyncio.run(use_case_ratios(lat, lng))
    if not args.requests:
        return
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
