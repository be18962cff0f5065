"""Importing a force incident extract: times, flags, bad rows, re-imports, other formats."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from app.crime.incidents import HEADER, import_incidents
from app.tables.briefing import Incident
from tests.helpers import sync


def write(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


ROWS = [
    ["INC-1", "2026-07-01T14:05", "Burglary", "52.92", "-1.47", "12 Abbey Street", "V1", "", ""],
    [
        "INC-2",
        "2026-01-10T09:00:00+00:00",
        "Robbery",
        "52.93",
        "-1.48",
        "Friar Gate",
        "",
        "S9",
        "knife",
    ],
    ["INC-3", "yesterday", "Robbery", "52.93", "-1.48", "Friar Gate", "", "", ""],
    ["INC-4", "2026-01-10T09:00", "Robbery", "", "-1.48", "Friar Gate", "", "", ""],
    ["INC-5", "2026-01-10T09:00", "Robbery", "52.93", "-1.48", "Friar Gate", "", "", "gun"],
    ["INC-1", "2026-01-10T09:00", "Robbery", "52.93", "-1.48", "Friar Gate", "", "", ""],
]


def test_an_extract_is_stored_by_reference_with_bad_rows_reported(tmp_path):
    summary = sync(import_incidents(write(tmp_path / "extract.csv", ROWS), quiet=True))
    assert summary.read == 6 and summary.stored == 2
    assert summary.examples == {
        "occurred_at is not an ISO 8601 date and time": ["line 4"],
        "latitude or longitude missing or not a number": ["line 5"],
        "unknown flag 'gun'": ["line 6"],
        "reference repeated (kept line 2)": ["line 7"],
    }
    rows = {r["reference"]: r for r in Incident.select().run_sync()}
    assert set(rows) == {"INC-1", "INC-2"}
    # a time without an offset is UK local time: 14:05 BST is 13:05 UTC
    assert rows["INC-1"]["occurred_at"] == datetime(2026, 7, 1, 13, 5, tzinfo=UTC)
    assert rows["INC-1"]["victim_ref"] == "V1" and rows["INC-1"]["suspect_ref"] is None
    assert rows["INC-2"]["knife"] is True and rows["INC-1"]["knife"] is False


def test_reimporting_changes_nothing_and_a_newer_extract_updates(tmp_path):
    path = write(tmp_path / "extract.csv", ROWS[:2])
    sync(import_incidents(path, quiet=True))
    before = Incident.select().order_by(Incident.id).run_sync()
    sync(import_incidents(path, quiet=True))
    assert Incident.select().order_by(Incident.id).run_sync() == before
    changed = [ROWS[0][:2] + ["Theft"] + ROWS[0][3:], ROWS[1]]
    sync(import_incidents(write(tmp_path / "newer.csv", changed), quiet=True))
    after = Incident.select().order_by(Incident.id).run_sync()
    assert len(after) == 2 and after[0]["category"] == "Theft"


def test_another_format_is_refused_with_nothing_stored(tmp_path):
    path = write(tmp_path / "other.csv", [["a", "b"]], header=["Crime ID", "Month"])
    summary = sync(import_incidents(path, quiet=True))
    assert summary.refused and "not an incident extract" in summary.refused[0]
    assert Incident.count().run_sync() == 0
