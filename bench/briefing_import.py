"""Import speed into SQLite: the real police.uk files and a generated 1,000,000-row file.

    .venv/bin/python bench/briefing_import.py [--rows 1000000] [--data ../shared/data]

Prints rows/s by the clock and per CPU second (the machine is shared: the load average says
how much of it this run had).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="beatbook-bench-import-"))
os.environ["BEATBOOK_VAR_DIR"] = str(WORK)
os.environ.setdefault("BEATBOOK_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")


async def timed(label: str, paths: list[Path]) -> None:
    from app.crime.importer import CrimeImport

    cpu = time.process_time()
    summary = await CrimeImport(quiet=True).run(paths)
    cpu = time.process_time() - cpu  # every thread of this process
    print(
        f"{label}: {summary.stored:,} rows stored in {summary.seconds:.2f} s = "
        f"{summary.rows_per_second:,.0f} rows/s, {summary.stored / cpu:,.0f} rows per CPU "
        f"second (rejected {sum(summary.rejected.values())}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    again = await CrimeImport(quiet=True).run(paths)
    print(f"  again (unchanged): {again.unchanged:,} rows in {again.seconds:.2f} s")


async def run(args: argparse.Namespace) -> None:
    from app.database import migrate
    from bench.briefing_data import crimes_file

    await migrate()
    print(f"database: {os.environ['BEATBOOK_DATABASE_URL']}")
    real = sorted((args.data / "crime").glob("*-street.csv"))
    if real:
        await timed(f"real police.uk files ({len(real)})", real)
    else:
        print(f"real files: {args.data / 'crime'} is absent, skipped")
    national = crimes_file(Path("/tmp/beatbook-national-street.csv"), args.rows)
    await timed(f"generated national file ({national})", [national])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
