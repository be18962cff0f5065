"""The committed migrations match the tables: `piccolo migrations new app --auto` writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "app" / "piccolo_migrations"


def test_auto_migration_finds_no_changes(tmp_path):
    before = set(MIGRATIONS.iterdir())
    env = {
        **os.environ,
        "BEATBOOK_VAR_DIR": str(tmp_path),
        "BEATBOOK_DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "new", "app", "--auto"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    created = set(MIGRATIONS.iterdir()) - before
    for path in created:  # never leave a stray migration behind in the tree
        path.unlink()
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout, result.stdout
    assert created == set()
