"""SQLite kept open: a few reader connections and one writer, each on a thread of its own.

Piccolo's own SQLite engine opens a connection (and a thread) for every query outside a
transaction, about 1.7 ms each, and when the last one closes SQLite deletes the WAL files, so
the next request rebuilds them. This engine keeps its connections open for the process's life:

- readers (BEATBOOK_SQLITE_READERS of them) answer queries outside transactions that only
  read, and `snapshot()`s; they are `query_only`, so a write by mistake fails loudly;
- one writer runs every change: `atomic()` transactions and single writes outside one. The
  app hands it to one task at a time, first come first served, so no request of this process
  waits on SQLite's busy timeout (that is left for other processes, such as an import);
- every connection uses WAL and synchronous=FULL: a commit is on disk before it returns, so an
  acknowledged write survives a crash or `kill -9`.

Each connection runs its statements on its own thread (sqlite3 lets go of the GIL while it
works), and a task on any event loop can use them: the tests run several loops.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from piccolo.engine.exceptions import TransactionError
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory


def connect(connection_kwargs: dict[str, Any], *, writer: bool) -> sqlite3.Connection:
    """A sqlite3 connection as Beatbook uses it: dict rows, foreign keys, synchronous=FULL,
    and `query_only` unless it is the writer. Any thread may use it (one at a time)."""
    connection = sqlite3.connect(**connection_kwargs, check_same_thread=False)
    connection.row_factory = dict_factory
    connection.execute("PRAGMA foreign_keys = 1")
    connection.execute("PRAGMA synchronous = FULL")
    if not writer:
        connection.execute("PRAGMA query_only = 1")
    return connection


class Connection:
    """One sqlite3 connection, used only from its own thread. Its methods mirror aiosqlite's
    (`execute`, `executemany`, `fetchall`) so bulk writers can use a transaction's connection."""

    def __init__(self, connection_kwargs: dict[str, Any], *, writer: bool) -> None:
        self.writer = writer
        self._kwargs = connection_kwargs
        self._sqlite: sqlite3.Connection | None = None
        name = "sqlite-writer" if writer else "sqlite-reader"
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def _open(self) -> sqlite3.Connection:
        return connect(self._kwargs, writer=self.writer)

    def _fetchall(self, sql: str, args) -> list[dict]:
        if self._sqlite is None:
            self._sqlite = self._open()
        cursor = self._sqlite.execute(sql, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def _executemany(self, sql: str, rows) -> None:
        if self._sqlite is None:
            self._sqlite = self._open()
        self._sqlite.executemany(sql, rows).close()

    async def _run(self, function: Callable, *args):
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def fetchall(self, sql: str, args=()) -> list[dict]:
        """Run one statement and return its rows (one trip to the connection's thread)."""
        return await self._run(self._fetchall, sql, list(args or ()))

    execute = fetchall  # Piccolo's savepoints call connection.execute(...)

    async def executemany(self, sql: str, rows) -> None:
        await self._run(self._executemany, sql, rows)

    def close(self) -> None:
        def close_connection() -> None:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None

        self._thread.submit(close_connection)
        self._thread.shutdown(wait=False)


class Pool:
    """Connections lent to one task at a time, on any event loop, first come first served."""

    def __init__(self, make: Callable[[], Connection], size: int) -> None:
        self._free = [make() for _ in range(size)]
        self._waiters: deque[asyncio.Future] = deque()
        self._lock = threading.Lock()
        self._closed = False

    async def acquire(self) -> Connection:
        with self._lock:
            if self._free and not self._waiters:
                return self._free.pop()
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                    raise
            # Handed a connection as the task was cancelled: pass it on.
            if waiter.done() and not waiter.cancelled():
                self.release(waiter.result())
            raise

    def release(self, connection: Connection) -> None:
        with self._lock:
            if self._closed:
                connection.close()
                return
            if not self._waiters:
                self._free.append(connection)
                return
            waiter = self._waiters.popleft()
        waiter.get_loop().call_soon_threadsafe(self._hand_over, waiter, connection)

    def _hand_over(self, waiter: asyncio.Future, connection: Connection) -> None:
        if waiter.cancelled():
            self.release(connection)
        else:
            waiter.set_result(connection)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            free, self._free = self._free, []
        for connection in free:
            connection.close()


class KeptOpenTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction on a lent connection: the writer for changes, a reader
    for `reading=True`; the connection goes back to its pool at the end, not closed."""

    __slots__ = ("reading", "pool")

    def __init__(self, engine, transaction_type, allow_nested=True, *, reading=False):
        super().__init__(engine, transaction_type, allow_nested)
        self.reading = reading
        if self._parent is not None and getattr(self._parent, "reading", False) and not reading:
            raise TransactionError("A change cannot join snapshot(): open atomic() outside it")

    async def get_connection(self):
        readers, writer = self.engine.pools()
        self.pool = readers if self.reading else writer
        return await self.pool.acquire()

    async def begin(self):
        # The writer is this process's alone while lent, so IMMEDIATE costs nothing here and
        # keeps a writer in another process from upgrading into a deadlock.
        kind = "" if self.reading else TransactionType.immediate.value
        await self.connection.fetchall(f"BEGIN {kind}")

    async def commit(self):
        await self.connection.fetchall("COMMIT")
        self._committed = True

    async def rollback(self):
        await self.connection.fetchall("ROLLBACK")
        self._rolled_back = True

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.pool.release(self.connection)
            self.engine.current_transaction.reset(self.context)
        return exception is None


def _only_reads(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


class KeptOpenSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine on kept-open connections (see the module's docstring)."""

    def __init__(self, path: str, *, readers: int = 4, **connection_kwargs) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.readers = max(1, readers)
        self._pools: dict[str, tuple[Pool, Pool]] = {}
        self._pools_lock = threading.Lock()
        self._inline = threading.local()

    def pools(self) -> tuple[Pool, Pool]:
        """The readers and the writer of the current file (tests switch files between tests:
        the connections to an earlier file are closed then)."""
        path = self.path
        pools = self._pools.get(path)
        if pools is not None:
            return pools
        with self._pools_lock:
            if path not in self._pools:
                for old in list(self._pools):
                    for pool in self._pools.pop(old):
                        pool.close()
                kwargs = dict(self.connection_kwargs)
                self._pools[path] = (
                    Pool(lambda: Connection(kwargs, writer=False), self.readers),
                    Pool(lambda: Connection(kwargs, writer=True), 1),
                )
            return self._pools[path]

    def close(self) -> None:
        """Close every kept-open connection (the app's lifespan calls this at shutdown)."""
        with self._pools_lock:
            for pools in self._pools.values():
                for pool in pools:
                    pool.close()
            self._pools.clear()

    async def _run(self, sql: str, args) -> list[dict]:
        transaction = self.current_transaction.get()
        if transaction is not None:
            return await transaction.connection.fetchall(sql, args)
        readers, writer = self.pools()
        pool = readers if _only_reads(sql) else writer
        connection = await pool.acquire()
        try:
            # Outside a transaction a statement commits on its own (isolation_level=None).
            return await connection.fetchall(sql, args)
        finally:
            pool.release(connection)

    def read_inline(self, querystring) -> list[dict]:
        """Run a small read at once on the calling thread (the event loop's), on a read-only
        connection of that thread's own: for lookups by a key, where handing the query to a
        reader's thread and back costs more than the query (about 0.1 ms against 0.02 ms).
        Never for a read whose size grows with the data: it holds up every other request."""
        sql, args = querystring.compile_string(engine_type=self.engine_type)
        local = self._inline
        connection = getattr(local, "connection", None)
        if connection is None or local.path != self.path:
            if connection is not None:
                connection.close()
            connection = connect(self.connection_kwargs, writer=False)
            local.connection, local.path = connection, self.path
        cursor = connection.execute(sql, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    async def run_querystring(self, querystring, in_pool: bool = False):
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=querystring.__str__())
        sql, args = querystring.compile_string(engine_type=self.engine_type)
        response = await self._run(sql, args)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        return await self._run(ddl, [])

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> KeptOpenTransaction:
        """A transaction on the writer (whatever type is asked: this process writes through one
        connection, so every transaction that may write takes it)."""
        return KeptOpenTransaction(self, transaction_type, allow_nested)

    def reading(self) -> KeptOpenTransaction:
        """A read-only transaction on a reader: one consistent view for several queries."""
        return KeptOpenTransaction(self, TransactionType.deferred, reading=True)
