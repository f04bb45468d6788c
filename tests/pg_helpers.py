"""A real PostgreSQL server for the store's tests: one database per test run, one schema
per test, both dropped afterwards, so concurrent runs on one server never meet.

Which server: `VIGIA_TEST_POSTGRES` (a `postgresql://` URL), else 127.0.0.1:5432 as user
`postgres`. Under `CI=true`, or when `VIGIA_TEST_POSTGRES` is set, an unreachable server
fails the tests; otherwise they are skipped with the reason (`.ci/run` starts a server when
none answers).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_S = 5.0
T = TypeVar("T")


def blocking(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end from synchronous code, even inside a running event loop
    (on its own thread and loop): fixtures set the server up this way."""

    async def run() -> T:
        return await make()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def server_url() -> str:
    return os.environ.get("VIGIA_TEST_POSTGRES") or DEFAULT_SERVER


def required() -> bool:
    """PostgreSQL tests must run (not skip) in CI and when a server is named."""
    return os.environ.get("CI", "").lower() == "true" or bool(os.environ.get("VIGIA_TEST_POSTGRES"))


def with_database(url: str, database: str, *, search_path: str | None = None) -> str:
    parts = urlsplit(url)
    query = f"search_path={search_path}" if search_path else ""
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, query, ""))


class PgTestServer:
    """The test run's own database on the server; schemas inside it for each test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.database = f"vigia_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._clean: list[str] = []  # migrated schemas emptied after use, ready again

    def migrated_schema(self) -> str:
        """A migrated, empty schema: a recycled one when there is one (emptying ten tables
        costs a tenth of migrating a new schema), else a new one that `open_database`
        migrates."""
        return self._clean.pop() if self._clean else self.new_schema()

    def recycle(self, url: str) -> None:
        """Empty a migrated schema's tables and restart its ids, for the next test."""

        async def empty() -> None:
            conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
            try:
                tables = await conn.fetch(
                    """SELECT c.relname, ARRAY(
                           SELECT r.relname FROM pg_constraint k
                           JOIN pg_class r ON r.oid = k.conrelid
                           WHERE k.confrelid = c.oid AND k.contype = 'f' AND r.oid <> c.oid)
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = current_schema() AND c.relkind = 'r'
                         AND c.relname <> 'vigia_schema_version'"""
                )
                referrers = {row[0]: set(row[1]) for row in tables}
                async with conn.transaction():
                    while referrers:  # delete a table once nothing left refers to it
                        free = [t for t, refs in referrers.items() if not refs & referrers.keys()]
                        for table in free:
                            await conn.execute(f'DELETE FROM "{table}"')
                            del referrers[table]
                    for row in await conn.fetch(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                    ):
                        await conn.execute(f'ALTER SEQUENCE "{row[0]}" RESTART')
            finally:
                await conn.close()

        try:
            blocking(empty)
        except Exception:
            self.drop_schema(url)
            return
        self._clean.append(url)

    def _run(self, url: str, statement: str) -> None:
        async def run() -> None:
            conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
            try:
                await conn.execute(statement)
            finally:
                await conn.close()

        blocking(run)

    def create(self) -> None:
        self._run(self.url, f'CREATE DATABASE "{self.database}"')

    def drop(self) -> None:
        self._run(self.url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def database_url(self, search_path: str | None = None) -> str:
        return with_database(self.url, self.database, search_path=search_path)

    def new_schema(self) -> str:
        """A fresh, empty schema; its URL keeps every connection of the test inside it."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self._run(self.database_url(), f"CREATE SCHEMA {schema}")
        return self.database_url(search_path=schema)

    def drop_schema(self, url: str) -> None:
        schema = urlsplit(url).query.removeprefix("search_path=")
        self._run(self.database_url(), f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _reachable(url: str) -> str | None:
    """None when the server answers, else why not."""

    async def probe() -> None:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
        await conn.close()

    try:
        blocking(probe)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgTestServer]:
    """The run's database on the test server, or a skip (a failure in CI) saying why not."""
    url = server_url()
    problem = _reachable(url)
    if problem is not None:
        message = (
            f"PostgreSQL not reachable at {url} ({problem}); set VIGIA_TEST_POSTGRES to a "
            "server, or run `bash .ci/run`, which starts one"
        )
        if required():
            pytest.fail(message)
        pytest.skip(message)
    server = PgTestServer(url)
    server.create()
    try:
        yield server
    finally:
        server.drop()
