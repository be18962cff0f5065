"""Bulk writes inside one transaction: executemany on SQLite, COPY on PostgreSQL.

The raw connection is the one Piccolo's engine gives the open transaction: inside
`async with atomic() as transaction`, `transaction.connection` is an asyncpg `Connection`
(PostgresEngine) or an aiosqlite `Connection` (SQLiteEngine). `raw_connection` is the only
place that reaches for it, so a new data path has one function to change.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from asyncpg.exceptions import DataError

from app.database import is_postgres

__all__ = [
    "DataError",
    "bulk_insert",
    "copy_csv_text",
    "insert_month",
    "recount_cells",
    "reserve_month_ids",
    "update_months",
    "upsert",
]


def raw_connection(transaction):
    """The driver's connection of a transaction opened with app.database.atomic()."""
    return transaction.connection


async def prepare_bulk(transaction) -> None:
    """Make a bulk load cheaper for the rest of the transaction's connection."""
    if not is_postgres():
        # A 64 MB page cache for this connection: index inserts stop going back to the disk.
        await raw_connection(transaction).execute("PRAGMA cache_size = -65536")


async def bulk_insert(transaction, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows on the transaction's connection (no per-row ORM cost)."""
    if not rows:
        return
    connection = raw_connection(transaction)
    if is_postgres():
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    marks = ", ".join("?" for _ in columns)
    await connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - fixed names
        rows,
    )


async def copy_csv_text(
    transaction, table: str, columns: Sequence[str], rows: list[list[str]], not_null: Sequence[str]
) -> None:
    """PostgreSQL: COPY rows of text values in CSV form, tab-separated; '' is NULL except in
    the `not_null` columns. The rows are joined as they are when no value holds a tab, quote,
    newline or carriage return (one look at the joined chunk), else written by csv.writer.
    A value the server cannot take raises asyncpg's DataError (and aborts the transaction)."""
    if not rows:
        return
    data = "\n".join(map("\t".join, rows)) + "\n"
    n = len(rows)
    if (
        '"' in data
        or "\r" in data
        or data.count("\n") != n
        or data.count("\t") != n * (len(columns) - 1)
    ):
        out = io.StringIO()
        csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
        data = out.getvalue()
    await raw_connection(transaction).copy_to_table(
        table,
        source=memoryview(data.encode()),  # bytes would be taken for a path
        columns=list(columns),
        format="csv",
        delimiter="\t",
        force_not_null=list(not_null),
    )


async def reserve_month_ids(transaction, n: int) -> list[int]:
    """n ids for new crime_month rows, in order. PostgreSQL: from the table's sequence (no
    other transaction gets them). SQLite: past the highest id stored, and past any this
    connection reserved before (the open transaction holds the one write lock)."""
    connection = raw_connection(transaction)
    if is_postgres():
        rows = await connection.fetch(
            "SELECT nextval(pg_get_serial_sequence('crime_month', 'id')) AS id "
            "FROM generate_series(1, $1)",
            n,
        )
        return sorted(row["id"] for row in rows)
    rows = await connection.fetchall("SELECT coalesce(max(id), 0) AS id FROM crime_month")
    start = max(rows[0]["id"], getattr(connection, "_beatbook_month_ids", 0)) + 1
    connection._beatbook_month_ids = start + n - 1
    return list(range(start, start + n))


async def insert_month(transaction, id: int, force: str, month: str, source: str) -> None:
    """A new force-month's row, its digest and row count set when its file is written."""
    connection = raw_connection(transaction)
    now = datetime.now(UTC)
    sql = (
        "INSERT INTO crime_month (id, force, month, digest, source, rows, imported_at) "
        "VALUES ($1, $2, $3, '', $4, 0, $5)"
    )
    if is_postgres():
        await connection.execute(sql, id, force, month, source, now)
    else:
        await connection.execute(re.sub(r"\$\d", "?", sql), (id, force, month, source, now))


async def update_months(transaction, rows: list[tuple[str, int, int]]) -> None:
    """Set the digest and row count of force-months: rows of (digest, rows, id)."""
    if not rows:
        return
    marks = ("$1", "$2", "$3") if is_postgres() else ("?", "?", "?")
    await raw_connection(transaction).executemany(
        "UPDATE crime_month SET digest = {}, rows = {} WHERE id = {}".format(*marks),  # noqa: S608
        rows,
    )


async def recount_cells(transaction, batch: int) -> None:
    """Count a force-month's crimes by grid cell and type again, from its stored rows."""
    mark, args = ("$1", (batch,)) if is_postgres() else ("?", ([batch],))
    connection = raw_connection(transaction)
    await connection.execute(f"DELETE FROM crime_cell_count WHERE batch = {mark}", *args)  # noqa: S608
    await connection.execute(
        "INSERT INTO crime_cell_count (batch, cell, crime_type, count) "  # noqa: S608
        "SELECT batch, cell, crime_type, COUNT(*) FROM crime "
        f"WHERE batch = {mark} AND cell IS NOT NULL GROUP BY batch, cell, crime_type",  # noqa: S608
        *args,
    )


async def upsert(
    transaction, table: str, columns: Sequence[str], key: str, rows: list[tuple]
) -> None:
    """Insert rows, replacing the other columns of any row whose key is already stored."""
    if not rows:
        return
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    if is_postgres():
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    else:
        marks = ", ".join("?" for _ in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "  # noqa: S608 - fixed names
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    await raw_connection(transaction).executemany(sql, rows)
