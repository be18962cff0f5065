"""The data path: kept-open SQLite connections, one writer at a time, and shared commits."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest
from piccolo.engine.exceptions import TransactionError

from app import audit, database
from app.audit import Operation
from app.database import atomic, snapshot
from app.tables.audit import AuditEntry
from tests.conftest import IS_POSTGRES
from tests.factories import make_actor
from tests.helpers import sync

sqlite_only = pytest.mark.skipif(IS_POSTGRES, reason="kept-open connections are SQLite's")


async def _looks(actor, count: int) -> None:
    await asyncio.gather(
        *(audit.record(actor, Operation.CONSULTATION, "person", n) for n in range(count))
    )


def test_looks_at_once_share_commits_and_every_entry_is_stored():
    actor = make_actor("supervisor")
    before = database._shared_commit.commits
    sync(_looks(actor, 50))
    commits = database._shared_commit.commits - before
    assert sync(AuditEntry.count().where(AuditEntry.record_type == "person")) == 50
    assert 1 <= commits < 50  # fifty page views, far fewer transactions


def test_an_entry_inside_a_change_commits_or_rolls_back_with_it():
    actor = make_actor("supervisor")

    async def change_that_fails():
        async with atomic():
            await audit.record(actor, Operation.ALTERATION, "person", 1)
            raise RuntimeError("the change fails after its entry")

    with pytest.raises(RuntimeError):
        sync(change_that_fails())
    assert sync(AuditEntry.count().where(AuditEntry.operation == "alteration")) == 0


def test_an_entry_written_inside_a_snapshot_is_stored():
    actor = make_actor("supervisor")

    async def look():
        async with snapshot():
            await AuditEntry.count()
            await audit.record(actor, Operation.CONSULTATION, "person", 9)

    sync(look())
    assert sync(AuditEntry.count().where(AuditEntry.record_id == "9")) == 1


@sqlite_only
def test_a_change_inside_a_snapshot_is_refused_not_run_on_a_reader():
    async def wrong():
        async with snapshot():
            async with atomic():
                await AuditEntry.insert(AuditEntry(operation="x", record_type="y"))

    raised = []

    def run() -> None:  # a loop of its own (piccolo's run_sync would run the coroutine twice)
        try:
            asyncio.run(wrong())
        except TransactionError as error:
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert raised and "snapshot" in str(raised[0])
    assert sync(AuditEntry.count()) == 0


@sqlite_only
def test_writers_at_once_take_turns_without_waiting_on_the_busy_timeout(db):
    """Forty changes at once, each reading then writing: none is refused, none is lost."""
    db.connection_kwargs["timeout"] = 0.001  # a wait on SQLite's lock would fail at once

    async def change(n: int) -> None:
        async with atomic():
            count = await AuditEntry.count()
            await AuditEntry.insert(AuditEntry(operation="x", record_type="y", detail=str(count)))

    async def all_at_once() -> None:
        await asyncio.gather(*(change(n) for n in range(40)))

    try:
        sync(all_at_once())
    finally:
        db.connection_kwargs["timeout"] = 15
    details = sorted(int(r["detail"]) for r in sync(AuditEntry.select(AuditEntry.detail)))
    assert details == list(range(40))  # each saw every earlier change: they ran one by one


@sqlite_only
def test_connections_stay_open_and_the_wal_file_stays(db):
    def open_connections() -> set[int]:
        readers, writer = db.pools()
        return {id(c._sqlite) for pool in (readers, writer) for c in pool._free if c._sqlite}

    sync(AuditEntry.count())
    sync(AuditEntry.insert(AuditEntry(operation="x", record_type="y")))
    before = open_connections()
    for _ in range(50):
        sync(AuditEntry.count())
        sync(AuditEntry.insert(AuditEntry(operation="x", record_type="y")))
    assert open_connections() == before  # the same connections, none opened per query
    assert 2 <= len(before) <= db.readers + 1
    assert os.path.exists(db.path + "-wal")  # not deleted between queries


@sqlite_only
def test_readers_see_what_the_writer_committed_from_another_event_loop():
    sync(AuditEntry.insert(AuditEntry(operation="x", record_type="first")))
    seen = []
    thread = threading.Thread(target=lambda: seen.append(asyncio.run(AuditEntry.count().run())))
    thread.start()
    thread.join()
    assert seen == [1]


@pytest.mark.skipif(IS_POSTGRES, reason="PostgreSQL keeps its own files; this is SQLite's")
def test_var_and_the_sqlite_files_are_for_their_owner_only(tmp_path):
    """`beatbook migrate` on a fresh machine: var/ is 700, the database and its WAL files 600."""
    import stat
    import subprocess
    import sys

    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
    env.update(BEATBOOK_VAR_DIR=str(var), BEATBOOK_SECRET_KEY="x" * 40)
    old = os.umask(0o022)  # a usual umask, which would make them readable by everyone
    try:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"], env=env, check=True, capture_output=True
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    files = [p for p in var.iterdir() if p.name.startswith("beatbook.sqlite3")]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_small_read_sees_what_was_committed_and_inside_a_change_joins_it():
    from app.database import small_read

    sync(AuditEntry.insert(AuditEntry(operation="x", record_type="committed")))
    query = "SELECT record_type FROM audit_entry ORDER BY id"
    assert [r["record_type"] for r in sync(small_read(AuditEntry.raw(query)))] == ["committed"]

    async def inside_a_change():
        async with atomic():
            await AuditEntry.insert(AuditEntry(operation="x", record_type="not yet committed"))
            return [r["record_type"] for r in await small_read(AuditEntry.raw(query))]

    assert sync(inside_a_change()) == ["committed", "not yet committed"]
