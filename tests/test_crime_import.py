"""Importing police.uk street crime: the real files' quirks, re-imports, bad rows, bad files."""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections import Counter
from pathlib import Path

from app.crime.importer import HEADER, CrimeImport
from app.tables.briefing import Crime, CrimeMonth
from tests.helpers import sync

FILES = ["2019-01-derbyshire-street", "2019-01-leicestershire-street", "2019-02-derbyshire-street"]


def run_import(*paths: Path):
    return sync(CrimeImport(quiet=True).run(list(paths)))


def source_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[1:]


def stored(force: str, month: str):
    return Crime.select().where((Crime.batch.force == force) & (Crime.month == month)).run_sync()


def test_real_files_keep_every_row_by_kind(shared_data):
    paths = [shared_data / "crime" / f"{name}.csv" for name in FILES]
    summary = run_import(*paths)
    expected_total = 0
    for path in paths:
        rows = source_rows(path)
        expected_total += len(rows)
        force, month = rows[0][2], rows[0][1]
        kept = stored(force, month)
        assert len(kept) == len(rows), path.name
        # ASB rows have no crime ID, and are all kept
        asb = [r for r in rows if r[9] == "Anti-social behaviour"]
        assert all(r[0] == "" for r in asb)
        assert len([c for c in kept if c["crime_type"] == "Anti-social behaviour"]) == len(asb)
        assert len([c for c in kept if c["crime_ref"] is None]) == len(
            [r for r in rows if not r[0]]
        )
        # "No Location" rows: kept, without a point or grid cell
        no_location = [r for r in rows if not r[4] and not r[5]]
        unplaced = [c for c in kept if c["lat"] is None]
        assert len(unplaced) == len(no_location)
        assert all(c["location"] == "No Location" and c["cell"] is None for c in unplaced)
        # Crime IDs that repeat within the month are all kept, with their own locations
        repeated = {k: n for k, n in Counter(r[0] for r in rows if r[0]).items() if n > 1}
        kept_ids = Counter(c["crime_ref"] for c in kept if c["crime_ref"] in repeated)
        assert kept_ids == repeated
        # Welsh LSOAs (rows outside the force) are kept too
        welsh = [r for r in rows if r[7].startswith("W")]
        assert len([c for c in kept if c["lsoa_code"].startswith("W")]) == len(welsh)
    assert summary.read == summary.stored == expected_total
    assert summary.no_location == sum(
        1 for p in paths for r in source_rows(p) if not r[4] and not r[5]
    )
    assert summary.no_location > 0 and not summary.rejected and not summary.refused
    assert summary.months == {"2019-01", "2019-02"}


def test_quoted_locations_with_commas_survive(shared_data):
    path = shared_data / "crime" / "2019-01-leicestershire-street.csv"
    run_import(path)
    with_commas = {r[6] for r in source_rows(path) if "," in r[6]}
    assert with_commas
    kept = {c["location"] for c in stored("Leicestershire Police", "2019-01")}
    assert with_commas <= kept


def test_importing_the_same_file_again_changes_nothing(shared_data):
    path = shared_data / "crime" / "2019-01-derbyshire-street.csv"
    run_import(path)
    before = (Crime.select().order_by(Crime.id).run_sync(), CrimeMonth.select().run_sync())
    again = run_import(path)
    after = (Crime.select().order_by(Crime.id).run_sync(), CrimeMonth.select().run_sync())
    assert after == before
    assert again.stored == 0 and again.unchanged == len(source_rows(path))


def test_a_newer_copy_of_a_month_replaces_only_that_force_month(shared_data, tmp_path):
    jan = shared_data / "crime" / "2019-01-derbyshire-street.csv"
    leics = shared_data / "crime" / "2019-01-leicestershire-street.csv"
    run_import(jan, leics)
    leics_before = stored("Leicestershire Police", "2019-01")
    newer = tmp_path / "2019-01-derbyshire-street.csv"
    lines = jan.read_text(encoding="utf-8").splitlines(keepends=True)
    newer.write_text("".join(lines[:-100]), encoding="utf-8")  # republished without 100 rows
    summary = run_import(newer)
    assert len(stored("Derbyshire Constabulary", "2019-01")) == len(lines) - 1 - 100
    assert summary.stored == len(lines) - 1 - 100
    assert CrimeMonth.count().where(CrimeMonth.force == "Derbyshire Constabulary").run_sync() == 1
    assert stored("Leicestershire Police", "2019-01") == leics_before


def test_the_monthly_archive_zip_and_folders_take_street_files_only(shared_data, tmp_path):
    archive = tmp_path / "latest.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(
            shared_data / "crime" / "2019-02-derbyshire-street.csv",
            "2019-02/2019-02-derbyshire-street.csv",
        )
        out.writestr("2019-02/2019-02-derbyshire-outcomes.csv", "Crime ID,Month\n")
    summary = run_import(archive)
    assert summary.stored == len(
        source_rows(shared_data / "crime" / "2019-02-derbyshire-street.csv")
    )
    assert not summary.refused
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(shared_data / "crime" / "2019-01-leicestershire-street.csv", folder)
    (folder / "notes.csv").write_text("not,crime\n")
    from_folder = run_import(folder)  # notes.csv is not a *-street.csv: not read at all
    expected = len(source_rows(shared_data / "crime" / "2019-01-leicestershire-street.csv"))
    assert from_folder.read == from_folder.stored == expected and not from_folder.refused
    assert len(stored("Leicestershire Police", "2019-01")) == expected


def write_csv(path: Path, rows: list[list[str]], header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_row(n: int, month: str = "2024-05") -> list[str]:
    return [
        f"id{n}",
        month,
        "Test Constabulary",
        "Test Constabulary",
        "-1.47",
        "52.92",
        "On or near Corn Market",
        "E01000001",
        "Derby 001A",
        "Burglary",
        "",
        "",
    ]


def test_bad_rows_are_rejected_with_reasons_and_lines_and_never_stop_the_import(tmp_path):
    rows = [good_row(1), good_row(2)[:5], good_row(3), good_row(4), good_row(5), good_row(6)]
    rows[3][1] = "May 2024"
    rows[4][5] = "north"
    rows[5][9] = ""
    summary = run_import(write_csv(tmp_path / "bad.csv", rows))
    assert summary.stored == 2 and summary.read == 6
    assert summary.examples == {
        "5 columns, not 12": [f"{tmp_path / 'bad.csv'} line 3"],
        "month is not YYYY-MM": [f"{tmp_path / 'bad.csv'} line 5"],
        "latitude or longitude is not a number": [f"{tmp_path / 'bad.csv'} line 6"],
        "no crime type": [f"{tmp_path / 'bad.csv'} line 7"],
    }
    assert {c["crime_ref"] for c in Crime.select(Crime.crime_ref).run_sync()} == {"id1", "id3"}
    assert any("line 3" in line for line in summary.lines())


def test_a_file_in_another_format_is_refused_and_nothing_is_stored(tmp_path):
    other = write_csv(tmp_path / "other.csv", [["x"] * 12], header=[f"col{i}" for i in range(12)])
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    summary = run_import(other, binary, tmp_path / "missing.csv")
    assert len(summary.refused) == 3
    assert "not a data.police.uk street-level crime CSV" in summary.refused[0]
    assert Crime.count().run_sync() == 0 and CrimeMonth.count().run_sync() == 0


def test_the_command_prints_the_summary(tmp_path, capsys):
    from concurrent.futures import ThreadPoolExecutor

    from app.cli import main as cli

    def main(argv):  # in a thread: the command runs its own event loop, as from a shell
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(cli, argv).result()

    path = write_csv(tmp_path / "2024-05-test-street.csv", [good_row(1), good_row(2)[:3]])
    assert main(["import-crimes", "--quiet", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Rows read: 2" in out and "Rows stored: 1" in out
    assert f"3 columns, not 12 (first at {path} line 3)" in out
    assert "Months: 2024-05" in out and "Forces: Test Constabulary" in out
    assert main(["import-crimes", "--quiet", str(tmp_path / "nothing.csv")]) == 1
