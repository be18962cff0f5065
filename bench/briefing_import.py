"""Import speed into SQLite: the real police.uk files and a generated 1,000,000-row file.

.venv/bin/python bench/briefing_import.py [--rows 1000000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORK = Path(tempfile.mkdtemp(prefix="beatbook-bench-import-"))
os.environ["BEATBOOK_VAR_DIR"] = str(WORK)
os.environ.setdefault("BEATBOOK_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")


async def timed(label: str, paths: list[Path]) -> None:
    from app.crime.importer import CrimeImport

    summary = await CrimeImport(quiet=True).run(paths)
    print(
        f"{label}: {summary.stored:,} rows stored in {summary.seconds:.2f} s "
        f"= {summary.rows_per_second:,.0f} rows/s (rejected {sum(summary.rejected.values())})"
    )
    again = await CrimeImport(quiet=True).run(paths)
    print(f"{label}, again (unchanged): {again.unchanged:,} rows in {again.seconds:.2f} s")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    args = parser.parse_args()
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


if __name__ == "__main__":
    asyncio.run(main())
