"""Importing police.uk street crime: the real files' quirks, re-imports, bad rows, bad files."""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

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


def crime_counts() -> dict[tuple[str, str], int]:
    rows = Crime.select(Crime.batch.force, Crime.month).run_sync()
    return dict(Counter((r["batch.force"], r["month"]) for r in rows))


def cell_totals() -> dict[str, int]:
    """Crimes per month as the grid-cell counts hold them (what the briefing's coverage reads)."""
    from app.tables.briefing import CrimeCellCount

    totals: Counter = Counter()
    for row in CrimeCellCount.select(CrimeCellCount.batch.month, CrimeCellCount.count).run_sync():
        totals[row["batch.month"]] += row["count"]
    return dict(totals)


def round_file(path: Path, runs: list[tuple[str, int]]) -> Path:
    """A file whose months come in runs, for example January, February, then January again."""
    rows, n = [], 0
    for month, count in runs:
        for _ in range(count):
            n += 1
            rows.append(good_row(n, month))
    return write_csv(path, rows)


def test_a_month_that_comes_back_round_keeps_every_row_on_import_and_again(tmp_path):
    path = round_file(tmp_path / "round.csv", [("2024-01", 15), ("2024-02", 15), ("2024-01", 30)])
    first = run_import(path)
    expected = {("Test Constabulary", "2024-01"): 45, ("Test Constabulary", "2024-02"): 15}
    assert first.stored == 60 and crime_counts() == expected
    assert cell_totals() == {"2024-01": 45, "2024-02": 15}
    months = {m["month"]: m for m in CrimeMonth.select().run_sync()}
    assert months["2024-01"]["rows"] == 45 and months["2024-02"]["rows"] == 15
    again = run_import(path)
    assert again.stored + again.unchanged == 60 and not again.refused
    assert crime_counts() == expected
    assert cell_totals() == {"2024-01": 45, "2024-02": 15}
    assert CrimeMonth.count().run_sync() == 2


def test_a_month_that_comes_back_round_adds_to_the_copy_it_kept(tmp_path):
    """The first run of January is the stored copy (left alone); the second run adds to it."""
    run_import(round_file(tmp_path / "jan.csv", [("2024-01", 10)]))
    kept = {c["id"] for c in Crime.select(Crime.id).run_sync()}
    later = round_file(tmp_path / "later.csv", [("2024-01", 10), ("2024-02", 5), ("2024-01", 7)])
    # the third run's rows must differ from the first's: give them their own ids
    rows = source_rows(later)
    for n, row in enumerate(rows[15:]):
        row[0] = f"late{n}"
    write_csv(later, rows)
    summary = run_import(later)
    assert summary.unchanged == 10 and summary.stored == 12
    assert crime_counts() == {
        ("Test Constabulary", "2024-01"): 17,
        ("Test Constabulary", "2024-02"): 5,
    }
    assert kept <= {c["id"] for c in Crime.select(Crime.id).run_sync()}
    assert cell_totals() == {"2024-01": 17, "2024-02": 5}
    again = run_import(later)  # the whole month's digest now covers both runs
    assert crime_counts()[("Test Constabulary", "2024-01")] == 17 and not again.refused


def test_a_file_refused_part_way_stores_nothing_and_keeps_the_copy_before(tmp_path):
    run_import(round_file(tmp_path / "v1.csv", [("2024-01", 5), ("2024-02", 5)]))
    before = Crime.select().order_by(Crime.id).run_sync()
    months_before = CrimeMonth.select().order_by(CrimeMonth.id).run_sync()
    broken = round_file(tmp_path / "v2.csv", [("2024-01", 700), ("2024-02", 700), ("2024-03", 9)])
    broken.write_bytes(broken.read_bytes() + b"\xff\xfe not UTF-8\n")  # found after every month
    summary = run_import(broken)
    assert len(summary.refused) == 1 and "not a readable CSV" in summary.refused[0]
    assert "nothing stored" in summary.refused[0]
    assert summary.stored == 0 and summary.read == 0 and not summary.months
    assert Crime.select().order_by(Crime.id).run_sync() == before
    assert CrimeMonth.select().order_by(CrimeMonth.id).run_sync() == months_before


def corrupt_member_zip(path: Path, method: int) -> Path:
    """An archive with a good street file and a damaged one (bytes changed inside its data)."""
    good = round_file(path.parent / "good.csv", [("2024-04", 20)])
    bad = round_file(path.parent / "bad.csv", [("2024-05", 400), ("2024-06", 400)])
    with zipfile.ZipFile(path, "w", compression=method) as out:
        out.write(good, "2024-04/2024-04-test-street.csv")
        out.write(bad, "2024-05/2024-05-test-street.csv")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("2024-05/2024-05-test-street.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 8] = bytes(b ^ 0x5A for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_corrupt_zip_member_is_refused_with_a_message_and_stores_nothing(tmp_path, method):
    archive = corrupt_member_zip(tmp_path / "latest.zip", method)
    summary = run_import(archive)
    assert len(summary.refused) == 1
    assert summary.refused[0].startswith("latest.zip:2024-05/2024-05-test-street.csv: ")
    assert "damaged zip member" in summary.refused[0] or "not a readable CSV" in summary.refused[0]
    assert crime_counts() == {("Test Constabulary", "2024-04"): 20}
    assert {m["month"] for m in CrimeMonth.select(CrimeMonth.month).run_sync()} == {"2024-04"}


def test_the_command_refuses_a_corrupt_zip_member_without_a_traceback(tmp_path, capsys):
    from concurrent.futures import ThreadPoolExecutor

    from app.cli import main as cli

    archive = corrupt_member_zip(tmp_path / "latest.zip", zipfile.ZIP_STORED)
    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(cli, ["import-crimes", "--quiet", str(archive)]).result()
    captured = capsys.readouterr()
    assert code == 1
    assert "Refused: latest.zip:2024-05/2024-05-test-street.csv: a damaged zip member" in (
        captured.out
    )
    assert "Traceback" not in captured.out + captured.err
    assert "Rows stored: 20" in captured.out


def test_a_damaged_zip_archive_is_refused_with_a_message(tmp_path):
    archive = corrupt_member_zip(tmp_path / "latest.zip", zipfile.ZIP_DEFLATED)
    data = archive.read_bytes()
    end = data.rindex(b"PK\x05\x06")  # the end record points at a central directory cut away
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: end - 40] + data[end:])
    summary = run_import(cut)
    assert len(summary.refused) == 1 and summary.refused[0].startswith(str(cut))
    assert Crime.count().run_sync() == 0


def test_awkward_fields_are_stored_as_the_file_holds_them(tmp_path):
    """Quotes, tabs, commas and line breaks inside fields, and a coordinate Python reads but
    PostgreSQL's number parser does not (52_9.1): stored as read, on either database."""
    rows = [good_row(n) for n in range(1, 6)]
    rows[0][6] = 'On or near "The Crescent", Derby'
    rows[1][6] = "On or near\tTab Street"
    rows[2][10] = "Under investigation\nsee notes"
    rows[3][11] = "a \\N and \\ backslash\r\n"
    rows[4][5] = "5_2.92"
    summary = run_import(write_csv(tmp_path / "awkward.csv", rows))
    assert summary.stored == 5 and not summary.rejected and not summary.refused
    kept = {c["crime_ref"]: c for c in Crime.select().run_sync()}
    assert kept["id1"]["location"] == 'On or near "The Crescent", Derby'
    assert kept["id2"]["location"] == "On or near\tTab Street"
    assert kept["id3"]["outcome"] == "Under investigation\nsee notes"
    assert kept["id4"]["context"] == "a \\N and \\ backslash\r\n"
    assert kept["id5"]["lat"] == 52.92 and kept["id5"]["lng"] == -1.47
    assert all(c["cell"] == kept["id1"]["cell"] for c in kept.values())


def test_line_numbers_count_lines_of_quoted_records_and_blank_lines(tmp_path):
    rows = [good_row(1), good_row(2), good_row(3), good_row(4)]
    rows[0][6] = "On or near\nTwo Lines"  # record on lines 2-3
    rows[2][9] = ""  # line 5
    path = write_csv(tmp_path / "lines.csv", rows)
    path.write_text(path.read_text(encoding="utf-8") + "\r\n" + ",".join(good_row(5)) + "\r\n")
    summary = run_import(path)
    assert summary.examples == {
        "no crime type": [f"{path} line 5"],
        "0 columns, not 12": [f"{path} line 7"],
    }
    assert summary.read == 6 and summary.stored == 4


@pytest.mark.parametrize("runs", [[("2024-01", 15), ("2024-02", 15), ("2024-01", 30)]])
def test_months_written_in_small_chunks_come_out_the_same(tmp_path, monkeypatch, runs):
    """Runs longer than a chunk: new months written chunk by chunk, a stored one held whole."""
    from app.crime import importer

    monkeypatch.setattr(importer, "CHUNK", 7)
    path = round_file(tmp_path / "round.csv", runs)
    first = run_import(path)
    expected = {("Test Constabulary", "2024-01"): 45, ("Test Constabulary", "2024-02"): 15}
    assert first.stored == 60 and crime_counts() == expected
    assert cell_totals() == {"2024-01": 45, "2024-02": 15}
    again = run_import(path)
    assert again.stored + again.unchanged == 60 and crime_counts() == expected
    assert cell_totals() == {"2024-01": 45, "2024-02": 15}
    months = {m["month"]: m["rows"] for m in CrimeMonth.select().run_sync()}
    assert months == {"2024-01": 45, "2024-02": 15}
    newer = round_file(tmp_path / "newer.csv", [("2024-02", 20)])
    summary = run_import(newer)
    assert summary.stored == 20 and summary.notes
    assert crime_counts()[("Test Constabulary", "2024-02")] == 20
    assert run_import(newer).unchanged == 20


def test_counts_by_cell_and_rows_without_a_location_belong_to_their_own_month(tmp_path):
    rows = [good_row(1, "2024-01"), good_row(2, "2024-01"), good_row(3, "2024-02")]
    rows[2][4:6], rows[2][9] = ["-1.30", "52.80"], "Robbery"  # another cell, another type
    rows.append(good_row(4, "2024-03"))
    rows[3][4:7] = ["", "", "No Location"]
    rows.append(good_row(5, "2024-04"))
    summary = run_import(write_csv(tmp_path / "runs.csv", rows))
    assert summary.stored == 5 and summary.no_location == 1
    from app.tables.briefing import CrimeCellCount

    counts = CrimeCellCount.select(
        CrimeCellCount.batch.month, CrimeCellCount.crime_type, CrimeCellCount.count
    ).run_sync()
    assert sorted((c["batch.month"], c["crime_type"], c["count"]) for c in counts) == [
        ("2024-01", "Burglary", 2),
        ("2024-02", "Robbery", 1),
        ("2024-04", "Burglary", 1),
    ]
    unplaced = Crime.select(Crime.month).where(Crime.cell.is_null()).run_sync()
    assert unplaced == [{"month": "2024-03"}]


def test_a_row_with_a_nul_character_is_rejected_on_either_database(tmp_path):
    rows = [good_row(1), good_row(2)]
    rows[0][6] = "On or near\x00 Corn Market"
    summary = run_import(write_csv(tmp_path / "nul.csv", rows))
    assert summary.stored == 1 and not summary.refused
    assert summary.examples == {"a NUL character in a field": [f"{tmp_path / 'nul.csv'} line 2"]}
    assert [c["crime_ref"] for c in Crime.select(Crime.crime_ref).run_sync()] == ["id2"]
