"""The one database module: the engine, making the database ready, and every transaction.

Every transaction in Beatbook is opened here:

    async with atomic():      # a change: on SQLite an IMMEDIATE transaction (write lock up front)
        ...
    async with snapshot():    # several reads on one connection, seeing one state of the data
        ...

A use case opens `atomic()` once; what it calls joins that transaction (Piccolo nests them).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from app.settings import Settings, get_settings


class DurableSQLiteEngine(SQLiteEngine):
    """SQLite with foreign keys, a busy timeout and synchronous=FULL on every connection.

    WAL lets readers go on while one writer writes; synchronous=FULL makes each commit
    reach the disk before the server answers, so an acknowledged write survives a crash.
    """

    async def get_connection(self):
        connection = await super().get_connection()
        await connection.execute("PRAGMA synchronous = FULL")
        return connection

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        # Piccolo opens a connection per query outside transactions; run our pragmas first.
        import aiosqlite
        from piccolo.engine.sqlite import dict_factory

        async with aiosqlite.connect(**self.connection_kwargs) as connection:
            await connection.execute("PRAGMA foreign_keys = 1")
            await connection.execute("PRAGMA synchronous = FULL")
            connection.row_factory = dict_factory
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                return await cursor.fetchall()


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
    return DurableSQLiteEngine(path=settings.sqlite_path, timeout=settings.sqlite_busy_timeout)


def engine():
    """The Piccolo engine piccolo_conf.py made (looked up at call time, as Piccolo's tables do:
    tests point it at a fresh database)."""
    return engine_finder()


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


def atomic():
    """The transaction of a change. On SQLite an IMMEDIATE one, so two writers never deadlock
    upgrading a read lock; inside another transaction it joins that one."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def snapshot():
    """A read-only run of queries on one connection (on SQLite each new connection costs)."""
    return engine().transaction()


def in_transaction() -> bool:
    """Whether the caller is inside atomic() or snapshot()."""
    return engine().current_transaction.get() is not None


def contains(column, text: str):
    """A case-insensitive 'contains' filter: ILIKE on PostgreSQL, LIKE (already so) on SQLite."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    engine_type = column._meta.engine_type
    return column.ilike(pattern) if engine_type == "postgres" else column.like(pattern)


def prepare_sqlite_file(path: str) -> None:
    """Switch a SQLite file to WAL (a setting the file keeps)."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")


def prepare() -> None:
    """Create the SQLite file's folder and switch it to WAL (PostgreSQL needs nothing)."""
    settings = get_settings()
    if not settings.is_postgres:
        Path(settings.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        prepare_sqlite_file(settings.sqlite_path)


async def migrate() -> None:
    """Run every migration not yet run."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    prepare()
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}")


def remove_sqlite_file(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
