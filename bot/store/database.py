"""The connection, its pragmas, the write lock and the schema migrations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aiosqlite

from bot.store.migrations import MIGRATIONS


class Database:
    def __init__(
        self, conn: aiosqlite.Connection, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.conn = conn
        self.clock = clock
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic unit of writes: everything inside commits together or not at all."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def write(self, sql: str, parameters: tuple[object, ...] = ()) -> int:
        """One statement, atomic on its own: no BEGIN/COMMIT round trips. Returns rowcount."""
        async with self._write_lock:
            cursor = await self.conn.execute(sql, parameters)
            return cursor.rowcount

    async def write_many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        """One statement over many rows, atomic as a whole."""
        async with self._write_lock:
            await self.conn.executemany(sql, rows)

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self.conn.close()


async def _migrate(db: Database) -> None:
    """Apply every numbered migration above the stored `user_version`, each atomically."""
    current = await db.schema_version()
    for version, statements in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        async with db.transaction() as conn:
            for statement in statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {version}")


async def open_database(path: str, *, clock: Callable[[], float] = time.time) -> Database:
    """Open (creating if needed) the SQLite file, in WAL mode, migrated to the latest schema."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA synchronous = NORMAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA busy_timeout = 5000")
    db = Database(conn, clock=clock)
    await _migrate(db)
    return db
