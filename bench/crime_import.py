"""`import-crimes` speed as a ratio to a bare bulk load of the same rows into the same schema.

    .venv/bin/python bench/crime_import.py [--rows 1000000] [--rounds 3]
    .venv/bin/python bench/crime_import.py --database-url postgresql://user@127.0.0.1:55444/db

Always measures SQLite; with --database-url (or a postgresql BEATBOOK_DATABASE_URL) PostgreSQL
too, each in a child process of its own. Each round loads the generated police.uk file
(bench/briefing_data.py, 1,000,000 rows by default) into an empty, migrated schema (every
index and foreign key in place, nothing dropped by either side), in alternating order:

- the import: `CrimeImport().run([file])`, as `beatbook import-crimes` does (reading, checking,
  digests, grid cells, the force-month rows, the crimes and the counts by cell);
- PostgreSQL's reference (issue 11: "COPY into the same schema with the same indexes"): the
  stored rows, prepared beforehand (untimed) and written to a file in COPY's text format, loaded
  with `COPY ... FROM STDIN` in one transaction (what psql's \\copy sends), the crime_month rows
  first and the counts by cell after: the server's work alone, no reading of the CSV;
- SQLite's reference ("the same-schema SQL reference"), `reading reference` below: sqlite3
  reading the same CSV into the same schema in one transaction, csv.reader and executemany
  with the grid cell worked out, without the import's checks, digests or progress. SQLite has
  no COPY: the nearest bare load of a CSV file is this loop, so it is the one the target (at
  least 0.8) is read against. `reference` is sqlite3's executemany of the rows already in
  memory (no reading at all), printed to show the share of reading.

The ratio is the reference's time over the import's (1.0: as fast as the bare load), the median
of the rounds; each round's figures are printed too, with this process's CPU seconds (on
PostgreSQL the server's own work is not in them: the import's CPU here is the Python work that
the reference does not have, and that shares the machine's cores with the server). The machine
is shared: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = Path("/tmp/beatbook-national-street.csv")  # the 1,000,000-row file the briefing uses


def source_for(rows: int) -> Path:
    return SOURCE if rows == 1_000_000 else Path(f"/tmp/beatbook-national-{rows}-street.csv")


CRIME_COLUMNS = (
    "batch",
    "month",
    "crime_ref",
    "crime_type",
    "lat",
    "lng",
    "cell",
    "location",
    "lsoa_code",
    "lsoa_name",
    "outcome",
    "context",
)


def configure(database_url: str | None) -> Path:
    work = Path(tempfile.mkdtemp(prefix="beatbook-bench-crime-import-"))
    os.environ["BEATBOOK_VAR_DIR"] = str(work)
    os.environ["BEATBOOK_DATABASE_URL"] = database_url or f"sqlite:///{work / 'template.sqlite3'}"
    os.environ.setdefault("BEATBOOK_SECRET_KEY", "bench-only-secret")
    return work


def prepared(path: Path):
    """What the import stores, worked out beforehand by the importer's own reading loop:
    force-months in order, crime rows (CRIME_COLUMNS order), counts by cell."""
    from app.crime.importer import ROW_COLUMNS, Source, read_rows
    from app.crime.progress import Summary

    order = [ROW_COLUMNS.index(c) for c in CRIME_COLUMNS]
    months: dict[tuple[str, str], int] = {}
    crimes, cells = [], Counter()
    source = Source(str(path), path.stat().st_size, path)
    events = read_rows(source, Summary(), text=False, tick=False)
    reply = None
    while True:
        try:
            event = events.send(reply)
        except StopIteration:
            break
        if event[0] == "start":
            reply = months.setdefault(event[1], len(months) + 1)
            continue
        reply = None
        _, key, rows, _lines, counts, _, _ = event
        crimes.extend(tuple(row[i] for i in order) for row in rows)
        for (cell, kind), n in counts.items():
            cells[(months[key], cell, kind)] += n
    counts = [(*key, n) for key, n in cells.items()]
    return list(months), crimes, counts


def copy_text(rows) -> bytes:
    """Rows in COPY's text format (tab-separated, \\N for NULL)."""

    def cell(value) -> str:
        if value is None:
            return "\\N"
        text = str(value)
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )

    out = io.StringIO()
    for row in rows:
        out.write("\t".join(cell(v) for v in row))
        out.write("\n")
    return out.getvalue().encode()


async def run_import() -> tuple[float, int]:
    from app.crime.importer import CrimeImport

    started = time.perf_counter()
    summary = await CrimeImport(quiet=True).run([SOURCE])
    seconds = time.perf_counter() - started
    assert not summary.refused, summary.refused
    return seconds, summary.stored


# ---- PostgreSQL ---------------------------------------------------------------------------


async def pg_reset() -> None:
    from piccolo.querystring import QueryString

    from piccolo_conf import DB

    await DB.run_querystring(
        QueryString("TRUNCATE crime_cell_count, crime, crime_month RESTART IDENTITY CASCADE")
    )
    await DB.run_querystring(QueryString("CHECKPOINT"))


async def pg_reference(months, crime_file: Path, count_file: Path) -> float:
    import asyncpg

    connection = await asyncpg.connect(os.environ["BEATBOOK_DATABASE_URL"])
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.executemany(
                "INSERT INTO crime_month (force, month, digest, source, rows, imported_at) "
                "VALUES ($1, $2, '', 'reference', 0, now())",
                months,
            )
            await connection.copy_to_table("crime", source=crime_file, columns=CRIME_COLUMNS)
            await connection.copy_to_table(
                "crime_cell_count",
                source=count_file,
                columns=("batch", "cell", "crime_type", "count"),
            )
        return time.perf_counter() - started
    finally:
        await connection.close()


async def pg_rounds(rounds: int, work: Path) -> list[dict[str, float]]:
    months, crimes, counts = prepared(SOURCE)
    gc.freeze()  # the prepared rows stay out of the collector's way of either side
    crime_file, count_file = work / "crime.copy", work / "counts.copy"
    crime_file.write_bytes(copy_text(crimes))
    count_file.write_bytes(copy_text(counts))
    del crimes
    results = []
    for n in range(rounds):
        order = ("reference", "import") if n % 2 == 0 else ("import", "reference")
        times, cpu = {}, {}
        for which in order:
            await pg_reset()
            cpu[which] = -time.process_time()
            if which == "reference":
                times[which] = await pg_reference(months, crime_file, count_file)
            else:
                times[which], _ = await run_import()
            cpu[which] += time.process_time()
        results.append(times)
        report_round(n, times, cpu)
    return results


# ---- SQLite -------------------------------------------------------------------------------


def sqlite_reference(path: str, months, crimes, counts, reading: bool) -> float:
    """The bare load: rows held in memory, or (reading) read from the file by a bare loop."""
    import sqlite3

    from app.geo import cell_of

    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = FULL")  # as the app's connections
        connection.execute("PRAGMA foreign_keys = 1")
        connection.execute("PRAGMA cache_size = -65536")  # as the import's connection
        started = time.perf_counter()
        if reading:  # csv.reader, the columns the schema needs, no checks, no digest
            batches, cells, crimes = {}, Counter(), []
            with SOURCE.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.reader(handle)
                next(reader)
                for row in reader:
                    batch = batches.setdefault((row[2], row[1]), len(batches) + 1)
                    if row[5]:
                        lat, lng = float(row[5]), float(row[4])
                        cell = cell_of(lat, lng)
                        cells[(batch, cell, row[9])] += 1
                    else:
                        lat = lng = cell = None
                    crimes.append(
                        (
                            batch,
                            row[1],
                            row[0] or None,
                            row[9],
                            lat,
                            lng,
                            cell,
                            *row[6:9],
                            row[10],
                            row[11],
                        )
                    )
            months, counts = list(batches), [(*key, n) for key, n in cells.items()]
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO crime_month (force, month, digest, source, rows, imported_at) "
            "VALUES (?, ?, '', 'reference', 0, CURRENT_TIMESTAMP)",
            months,
        )
        marks = ", ".join("?" for _ in CRIME_COLUMNS)
        connection.executemany(
            f"INSERT INTO crime ({', '.join(CRIME_COLUMNS)}) VALUES ({marks})",  # noqa: S608
            crimes,
        )
        connection.executemany(
            "INSERT INTO crime_cell_count (batch, cell, crime_type, count) VALUES (?, ?, ?, ?)",
            counts,
        )
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


async def sqlite_rounds(rounds: int, work: Path) -> list[dict[str, float]]:
    from piccolo_conf import DB

    template = DB.path
    months, crimes, counts = prepared(SOURCE)
    gc.freeze()  # the prepared rows stay out of the collector's way of either side
    results = []
    kinds = ["reference", "reading reference", "import"]
    for n in range(rounds):
        times, cpu = {}, {}
        for which in kinds[n % 3 :] + kinds[: n % 3]:  # each goes first in turn
            fresh = str(work / f"round-{n}.sqlite3")
            shutil.copyfile(template, fresh)
            cpu[which] = -time.process_time()
            if which == "import":
                DB.path = fresh
                times[which], _ = await run_import()
                DB.path = template
            else:
                reading = which == "reading reference"
                times[which] = sqlite_reference(fresh, months, crimes, counts, reading)
            cpu[which] += time.process_time()
            for suffix in ("", "-wal", "-shm"):
                Path(fresh + suffix).unlink(missing_ok=True)  # noqa: ASYNC240 - a bench
        results.append(times)
        report_round(n, times, cpu)
    return results


# ---- both ---------------------------------------------------------------------------------


def report_round(n: int, times: dict[str, float], cpu: dict[str, float]) -> None:
    """One round's wall times (with this process's CPU seconds: on PostgreSQL the server's
    work is not in them), the ratios, and the load average."""
    figures = ", ".join(f"{k} {v:.2f} s (CPU here {cpu[k]:.2f} s)" for k, v in times.items())
    ratios = ", ".join(
        f"import/{k} {v / times['import']:.2f}" for k, v in times.items() if k != "import"
    )
    print(
        f"  round {n + 1}: {figures}; {ratios} (load average {os.getloadavg()[0]:.1f})", flush=True
    )


async def child(database_url: str | None, rounds: int) -> None:
    work = configure(database_url)
    from app.database import migrate, prepare_sqlite_file

    if database_url:
        from piccolo.querystring import QueryString

        from piccolo_conf import DB

        await DB.run_querystring(QueryString("DROP SCHEMA public CASCADE"))
        await DB.run_querystring(QueryString("CREATE SCHEMA public"))
    await migrate()
    engine = "PostgreSQL" if database_url else "SQLite"
    print(f"{engine} ({database_url.split('@')[-1] if database_url else 'WAL, synchronous=FULL'}):")
    if database_url:
        results = await pg_rounds(rounds, work)
    else:
        import sqlite3

        from piccolo_conf import DB

        with sqlite3.connect(DB.path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        prepare_sqlite_file(DB.path)
        results = await sqlite_rounds(rounds, work)
    for kind in [k for k in results[0] if k != "import"]:
        ratio = statistics.median(r[kind] / r["import"] for r in results)
        print(f"{engine}: import speed / {kind} speed = {ratio:.2f} (median of {len(results)})")
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL database to measure too (emptied)")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        url = args.database_url if args.only == "postgres" else None
        global SOURCE
        SOURCE = source_for(args.rows)
        asyncio.run(child(url, args.rounds))
        return
    from bench.briefing_data import crimes_file

    source = crimes_file(source_for(args.rows), args.rows)
    print(f"{source}: {args.rows:,} rows; {os.cpu_count()} cores")
    url = args.database_url or os.environ.get("BEATBOOK_DATABASE_URL", "")
    engines = ["sqlite"] + (["postgres"] if url.startswith("postgres") else [])
    for engine in engines:
        command = [sys.executable, __file__, "--only", engine, "--rounds", str(args.rounds)]
        command += ["--rows", str(args.rows)]
        if engine == "postgres":
            command += ["--database-url", url]
        subprocess.run(command, check=True)  # noqa: S603 - this script, its own arguments


if __name__ == "__main__":
    main()
