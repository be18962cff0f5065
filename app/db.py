"""The database engine: SQLite (embedded default, durable WAL) or PostgreSQL."""

from __future__ import annotations

from urllib.parse import urlparse

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from app.settings import Settings


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
    path = settings.sqlite_path
    return DurableSQLiteEngine(path=path, timeout=settings.sqlite_busy_timeout)


def prepare_sqlite_file(path: str) -> None:
    """Switch a SQLite file to WAL (a setting the file keeps)."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")


def contains(column, text: str):
    """A case-insensitive 'contains' filter: ILIKE on PostgreSQL, LIKE (already so) on SQLite."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    engine = column._meta.engine_type
    return column.ilike(pattern) if engine == "postgres" else column.like(pattern)
