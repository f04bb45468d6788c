"""The SQLite backend: one aiosqlite connection per process, WAL mode, one writer at a time.

aiosqlite runs every statement on one thread, but a transaction is connection state: two
tasks interleaving `BEGIN`s on the same connection would mix their writes. So every write
goes through `transaction()` (or the one-statement `execute`), which holds an asyncio lock
for its length. Between processes, `BEGIN IMMEDIATE` and the busy timeout make SQLite's own
file lock the arbiter: a second process sharing the file waits its turn instead of failing.
"""

from __future__ import annotations

import asyncio
import fcntl
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import BinaryIO

import aiosqlite

from bot.store.database import Connection, Database, Dialect, Params, Release, Row
from bot.store.migrations import pending

BUSY_TIMEOUT_MS = 10_000


class SqliteConnection(Connection):
    dialect: Dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, tuple(params))
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        await self._conn.executemany(sql, [tuple(row) for row in rows])

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            row: Row | None = await cursor.fetchone()
            return row

    async def allocate_ids(self, table: str, count: int) -> list[int]:
        """MAX(id)+1 onwards: valid inside a write transaction, which holds SQLite's lock."""
        first = int(await self.fetchval(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))
        return list(range(first, first + count))

    async def restart_ids(self, table: str) -> None:
        return None  # rowid tables number from MAX(id)

    async def lock(self, name: str) -> None:
        return None  # BEGIN IMMEDIATE already excludes every other writer


class SqliteDatabase(Database):
    dialect: Dialect = "sqlite"

    def __init__(
        self, conn: aiosqlite.Connection, path: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        #: The raw connection, for SQLite-only needs (PRAGMAs, backups); store code uses the
        #: methods, which both backends have.
        self.conn = conn
        self.clock = clock
        self._path = path
        self._write_lock = asyncio.Lock()
        self._wrapped = SqliteConnection(conn)

    @property
    def target(self) -> str:
        return self._path

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._wrapped
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._write_lock:
            return await self._wrapped.execute(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        async with self._write_lock:
            await self._wrapped.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._wrapped.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self._wrapped.fetchone(sql, params)

    async def schema_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version") or 0)

    async def close(self) -> None:
        await self.conn.close()

    async def try_hold(self, name: str) -> Release | None:
        """A file lock beside the database file (`vigia.db.NAME.lock`): processes sharing the
        file share the lock."""
        if self._path == ":memory:":
            return _released
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        handle = _lock_file(f"{self._path}.{safe}.lock")
        if handle is None:
            return None

        async def release() -> None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

        return release

    async def migrate(self) -> list[int]:
        """Apply every numbered migration above `user_version`, each atomically; returns the
        versions applied. The version is read inside the write transaction, so two processes
        opening a new file at once apply each migration once."""
        applied: list[int] = []
        while True:
            async with self.transaction() as conn:
                current = int(await conn.fetchval("PRAGMA user_version") or 0)
                todo = pending(current, "sqlite")
                if not todo:
                    return applied
                version, statements = todo[0]
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {version}")
            applied.append(version)


async def open_sqlite(
    path: str, *, clock: Callable[[], float] = time.time, migrate: bool = True
) -> SqliteDatabase:
    """Open (creating if needed) the SQLite file, in WAL mode, migrated unless told not to."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    db = SqliteDatabase(conn, path, clock=clock)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _enter_wal(conn)
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        if migrate:
            await db.migrate()
    except BaseException:
        # aiosqlite's worker thread is not a daemon: a connection left open on a failed
        # start keeps the process alive after it has reported the error.
        await db.close()
        raise
    return db


async def _enter_wal(conn: aiosqlite.Connection) -> None:
    """Switch a new file to WAL. The switch takes the file's exclusive lock and SQLite can
    answer "database is locked" at once, without its busy handler, while other processes
    open the same new file: try again until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay_s = 0.01
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(delay_s)
        delay_s = min(0.2, delay_s * 2)


async def _released() -> None:
    return None


def _lock_file(path: str) -> BinaryIO | None:
    """The open lock file, locked; None when another process holds it."""
    handle = open(path, "a+b")  # noqa: SIM115 (held open while locked)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle
