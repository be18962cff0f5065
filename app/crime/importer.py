"""Import data.police.uk street-level crime CSVs: files, folders or the monthly archive zip."""

from __future__ import annotations

import asyncio
import csv
import gc
import hashlib
import io
import math
import re
import time
import zipfile
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from app.crime.progress import Progress, Summary
from app.crime.store import (
    DataError,
    bulk_insert,
    copy_csv_text,
    insert_month,
    prepare_bulk,
    recount_cells,
    reserve_month_ids,
    update_months,
)
from app.database import atomic, is_postgres
from app.geo import CELL_DEGREES, LNG_SPAN
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


# The columns each stored row fills, in the order the source's columns come: a row read from
# the file is written as it is, with the batch in place of "Reported by" and the grid cell in
# place of "Falls within" (no tuple is built per row).
ROW_COLUMNS = (
    "crime_ref",
    "month",
    "batch",
    "cell",
    "lng",
    "lat",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "outcome",
    "context",
)
# The text columns: an empty one is '' (only the crime ID, coordinates and cell are NULL).
TEXT_COLUMNS = ("month", "location", "lsoa_code", "lsoa_name", "crime_type", "outcome", "context")
FIELD_LIMIT = csv.field_size_limit()  # a longer line goes to csv.reader, which refuses it
QUEUED = 3  # chunks waiting for PostgreSQL at most, before the reading waits
CHUNK = 8192  # rows per write: the next chunk is read while PostgreSQL stores this one


def _longest_over(row: list[str]) -> str | None:
    """Which field of a row is longer than its column holds, as a reason, or None."""
    for i, (what, width) in LIMITS.items():
        if len(row[i]) > width:
            return f"{what} longer than {width} characters"
    return None


# Damage found while reading a zip member (a bad CRC, a broken deflate stream, a cut-off file).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def read_rows(source: Source, summary: Summary, *, text: bool, tick: bool, quiet: bool = True):
    """Read and check a source's rows; a generator the importer drives.

    It yields ("start", (force, month)) when a run of rows of one force-month begins and is
    sent the batch to write into the rows (None while it is not known: the importer fills it in
    later); ("rows", key, rows, lines, cells, no_location, last) for each chunk of a run, the
    rows in ROW_COLUMNS order, `lines` the source rows' fields joined for the digest, `cells`
    {(cell, crime type): crimes}; and with `tick`, None every 128 rows so a queued write can go on.

    `text`: the values as COPY's CSV text takes them (the batch and cell as digits, the
    coordinates as the source wrote them, '' for NULL); otherwise as a driver binds them
    (numbers, None). Rejected rows are counted in `summary`. Raises NotThisFormat for a file
    that is not one or cannot be read to its end.
    """
    floor, month_ok, join = math.floor, MONTH.match, "\x1f".join
    try:
        with source.open() as (raw, handle):
            reader = csv.reader(handle)
            if next(reader, None) != HEADER:
                raise NotThisFormat(
                    "not a data.police.uk street-level crime CSV (its first line must be "
                    f"{','.join(HEADER)})"
                )
            progress = None if quiet else Progress(source.name, source.size)
            key = force = month = batch = None
            rows: list[list] = []
            lines: list[str] = []
            cells: dict[tuple[int, str], int] = {}
            count, no_location, read = cells.get, 0, 0
            every = 127 if tick else 4095
            line_num = reader.line_num
            for line in handle:
                # A line without a quote is split as csv.reader would split it, in a tenth of
                # the time; a quoted record (maybe over several lines) goes to csv.reader.
                line_num += 1
                if '"' in line or len(line) > FIELD_LIMIT:
                    record = csv.reader(chain((line,), handle))
                    row = next(record)
                    line_num += record.line_num - 1
                else:
                    line = line.rstrip("\r\n")
                    row = line.split(",") if line else []
                read += 1
                if not read & every:
                    if tick:
                        yield None
                    if progress and not read & 4095:
                        progress.update(raw.tell(), summary.read + read)
                # The checks, in the order their reasons are given. The month and force are
                # checked once per run: a row with the same ones as the run's is as good.
                if len(row) != 12:
                    summary.reject(f"{len(row)} columns, not 12", _where(source, line_num))
                    continue
                new_run = row[2] != force or row[1] != month
                if new_run:
                    reason = None
                    if not month_ok(row[1]):
                        reason = "month is not YYYY-MM"
                    elif not row[2]:
                        reason = "no force in Reported by"
                    if reason:
                        summary.reject(reason, _where(source, line_num))
                        continue
                if not row[9]:
                    summary.reject("no crime type", _where(source, line_num))
                    continue
                if (
                    len(row[6]) > 255
                    or len(row[0]) > 64
                    or len(row[7]) > 12
                    or len(row[8]) > 120
                    or len(row[9]) > 80
                    or len(row[10]) > 160
                    or (new_run and len(row[2]) > 120)
                ):  # spelled out, not a loop: this runs once per row
                    summary.reject(_longest_over(row), _where(source, line_num))
                    continue
                line = join(row)  # for the digest: the fields as the file gave them
                if "\x00" in line:  # PostgreSQL keeps no NUL in text: refused on both
                    summary.reject("a NUL character in a field", _where(source, line_num))
                    continue
                lng_text, lat_text = row[4], row[5]
                if lat_text or lng_text:
                    try:
                        lat, lng = float(lat_text), float(lng_text)
                    except ValueError:
                        summary.reject(
                            "latitude or longitude is not a number", _where(source, line_num)
                        )
                        continue
                    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                        summary.reject(
                            "latitude or longitude out of range", _where(source, line_num)
                        )
                        continue
                    cell = floor((lat + 90) / CELL_DEGREES) * LNG_SPAN + floor(
                        (lng + 180) / CELL_DEGREES
                    )  # app.geo.cell_of, inline
                else:  # police.uk's "No Location" rows: kept, never placed on a map
                    cell = None
                if new_run:
                    if rows:
                        yield "rows", key, rows, lines, cells, no_location, True
                        rows, lines, cells, no_location = [], [], {}, 0
                        count = cells.get
                    force, month = row[2], row[1]
                    key = (force, month)
                    batch = yield "start", key
                lines.append(line)
                if cell is None:
                    no_location += 1
                    row[3] = row[4] = row[5] = "" if text else None
                else:
                    pair = (cell, row[9])
                    cells[pair] = count(pair, 0) + 1
                    if text:
                        row[3] = str(cell)
                    else:
                        row[3], row[4], row[5] = cell, lng, lat
                if not text and not row[0]:
                    row[0] = None
                row[2] = batch
                rows.append(row)
                if len(rows) == CHUNK:
                    yield "rows", key, rows, lines, cells, no_location, False
                    rows, lines, cells, no_location = [], [], {}, 0
                    count = cells.get
            if rows:
                yield "rows", key, rows, lines, cells, no_location, True
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


def _where(source: Source, line_num: int) -> str:
    return f"{source.name} line {line_num}"


@dataclass
class Batch:
    """A force-month this file writes to: its crime_month id, whether this file made it."""

    id: int | None
    new: bool
    rows: int
    written: bool = False  # rows of this file went into it
    cells: Counter = field(default_factory=Counter)  # (cell, crime type) -> crimes this file wrote
    inserted: bool = False  # its crime_month row is written (before its first crimes)
    stored: dict | None = None  # the copy stored before, while this file's first run is read
    held: list = field(default_factory=list)  # that run's chunks, until its digest is known


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector while a file is read: the million lists a file's rows
    make hold no cycles, yet they set off collections that scan every object the process holds
    (measured: about 0.1 of the import's time on a 1,000,000-row file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RetryTyped(Exception):
    """PostgreSQL refused a value sent as text (a number Python reads that it does not): the
    file is read again, its values sent as numbers."""


class FileImport:
    """One file, stored whole or not at all (one transaction).

    Rows are grouped by force and month as they come. A force-month with no stored copy is
    written as it is read, chunk by chunk (on PostgreSQL the next chunk is read while the server
    stores one). The first run of a force-month that has a stored copy is held until its digest
    is known: the same rows leave the stored copy alone; others replace it. A force-month that
    comes back round later in the file is added to what the file wrote (or kept) for it, never
    replacing it; its digest then covers every run."""

    def __init__(self, source: Source, summary: Summary, quiet: bool, typed: bool = False):
        self.source, self.summary, self.quiet = source, summary, quiet
        self.batches: dict[tuple[str, str], Batch] = {}
        self.digests: dict[tuple[str, str], object] = {}  # each force-month's digest so far
        # PostgreSQL: chunks queued for the server, written one after another by chained tasks
        # (a run's short last chunk no longer makes the reading wait for the chunk before it).
        self.writes: deque[asyncio.Task] = deque()
        # PostgreSQL writes in its own process: read the next rows meanwhile, and send them as
        # COPY's CSV text (the server reads the numbers, as psql's \\copy would have it).
        # SQLite writes in a thread of this process that needs the GIL to bind every row:
        # taking turns is faster there.
        self.postgres = is_postgres()
        self.text = self.postgres and not typed

    async def run(self) -> None:
        with _collector_paused():
            await self._run()

    async def _run(self) -> None:
        async with atomic() as transaction:
            self.transaction = transaction
            await prepare_bulk(transaction)
            # Every stored force-month, read once (a few thousand rows at most): a run that
            # begins needs no trip to the database, so the previous chunk's write goes on.
            self.stored = {
                (m["force"], m["month"]): m
                for m in await CrimeMonth.select(
                    CrimeMonth.id,
                    CrimeMonth.force,
                    CrimeMonth.month,
                    CrimeMonth.digest,
                    CrimeMonth.rows,
                )
            }
            self.ids: list[int] = []
            try:
                await self.read()
                await self.wait()
            except BaseException:
                for task in self.writes:  # no write may outlive the rolled-back transaction
                    task.cancel()
                for task in self.writes:
                    with suppress(BaseException):
                        await task
                raise
            await self.finish()

    async def read(self) -> None:
        rows = read_rows(
            self.source, self.summary, text=self.text, tick=self.postgres, quiet=self.quiet
        )
        reply = None
        while True:
            try:
                event = rows.send(reply)
            except StopIteration:
                return
            reply = None
            if event is None:  # let the previous chunk's write go on
                await asyncio.sleep(0)
            elif event[0] == "start":
                reply = await self.start(event[1])
            else:
                await self.take(*event[1:])

    async def start(self, key: tuple[str, str]):
        """A run of a force-month begins: the batch its rows go into (None while unknown)."""
        batch = self.batches.get(key)
        if batch is None:
            force, month = key
            self.summary.forces.add(force)
            self.summary.months.add(month)
            stored = self.stored.get(key)
            if stored:  # held until the run's digest says whether it is the same copy
                batch = self.batches[key] = Batch(None, new=True, rows=0, stored=stored)
            else:
                batch = self.batches[key] = Batch(await self.new_id(), new=True, rows=0)
        return self.value(batch.id)

    def value(self, batch: int | None):
        return str(batch) if self.text and batch is not None else batch

    async def new_id(self) -> int:
        """A crime_month id for a new force-month, from ids reserved 64 at a time."""
        if not self.ids:
            await self.wait()
            self.ids = await reserve_month_ids(self.transaction, 64)
            self.ids.reverse()
        return self.ids.pop()

    async def store(self, key, batch: Batch, rows: list) -> None:
        """Write a chunk: the force-month's row first if it is not written yet."""
        if not batch.inserted:
            batch.inserted = True
            await insert_month(self.transaction, batch.id, *key, self.source.name[-255:])
        if self.text:
            await copy_csv_text(self.transaction, "crime", ROW_COLUMNS, rows, TEXT_COLUMNS)
        else:
            await bulk_insert(self.transaction, "crime", ROW_COLUMNS, rows)

    async def take(self, key, rows: list, lines: list[str], cells: dict, no_location: int, last):
        """A chunk of a run: written, or held while the stored copy may be the same."""
        digest = self.digests.get(key)
        if digest is None:
            digest = self.digests[key] = hashlib.sha256()
        digest.update(("\n".join(lines) + "\n").encode())
        batch = self.batches[key]
        if batch.stored is None:
            await self.write(key, batch, rows, cells, no_location)
            return
        batch.held.append((rows, cells, no_location))
        if not last:
            return
        stored, held = batch.stored, batch.held
        batch.stored, batch.held = None, []
        if stored["digest"] == digest.hexdigest():  # the same copy: left as it is
            kept = Batch(stored["id"], new=False, rows=stored["rows"], inserted=True)
            self.batches[key] = kept
            self.summary.unchanged += sum(len(r) for r, _, _ in held)
            self.summary.no_location += sum(n for _, _, n in held)
            return
        # A newer copy of the month: the old one goes in the same transaction.
        await self.wait()
        await Crime.delete().where(Crime.batch == stored["id"])
        await CrimeCellCount.delete().where(CrimeCellCount.batch == stored["id"])
        force, month = key
        await CrimeMonth.delete().where((CrimeMonth.force == force) & (CrimeMonth.month == month))
        self.summary.notes.append(f"Replaced {force} {month} with {self.source.name}")
        batch.id = await self.new_id()
        value = self.value(batch.id)
        for rows, cells, no_location in held:
            for row in rows:
                row[2] = value
            await self.write(key, batch, rows, cells, no_location)

    async def write(self, key, batch: Batch, rows: list, cells: dict, no_location: int) -> None:
        """Store a chunk: on SQLite at once; on PostgreSQL queued behind the chunks before it
        (at most QUEUED of them) while the next is read."""
        batch.rows += len(rows)
        batch.written = True
        batch.cells.update(cells)
        self.summary.no_location += no_location
        self.summary.stored += len(rows)
        if not self.postgres:
            await self.store(key, batch, rows)
            return
        while len(self.writes) >= QUEUED:
            await self.settle(self.writes.popleft())
        previous = self.writes[-1] if self.writes else None
        self.writes.append(asyncio.ensure_future(self.after(previous, key, batch, rows)))

    async def after(self, previous: asyncio.Task | None, key, batch: Batch, rows: list) -> None:
        if previous is not None:
            await previous  # fails as it failed: the transaction is lost anyway
        await self.store(key, batch, rows)

    async def wait(self) -> None:
        """Every queued chunk written (a value the server refused is raised here)."""
        while self.writes:
            await self.settle(self.writes.popleft())

    async def settle(self, task: asyncio.Task) -> None:
        try:
            await task
        except DataError as refused:
            if self.text:
                raise RetryTyped from refused
            raise NotThisFormat(f"refused by the database ({refused})") from refused

    async def finish(self) -> None:
        """Each force-month written: its digest, row count and counts by grid cell (one
        statement for the months, one COPY for the counts)."""
        transaction, months, counts = self.transaction, [], []
        for key, batch in self.batches.items():
            if not batch.written:
                continue  # kept as it was
            months.append((self.digests[key].hexdigest(), batch.rows, batch.id))
            if batch.new:
                counts += [(batch.id, cell, kind, n) for (cell, kind), n in batch.cells.items()]
        await update_months(transaction, months)
        await bulk_insert(transaction, "crime_cell_count", CELL_COLUMNS, counts)
        for batch in self.batches.values():
            if batch.written and not batch.new:  # rows added to a month kept from before
                await recount_cells(transaction, batch.id)  # counted again from its rows


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
                try:
                    await FileImport(source, part, self.quiet).run()
                except RetryTyped:
                    part = Summary()
                    await FileImport(source, part, self.quiet, typed=True).run()
            except NotThisFormat as refusal:
                self.summary.refused.append(f"{source.name}: {refusal} (nothing stored from it)")
            else:
                self.summary.add(part)
        self.summary.seconds = time.perf_counter() - started
        return self.summary
