"""Prepare a database for the load benchmarks: the demo data plus N generated crimes.

    python -m bench._prepare DATABASE_URL PASSWORD CRIMES

Run as its own process, because the database URL must be set before the app is imported.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path


async def prepare(password: str, crimes: int) -> None:
    from piccolo.querystring import QueryString

    from app.crime.importer import CrimeImport
    from app.database import is_postgres, migrate
    from app.demo import load_all
    from bench.briefing_data import crimes_file
    from piccolo_conf import DB

    if is_postgres():
        await DB.run_querystring(QueryString("DROP SCHEMA public CASCADE"))
        await DB.run_querystring(QueryString("CREATE SCHEMA public"))
    await migrate()
    await load_all(password)
    if crimes:
        path = crimes_file(Path(f"/tmp/beatbook-bench-crimes-{crimes}.csv"), crimes)
        await CrimeImport(quiet=True).run([path])


def main() -> None:
    url, password, crimes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.environ["BEATBOOK_DATABASE_URL"] = url
    asyncio.run(prepare(password, crimes))
    if not url.startswith("postgres"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


if __name__ == "__main__":
    main()
