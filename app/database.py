"""The one database module: the engine, making the database ready, and every transaction.

Every transaction in Beatbook is opened here:

    async with atomic():      # a change: on SQLite an IMMEDIATE transaction (write lock up front)
        ...
    async with snapshot():    # several reads on one connection, seeing one state of the data
        ...

A use case opens `atomic()` once; what it calls joins that transaction (Piccolo nests them).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import urlparse

from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

from app.settings import Settings, get_settings
from app.sqlite_engine import KeptOpenSQLiteEngine


def make_engine(settings: Settings):
    """Build the Piccolo engine the database URL names."""
    if settings.is_postgres:
        url = urlparse(settings.database_url)
        return PostgresEngine(
            config={
                "host": url.hostname or "localhost",
                "port": url.port or 5432,
                "user": url.username,
                "password": url.password,
                "database": url.path.lstrip("/"),
            }
        )
    return KeptOpenSQLiteEngine(
        path=settings.sqlite_path,
        readers=settings.sqlite_readers,
        timeout=settings.sqlite_busy_timeout,
    )


def engine():
    """The Piccolo engine piccolo_conf.py made (looked up at call time, as Piccolo's tables do:
    tests point it at a fresh database)."""
    return engine_finder()


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


def atomic():
    """The transaction of a change; inside another transaction it joins that one. On SQLite
    it holds the process's one writer connection (app/sqlite_engine.py), BEGIN IMMEDIATE."""
    return engine().transaction()


def snapshot():
    """Several reads that see one state of the data, on one connection. On SQLite a reader
    connection (a change inside it is refused: open atomic() first); inside atomic() it joins."""
    db = engine()
    if isinstance(db, KeptOpenSQLiteEngine):
        return db.reading()
    return db.transaction()


async def small_read(query) -> list[dict]:
    """Run a Piccolo raw query that reads a few rows by a key (a session, a team's name): on
    SQLite at once on the event loop's thread, skipping the trip to a reader's thread; inside
    a transaction, or on PostgreSQL, as any query runs."""
    db = engine()
    if isinstance(db, KeptOpenSQLiteEngine) and db.current_transaction.get() is None:
        return db.read_inline(query.querystrings[0])
    return await query


def in_transaction() -> bool:
    """Whether the caller is inside atomic() or snapshot()."""
    return engine().current_transaction.get() is not None


def in_change() -> bool:
    """Whether the caller is inside atomic() (not only a snapshot()), so a write joins it."""
    current = engine().current_transaction.get()
    return current is not None and not getattr(current, "reading", False)


class SharedCommit:
    """Rows written outside any change, several callers' rows in one transaction and one commit
    (a "group commit"): each caller returns only once its rows are on disk.

    A page view's audit entry goes this way: it costs no transaction of its own, yet it is
    committed before the response that shows the data is sent, never held only in memory.
    While one batch commits, the rows that arrive wait for the next one.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[object, asyncio.Future]] = []
        self._flush_queued = False
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task] = set()
        self.commits = 0  # batches committed (the tests read it)

    async def insert(self, row) -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        with self._lock:
            self._pending.append((row, done))
            start_flush = not self._flush_queued
            self._flush_queued = True
        if start_flush:
            # A context of its own: the caller's transaction (a snapshot) is not the flush's.
            task = loop.create_task(self._flush(), context=contextvars.Context())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await done

    async def _flush(self) -> None:
        batch: list[tuple[object, asyncio.Future]] = []
        try:
            async with atomic():
                with self._lock:
                    batch, self._pending = self._pending, []
                    self._flush_queued = False
                by_table: dict[type, list] = {}
                for row, _ in batch:
                    by_table.setdefault(type(row), []).append(row)
                for table, rows in by_table.items():
                    await table.insert(*rows)
        except BaseException as error:
            with self._lock:  # failed before taking its batch: take it now, to answer it
                if not batch:
                    batch, self._pending = self._pending, []
                    self._flush_queued = False
            for _, done in batch:
                _settle(done, error)
            if not isinstance(error, Exception):
                raise
            return
        self.commits += 1
        for _, done in batch:
            _settle(done, None)


def _settle(done: asyncio.Future, error: BaseException | None) -> None:
    def settle() -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    done.get_loop().call_soon_threadsafe(settle)


_shared_commit = SharedCommit()


async def insert_shared(row) -> None:
    """Insert one row (a Piccolo table instance): inside atomic() it joins that change; otherwise
    it shares a commit with the other rows written at the same moment (see SharedCommit)."""
    if in_change():
        await type(row).insert(row)
    else:
        await _shared_commit.insert(row)


def contains(column, text: str):
    """A case-insensitive 'contains' filter: ILIKE on PostgreSQL, LIKE (already so) on SQLite."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    engine_type = column._meta.engine_type
    return column.ilike(pattern) if engine_type == "postgres" else column.like(pattern)


# A SQLite database is its file and, in WAL mode, these two beside it.
SQLITE_FILES = ("", "-wal", "-shm")


def prepare_sqlite_file(path: str) -> None:
    """Make the SQLite file readable and writable by its owner only (SQLite gives its -wal and
    -shm files the same mode) and switch it to WAL (a setting the file keeps)."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in SQLITE_FILES:
        if os.path.exists(path + suffix):
            os.chmod(path + suffix, 0o600)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")


def prepare() -> None:
    """Create the SQLite file's folder (owner only) and the file, in WAL mode (PostgreSQL needs
    nothing)."""
    settings = get_settings()
    if settings.var_dir.stat().st_uid == os.getuid():
        os.chmod(settings.var_dir, 0o700)  # made by an earlier version with the umask's mode
    if not settings.is_postgres:
        folder = Path(settings.sqlite_path).parent
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        prepare_sqlite_file(settings.sqlite_path)


async def migrate() -> None:
    """Run every migration not yet run."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    prepare()
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}")


def remove_sqlite_file(path: str) -> None:
    for suffix in SQLITE_FILES:
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
