"""Import data.police.uk street-level crime CSVs: files, folders or the monthly archive zip."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from app.crime.progress import Progress, Summary
from app.crime.store import bulk_insert, prepare_bulk, recount_cells
from app.database import atomic, is_postgres
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
CELL_COLUMNS = ("batch", "cell", "crime_type", "count")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Column widths the tables hold (PostgreSQL refuses longer values; SQLite would keep them).
LIMITS = {6: ("location", 255), 7: ("LSOA code", 12), 8: ("LSOA name", 120), 9: ("crime type", 80)}
LIMITS |= {10: ("outcome", 160), 0: ("crime ID", 64), 2: ("force", 120)}


class NotThisFormat(Exception):
    """A file that is not a police.uk street-level CSV: refused, nothing stored."""


@dataclass
class Source:
    """One CSV to read: a name for messages, its size in bytes, and where it is (a file, or a
    member of a zip archive); `problem` says why it cannot be read at all."""

    name: str
    size: int
    path: Path
    member: str | None = None
    problem: str | None = None

    @contextmanager
    def open(self):
        if self.problem:
            raise NotThisFormat(self.problem)
        if self.member is None:
            raw = self.path.open("rb")
        else:
            with zipfile.ZipFile(self.path) as archive:
                raw = archive.open(self.member)
        with raw:
            yield raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def sources(paths: list[Path]) -> Iterator[Source]:
    """Every CSV the paths name: files as given, *-street.csv in folders and zip archives."""
    for path in paths:
        if path.is_dir():
            yield from sources(sorted(path.rglob("*-street.csv")))
        elif zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    members = sorted(archive.infolist(), key=lambda i: i.filename)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as problem:
                yield Source(str(path), 0, path, problem=f"a damaged zip archive ({problem})")
                continue
            for info in members:
                if info.filename.endswith("-street.csv"):
                    name = f"{path.name}:{info.filename}"
                    yield Source(name, info.file_size, path, member=info.filename)
        else:
            size = path.stat().st_size if path.exists() else 0
            yield Source(str(path), size, path)


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


# Damage found while reading a zip member (a bad CRC, a broken deflate stream, a cut-off file).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def runs(
    source: Source, summary: Summary, quiet: bool = True, tick: bool = False
) -> Iterator[tuple | None]:
    """Read a source: each run of rows of one force-month as (key, values, digest of the
    force-month's rows so far), rejected rows counted in `summary`; with `tick`, None every 256
    rows. Raises NotThisFormat for a file that is not one or cannot be read to its end."""
    try:
        with source.open() as (raw, text):
            reader = csv.reader(text)
            header = next(reader, None)
            if header != HEADER:
                raise NotThisFormat(
                    "not a data.police.uk street-level crime CSV (its first line must be "
                    f"{','.join(HEADER)})"
                )
            progress = None if quiet else Progress(source.name, source.size)
            digests: dict[tuple[str, str], object] = {}
            key, group, lines, read = None, [], [], 0
            force = month = None
            every = 255 if tick else 4095
            add, join = group.append, "\x1f".join
            for row in reader:
                read += 1
                reason, values = parse_row(row)
                if reason:
                    summary.reject(reason, f"{source.name} line {reader.line_num}")
                    continue
                if row[2] != force or row[1] != month:
                    if group:
                        yield key, group, _digest(digests, key, lines)
                    force, month = row[2], row[1]
                    key, group, lines = (force, month), [], []
                    add = group.append
                add(values)
                lines.append(join(row))
                if not read & every:
                    if tick:
                        yield None
                    if progress and not read & 4095:
                        progress.update(raw.tell(), summary.read + read)
            if group:
                yield key, group, _digest(digests, key, lines)
            summary.read += read
            if progress:
                progress.finish(summary.read)
    except (UnicodeDecodeError, csv.Error) as problem:
        raise NotThisFormat(f"not a readable CSV ({problem})") from problem
    except DAMAGED as problem:
        raise NotThisFormat(f"a damaged zip member ({problem})") from problem
    except FileNotFoundError as problem:
        raise NotThisFormat("no such file") from problem
    except (IsADirectoryError, PermissionError) as problem:
        raise NotThisFormat(f"cannot be read ({problem.strerror})") from problem


def _digest(digests: dict, key: tuple, lines: list[str]) -> str:
    """The force-month's digest with a run's rows added: each row's fields joined by the unit
    separator and ended by a newline (hashed once per run)."""
    digest = digests.get(key)
    if digest is None:
        digest = digests[key] = hashlib.sha256()
    digest.update(("\n".join(lines) + "\n").encode())
    return digest.hexdigest()


@dataclass
class Batch:
    """A force-month this file writes to: its crime_month id, whether this file made it."""

    id: int
    new: bool
    rows: int
    written: bool = False  # rows of this file went into it
    cells: Counter = field(default_factory=Counter)  # (cell, crime type) -> crimes this file wrote


class FileImport:
    """One file, stored whole or not at all (one transaction).

    Rows are grouped by force and month as they come. The first run of a force-month in the
    file is compared with the stored copy by digest: the same rows leave it alone; others replace
    it. A force-month that comes back round later in the file is added to what the file wrote (or
    kept) for it, never replacing it; its digest then covers every run."""

    def __init__(self, source: Source, summary: Summary, quiet: bool):
        self.source, self.summary, self.quiet = source, summary, quiet
        self.batches: dict[tuple[str, str], Batch] = {}
        self.digests: dict[tuple[str, str], str] = {}  # each force-month's digest so far
        self.pending: asyncio.Future | None = None
        # PostgreSQL writes in its own process: read the next rows meanwhile. SQLite writes in
        # a thread of this process that needs the GIL to bind every row: taking turns is faster.
        self.overlap = is_postgres()

    async def run(self) -> None:
        async with atomic() as transaction:
            await prepare_bulk(transaction)
            try:
                await self.read(transaction)
                await self.wait()
            except BaseException:
                if self.pending is not None:  # no write may outlive the rolled-back transaction
                    self.pending.cancel()
                    with suppress(BaseException):
                        await self.pending
                raise
            await self.finish(transaction)

    async def read(self, transaction) -> None:
        for run in runs(self.source, self.summary, self.quiet, tick=self.overlap):
            if run is None:  # let the previous run's write go on
                await asyncio.sleep(0)
            else:
                await self.flush(transaction, *run)

    async def flush(self, transaction, key, group: list[tuple], digest: str) -> None:
        """Store a run of rows (one write at a time; on PostgreSQL while the next is read)."""
        await self.wait()
        self.digests[key] = digest
        write = self.store(transaction, key, group, digest)
        if self.overlap:
            self.pending = asyncio.ensure_future(write)
        else:
            await write

    async def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            await pending

    async def store(self, transaction, key, group: list[tuple], digest: str) -> None:
        """Store one run of a force-month: unchanged, new, replacing, or added to this file's."""
        force, month = key
        self.summary.forces.add(force)
        self.summary.months.add(month)
        batch = self.batches.get(key)
        if batch is None:
            stored = await CrimeMonth.select(
                CrimeMonth.id, CrimeMonth.digest, CrimeMonth.rows
            ).where((CrimeMonth.force == force) & (CrimeMonth.month == month))
            if stored and stored[0]["digest"] == digest:
                self.batches[key] = Batch(stored[0]["id"], new=False, rows=stored[0]["rows"])
                self.summary.unchanged += len(group)
                self.summary.no_location += sum(1 for v in group if v[5] is None)
                return
            # A newer copy of the month: the old one goes in the same transaction.
            for old in stored:
                await Crime.delete().where(Crime.batch == old["id"])
                await CrimeCellCount.delete().where(CrimeCellCount.batch == old["id"])
            await CrimeMonth.delete().where(
                (CrimeMonth.force == force) & (CrimeMonth.month == month)
            )
            if stored:
                self.summary.notes.append(f"Replaced {force} {month} with {self.source.name}")
            inserted = await CrimeMonth.insert(
                CrimeMonth(force=force, month=month, digest=digest, source=self.source.name[-255:])
            )
            batch = self.batches[key] = Batch(inserted[0]["id"], new=True, rows=0)
        batch.rows += len(group)
        batch.written = True
        await bulk_insert(transaction, "crime", COLUMNS, [(batch.id, *v) for v in group])
        placed = [(v[5], v[2]) for v in group if v[5] is not None]
        batch.cells.update(placed)
        self.summary.no_location += len(group) - len(placed)
        self.summary.stored += len(group)

    async def finish(self, transaction) -> None:
        """Each force-month written: its digest, row count and counts by grid cell."""
        for key, batch in self.batches.items():
            if not batch.written:
                continue  # kept as it was
            await CrimeMonth.update(
                {CrimeMonth.digest: self.digests[key], CrimeMonth.rows: batch.rows}
            ).where(CrimeMonth.id == batch.id)
            if batch.new:
                counts = [(batch.id, cell, kind, n) for (cell, kind), n in batch.cells.items()]
                await bulk_insert(
                    transaction,
                    "crime_cell_count",
                    ("batch", "cell", "crime_type", "count"),
                    counts,
                )
            else:  # rows added to a month kept from before: count it again from its rows
                await recount_cells(transaction, batch.id)


class CrimeImport:
    """One run of `beatbook import-crimes`: each file is stored whole or refused whole."""

    def __init__(self, quiet: bool = False):
        self.summary = Summary()
        self.quiet = quiet

    async def run(self, paths: list[Path]) -> Summary:
        started = time.perf_counter()
        for source in sources(paths):
            part = Summary()
            try:
                await FileImport(source, part, self.quiet).run()
            except NotThisFormat as refusal:
                self.summary.refused.append(f"{source.name}: {refusal} (nothing stored from it)")
            else:
                self.summary.add(part)
        self.summary.seconds = time.perf_counter() - started
        return self.summary
