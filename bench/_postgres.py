"""A throwaway PostgreSQL cluster on a loopback port for a benchmark (as scripts/test makes one)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


@contextlib.contextmanager
def throwaway_postgres(port: int = 55450):
    """Yields a postgresql:// URL to an empty database; the cluster is removed afterwards."""
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdbs:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    bin_dir = Path(initdbs[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="beatbook-bench-pg-"))
    as_pg: list[str] = []
    if os.getuid() == 0:
        shutil.chown(folder, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    run = subprocess.run
    run(
        [*as_pg, bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "beatbook"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300"
    run(
        [
            *as_pg,
            bin_dir / "pg_ctl",
            "-D",
            data,
            "-l",
            folder / "log",
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        run(
            [
                *as_pg,
                bin_dir / "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "beatbook",
                "beatbook_bench",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://beatbook@127.0.0.1:{port}/beatbook_bench"
    finally:
        run(
            [*as_pg, bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)
