"""The store's one interface over two engines: SQLite (a file path) and PostgreSQL (a URL).

Every table module (`outbox`, `postings`, `sources`, ...) is written once against `Database`
and `Connection` below, in SQL both engines accept: `?` placeholders, `ON CONFLICT`,
`RETURNING`. The backends translate what must differ (placeholders, column types in the
migrations, id allocation) and say which engine they are through `dialect`, which the few
engine-specific statements (row locks with `SKIP LOCKED`) branch on.

`open_database` picks the backend from the target: a `postgresql://` (or `postgres://`) URL
opens a pool on that server; anything else is a SQLite file path.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol, TypeVar

T = TypeVar("T")
Dialect = Literal["sqlite", "postgres"]
Release = Callable[[], Awaitable[None]]
Params = Sequence[object]
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
#: Bound parameters per query in `chunked` lists: well under SQLite's limit.
PARAMS_CHUNK = 200


def chunked(values: Sequence[T], size: int = PARAMS_CHUNK) -> list[Sequence[T]]:
    """`values`, `size` at a time: the values of an `IN (...)` list, a query per chunk."""
    return [values[start : start + size] for start in range(0, len(values), size)]


class Row(Protocol):
    """A result row, readable by column position or by name (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Connection(ABC):
    """Statements inside one open transaction (see `Database.transaction`)."""

    dialect: Dialect

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement once per parameter row."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None when there is no row."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    async def allocate_ids(self, table: str, count: int) -> list[int]:
        """`count` fresh ids for `table`'s `id` column, to insert with explicitly. Known
        before the insert so that a batch can refer to its own rows (duplicates within one
        poll point at the first of them)."""

    @abstractmethod
    async def restart_ids(self, table: str) -> None:
        """After rows were inserted with explicit ids (a copy), make the next generated id
        follow the largest one. SQLite numbers from MAX(id) already."""

    @abstractmethod
    async def lock(self, name: str) -> None:
        """Hold a named lock until this transaction ends: writers that must not interleave
        (two pollers deciding what is a duplicate) take the same name. SQLite's write
        transaction is already exclusive, so there it costs nothing."""


class Database(ABC):
    """The store a process uses: a SQLite connection or a PostgreSQL pool."""

    dialect: Dialect
    clock: Callable[[], float]

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One atomic unit of writes: everything inside commits together or not at all."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement, atomic on its own (no explicit transaction). Returns rowcount."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """One statement over many rows, atomic as a whole."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def write(self, sql: str, params: Params = ()) -> int:
        """Alias of `execute`, for statements that change rows."""
        return await self.execute(sql, params)

    async def write_many(self, sql: str, rows: Sequence[Params]) -> None:
        await self.executemany(sql, rows)

    @abstractmethod
    async def schema_version(self) -> int:
        """How many numbered migrations this database has."""

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply the numbered migrations this database lacks; returns the versions applied."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def try_hold(self, name: str) -> Release | None:
        """Take the named lock for as long as this process wants it, without waiting: the
        function that lets it go, or None when another process holds it. A process that dies
        lets go of its locks by dying (its connection closes, its file lock goes)."""

    @property
    @abstractmethod
    def target(self) -> str:
        """Where the data lives, for logs: the file path, or the URL without its password."""


def is_postgres_url(target: str) -> bool:
    return target.startswith(POSTGRES_SCHEMES)


async def open_database(
    target: str,
    *,
    clock: Callable[[], float] = time.time,
    migrate: bool = True,
    pool_size: int = 10,
) -> Database:
    """Open the store at `target`, migrated to the latest schema unless `migrate` is False.

    A `postgresql://` URL opens a connection pool on that server (asyncpg); anything else is
    a SQLite file, created if missing, in WAL mode.
    """
    if is_postgres_url(target):
        from bot.store.postgres import open_postgres

        return await open_postgres(target, clock=clock, migrate=migrate, pool_size=pool_size)
    from bot.store.sqlite import open_sqlite

    return await open_sqlite(target, clock=clock, migrate=migrate)
