"""Making the database ready: migrations forwards, SQLite's WAL, a fresh file for the demo."""

from __future__ import annotations

import os
from pathlib import Path

from app.settings import get_settings


def prepare() -> None:
    """Create the SQLite file's folder and switch it to WAL (PostgreSQL needs nothing)."""
    from app.db import prepare_sqlite_file

    settings = get_settings()
    if not settings.is_postgres:
        Path(settings.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        prepare_sqlite_file(settings.sqlite_path)


async def migrate() -> None:
    """Run every migration not yet run."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    prepare()
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}")


def remove_sqlite_file(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
