"""Import a force's own incident extract (the CSV format docs/briefing.md describes)."""

from __future__ import annotations

import csv
import time
from datetime import UTC, datetime
from pathlib import Path

from app.clock import LOCAL_TIME
from app.crime.importer import NotThisFormat, Source, sources
from app.crime.progress import Progress, Summary
from app.crime.store import upsert
from app.database import atomic
from app.geo import cell_of

HEADER = [
    "reference",
    "occurred_at",
    "category",
    "latitude",
    "longitude",
    "location",
    "victim_ref",
    "suspect_ref",
    "flags",
]
COLUMNS = (
    "reference",
    "occurred_at",
    "category",
    "lat",
    "lng",
    "cell",
    "location",
    "victim_ref",
    "suspect_ref",
    "knife",
    "source",
)
FLAGS = {"knife"}  # knife-enabled: what makes a habitual knife carrier
LOCAL = LOCAL_TIME
CHUNK = 20_000


def parse_time(text: str) -> datetime:
    """ISO 8601; a time without an offset is UK local time (as force systems record it)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment.astimezone(UTC).replace(microsecond=0)


def parse_incident(row: list[str], source: str) -> tuple[str | None, tuple | None]:
    """(reason, None) for a row to reject, or (None, the values to store)."""
    if len(row) != len(HEADER):
        return f"{len(row)} columns, not {len(HEADER)}", None
    reference, when, category, lat_text, lng_text, location, victim, suspect, flags = (
        v.strip() for v in row
    )
    if not reference or len(reference) > 40:
        return "reference missing or longer than 40 characters", None
    try:
        occurred = parse_time(when)
    except ValueError:
        return "occurred_at is not an ISO 8601 date and time", None
    if not category or len(category) > 80:
        return "category missing or longer than 80 characters", None
    try:
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:
        return "latitude or longitude missing or not a number", None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return "latitude or longitude out of range", None
    if len(location) > 255 or len(victim) > 40 or len(suspect) > 40:
        return "location, victim_ref or suspect_ref too long", None
    flag_set = {f.strip().lower() for f in flags.split(";") if f.strip()}
    if flag_set - FLAGS:
        return f"unknown flag {sorted(flag_set - FLAGS)[0]!r}", None
    values = (reference, occurred, category, lat, lng, cell_of(lat, lng), location)
    return None, (*values, victim or None, suspect or None, "knife" in flag_set, source[-255:])


async def import_incidents(path: Path, quiet: bool = False) -> Summary:
    """Read one extract; store each incident by reference (a newer extract updates it)."""
    summary = Summary()
    started = time.perf_counter()
    source = next(sources([path]))
    try:
        await _read(source, summary, quiet)
    except NotThisFormat as refusal:
        summary.refused.append(f"{source.name}: {refusal}")
    summary.seconds = time.perf_counter() - started
    return summary


async def _read(source: Source, summary: Summary, quiet: bool) -> None:
    rows: list[tuple] = []
    first_line: dict[str, int] = {}
    try:
        with source.open() as (raw, text):
            reader = csv.reader(text)
            header = [h.strip().lower() for h in next(reader, [])]
            if header != HEADER:
                raise NotThisFormat(
                    f"not an incident extract (first line must be {','.join(HEADER)})"
                )
            progress = None if quiet else Progress(source.name, source.size)
            for row in reader:
                summary.read += 1
                where = f"line {reader.line_num}"
                reason, values = parse_incident(row, Path(source.name).name)
                if reason is None and values[0] in first_line:
                    reason = f"reference repeated (kept line {first_line[values[0]]})"
                if reason:
                    summary.reject(reason, where)
                    continue
                first_line[values[0]] = reader.line_num
                rows.append(values)
                summary.months.add(values[1].strftime("%Y-%m"))
                if progress and summary.read % 4096 == 0:
                    progress.update(raw.tell(), summary.read)
            if progress:
                progress.finish(summary.read)
    except (UnicodeDecodeError, csv.Error) as problem:
        raise NotThisFormat(f"not a readable CSV ({problem})") from problem
    except FileNotFoundError as problem:
        raise NotThisFormat("no such file") from problem
    # One transaction for the whole extract: it is stored whole or not at all.
    async with atomic() as transaction:
        for start in range(0, len(rows), CHUNK):
            await upsert(transaction, "incident", COLUMNS, "reference", rows[start : start + CHUNK])
    summary.stored = len(rows)
    summary.notes.append("Incidents are kept by reference: one already stored is updated in place.")
