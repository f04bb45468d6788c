"""The PostgreSQL backend, through asyncpg: a connection pool shared by the process's tasks.

Store modules write `?` placeholders; `numbered` turns them into PostgreSQL's `$1, $2, ...`
once per statement text (cached). Several processes may share one database: migrations run
under an advisory lock, ids come from the tables' identity sequences, and writers that must
not interleave take a transaction-scoped advisory lock (`Connection.lock`).

Query parameters in the URL other than asyncpg's own become server settings, so
`postgresql://host/db?search_path=team_a` keeps a deployment (or a test) in its own schema.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.errors import StoreError
from bot.store.database import Connection, Database, Dialect, Params, Release, Row
from bot.store.migrations import pending

DEFAULT_POOL_SIZE = 10
CONNECT_TIMEOUT_S = 10.0
_MIGRATION_LOCK = "vigia:migrate"
_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS vigia_schema_version (
    version INTEGER NOT NULL
)"""


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2, ...`, leaving quoted strings and identifiers alone."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


def _rowcount(status: str) -> int:
    """asyncpg answers a command with its tag ('UPDATE 3', 'INSERT 0 1'): the last number."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def redacted(url: str) -> str:
    """The URL without its password, for logs and `workers` listings."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class PostgresConnection(Connection):
    dialect: Dialect = "postgres"

    def __init__(
        self, conn: asyncpg.Connection | asyncpg.pool.PoolConnectionProxy[asyncpg.Record]
    ) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self._conn.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            await self._conn.executemany(numbered(sql), [tuple(row) for row in rows])

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.fetch(numbered(sql), *params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._conn.fetchrow(numbered(sql), *params)
        return row

    async def allocate_ids(self, table: str, count: int) -> list[int]:
        if count == 0:
            return []
        rows = await self._conn.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)",
            table,
            count,
        )
        return [int(row[0]) for row in rows]

    async def restart_ids(self, table: str) -> None:
        await self._conn.execute(
            f"SELECT setval(pg_get_serial_sequence($1, 'id'),"
            f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)",
            table,
        )

    async def lock(self, name: str) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", name)


class PostgresDatabase(Database):
    dialect: Dialect = "postgres"

    def __init__(
        self, pool: asyncpg.Pool, url: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.pool = pool
        self.clock = clock
        self._url = url

    @property
    def target(self) -> str:
        return redacted(self._url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield PostgresConnection(conn)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self.pool.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            await self.pool.executemany(numbered(sql), [tuple(row) for row in rows])

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.pool.fetch(numbered(sql), *params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self.pool.fetchrow(numbered(sql), *params)
        return row

    async def schema_version(self) -> int:
        async with self.pool.acquire() as conn:
            exists = await conn.fetchval("SELECT to_regclass('vigia_schema_version') IS NOT NULL")
            if not exists:
                return 0
            return int(await conn.fetchval("SELECT MAX(version) FROM vigia_schema_version") or 0)

    async def close(self) -> None:
        await self.pool.close()

    async def try_hold(self, name: str) -> Release | None:
        """A session advisory lock on a connection of its own (outside the pool), held until
        released or until the process's connection drops."""
        try:
            conn = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT_S)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise StoreError(f"cannot lock {name}: {type(exc).__name__}") from None
        taken = await conn.fetchval(
            "SELECT pg_try_advisory_lock(hashtext($1 || current_schema()))", name
        )
        if not taken:
            await conn.close()
            return None

        async def release() -> None:
            await conn.close()  # the lock goes with the session

        return release

    async def migrate(self) -> list[int]:
        """Apply the migrations above the stored version, each in its own transaction, under
        an advisory lock so that processes starting together apply each one once."""
        applied: list[int] = []
        async with self.pool.acquire() as conn:
            await conn.execute(
                "SELECT pg_advisory_lock(hashtext($1 || current_schema()))", _MIGRATION_LOCK
            )
            try:
                await conn.execute(_VERSION_TABLE)
                current = int(
                    await conn.fetchval("SELECT MAX(version) FROM vigia_schema_version") or 0
                )
                for version, statements in pending(current, "postgres"):
                    async with conn.transaction():
                        for statement in statements:
                            await conn.execute(statement)
                        await conn.execute(
                            "INSERT INTO vigia_schema_version (version) VALUES ($1)", version
                        )
                    applied.append(version)
            finally:
                await conn.execute(
                    "SELECT pg_advisory_unlock(hashtext($1 || current_schema()))",
                    _MIGRATION_LOCK,
                )
        return applied


async def open_postgres(
    url: str,
    *,
    clock: Callable[[], float] = time.time,
    migrate: bool = True,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> PostgresDatabase:
    """A pool on the server at `url`, migrated unless told not to."""
    try:
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=pool_size, timeout=CONNECT_TIMEOUT_S
        )
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        raise StoreError(f"cannot open {redacted(url)}: {type(exc).__name__}: {exc}") from None
    db = PostgresDatabase(pool, url, clock=clock)
    if migrate:
        try:
            await db.migrate()
        except BaseException:
            await db.close()
            raise
    return db
