"""Import data.police.uk street-level crime CSVs: files, folders or the monthly archive zip."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.crime.progress import Progress, Summary
from app.crime.store import bulk_insert
from app.database import atomic
from app.geo import cell_of
from app.tables.briefing import Crime, CrimeCellCount, CrimeMonth

HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
COLUMNS = (
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
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Column widths the tables hold (PostgreSQL refuses longer values; SQLite would keep them).
LIMITS = {6: ("location", 255), 7: ("LSOA code", 12), 8: ("LSOA name", 120), 9: ("crime type", 80)}
LIMITS |= {10: ("outcome", 160), 0: ("crime ID", 64), 2: ("force", 120)}


class NotThisFormat(Exception):
    """A file that is not a police.uk street-level CSV: refused, nothing stored."""


@dataclass
class Source:
    """One CSV to read: a name for messages, its size in bytes, and how to open it."""

    name: str
    size: int
    opener: object

    @contextmanager
    def open(self):
        with self.opener() as raw:
            yield raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def sources(paths: list[Path]) -> Iterator[Source]:
    """Every CSV the paths name: files as given, *-street.csv in folders and zip archives."""
    for path in paths:
        if path.is_dir():
            yield from sources(sorted(path.rglob("*-street.csv")))
        elif zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if info.filename.endswith("-street.csv"):
                    name = f"{path.name}:{info.filename}"
                    yield Source(name, info.file_size, lambda a=archive, i=info: a.open(i))
        else:
            size = path.stat().st_size if path.exists() else 0
            yield Source(str(path), size, lambda p=path: p.open("rb"))


def parse_row(row: list[str]) -> tuple[str | None, tuple | None]:
    """(reason, None) for a row to reject, or (None, the row's values without its batch)."""
    if len(row) != len(HEADER):
        return f"{len(row)} columns, not {len(HEADER)}", None
    crime_ref, month, force, _within, lng_text, lat_text, location = row[:7]
    if not MONTH.match(month):
        return "month is not YYYY-MM", None
    if not force:
        return "no force in Reported by", None
    if not row[9]:
        return "no crime type", None
    if (
        len(row[6]) > 255
        or len(row[0]) > 64
        or len(row[7]) > 12
        or len(row[8]) > 120
        or len(row[9]) > 80
        or len(row[10]) > 160
        or len(force) > 120
    ):  # spelled out, not a loop: this runs once per row
        what, width = next((w, n) for i, (w, n) in LIMITS.items() if len(row[i]) > n)
        return f"{what} longer than {width} characters", None
    if lat_text or lng_text:
        try:
            lat, lng = float(lat_text), float(lng_text)
        except ValueError:
            return "latitude or longitude is not a number", None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return "latitude or longitude out of range", None
        cell = cell_of(lat, lng)
    else:
        lat = lng = cell = None  # police.uk's "No Location" rows: kept, never placed on a map
    values = (month, crime_ref or None, row[9], lat, lng, cell, location, *row[7:9], row[10])
    return None, (*values, row[11])


class CrimeImport:
    """One run of `beatbook import-crimes`: reads sources, replaces changed force-months."""

    def __init__(self, quiet: bool = False):
        self.summary = Summary()
        self.quiet = quiet
        self.batches: dict[tuple[str, str], int] = {}  # written in this run: later rows append
        self.pending: asyncio.Future | None = None

    async def run(self, paths: list[Path]) -> Summary:
        started = time.perf_counter()
        for source in sources(paths):
            try:
                await self.read(source)
            except NotThisFormat as refusal:
                self.summary.refused.append(f"{source.name}: {refusal}")
        await self.wait()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    async def read(self, source: Source) -> None:
        summary = self.summary
        try:
            with source.open() as (raw, text):
                reader = csv.reader(text)
                header = next(reader, None)
                if header != HEADER:
                    raise NotThisFormat(
                        "not a data.police.uk street-level crime CSV (its first line must be "
                        f"{','.join(HEADER)})"
                    )
                progress = None if self.quiet else Progress(source.name, source.size)
                key, group, digest = None, [], hashlib.sha256()
                for row in reader:
                    summary.read += 1
                    reason, values = parse_row(row)
                    if reason:
                        summary.reject(reason, f"{source.name} line {reader.line_num}")
                        continue
                    row_key = (row[2], values[0])
                    if row_key != key:
                        await self.flush(source.name, key, group, digest)
                        key, group, digest = row_key, [], hashlib.sha256()
                    group.append(values)
                    digest.update(("\x1f".join(row) + "\n").encode())
                    if values[3] is None:
                        summary.no_location += 1
                    if summary.read % 256 == 0:
                        # Let the previous month's write (in the database thread) go on.
                        await asyncio.sleep(0)
                        if progress and summary.read % 4096 == 0:
                            progress.update(raw.tell(), summary.read)
                await self.flush(source.name, key, group, digest)
                if progress:
                    progress.finish(summary.read)
        except (UnicodeDecodeError, csv.Error) as problem:
            raise NotThisFormat(f"not a readable CSV ({problem})") from problem
        except FileNotFoundError as problem:
            raise NotThisFormat("no such file") from problem

    async def flush(self, name: str, key, group: list[tuple], digest) -> None:
        """Start storing a force-month while the next is read (one write at a time)."""
        await self.wait()
        if key is not None:
            self.pending = asyncio.ensure_future(self.store(name, key, group, digest))

    async def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            await pending

    async def store(self, name: str, key, group: list[tuple], digest) -> None:
        """Store one force-month: unchanged, new, or replacing the copy stored before."""
        force, month = key
        self.summary.forces.add(force)
        self.summary.months.add(month)
        async with atomic() as transaction:
            batch = self.batches.get(key)
            if batch is None:
                stored = await CrimeMonth.select(CrimeMonth.id, CrimeMonth.digest).where(
                    (CrimeMonth.force == force) & (CrimeMonth.month == month)
                )
                if stored and stored[0]["digest"] == digest.hexdigest():
                    self.summary.unchanged += len(group)
                    return
                # A newer copy of the month: the old one goes in the same transaction.
                for old in stored:
                    await Crime.delete().where(Crime.batch == old["id"])
                    await CrimeCellCount.delete().where(CrimeCellCount.batch == old["id"])
                await CrimeMonth.delete().where(
                    (CrimeMonth.force == force) & (CrimeMonth.month == month)
                )
                if stored:
                    self.summary.notes.append(f"Replaced {force} {month} with {name}")
                inserted = await CrimeMonth.insert(
                    CrimeMonth(
                        force=force,
                        month=month,
                        digest=digest.hexdigest(),
                        source=name[-255:],
                        rows=len(group),
                    )
                )
                batch = self.batches[key] = inserted[0]["id"]
            else:
                await CrimeMonth.update({CrimeMonth.rows: CrimeMonth.rows + len(group)}).where(
                    CrimeMonth.id == batch
                )
            await bulk_insert(transaction, "crime", COLUMNS, [(batch, *v) for v in group])
            cells = Counter((v[5], v[2]) for v in group if v[5] is not None)
            await bulk_insert(
                transaction,
                "crime_cell_count",
                ("batch", "cell", "crime_type", "count"),
                [(batch, cell, kind, n) for (cell, kind), n in cells.items()],
            )
        self.summary.stored += len(group)
