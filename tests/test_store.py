"""The store: the same migrations and behaviour on SQLite and PostgreSQL; an existing file is
upgraded without losing data; several processes opening one database at once migrate once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
import pytest

from bot.models import ChatRef, Filter
from bot.store import Database, open_database
from bot.store import subscriptions as subscriptions_store
from bot.store.migrations import MIGRATIONS, for_dialect
from bot.store.postgres import numbered, redacted
from bot.store.sqlite import SqliteDatabase
from tests.conftest import FakeClock


async def test_a_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            await conn.execute(for_dialect(statement, "sqlite"))
        await conn.execute(
            "INSERT INTO subscriptions (platform, chat_id, filter_json, language, created_at)"
            " VALUES ('telegram', '7', '{}', 'es', 0)"
        )
        await conn.execute("PRAGMA user_version = 1")
        await conn.commit()

    db = await open_database(str(path))
    try:
        assert await db.schema_version() == len(MIGRATIONS)
        (sub,) = await subscriptions_store.chat_subscriptions(db, ChatRef("telegram", "7"))
        assert sub.filter == Filter() and sub.language == "es"
        assert isinstance(db, SqliteDatabase)
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
    finally:
        await db.close()


async def test_a_version_1_database_is_upgraded_in_place(store_target: str) -> None:
    """Both engines: a database left at version 1 gains the later migrations, keeping rows."""
    db = await open_database(store_target, migrate=False)
    try:
        async with db.transaction() as conn:
            for statement in MIGRATIONS[0]:
                await conn.execute(for_dialect(statement, db.dialect))
            await conn.execute(
                "INSERT INTO subscriptions (platform, chat_id, filter_json, language, created_at)"
                " VALUES ('telegram', '7', '{}', 'es', 0)"
            )
            if db.dialect == "sqlite":
                await conn.execute("PRAGMA user_version = 1")
            else:
                await conn.execute("CREATE TABLE vigia_schema_version (version INTEGER NOT NULL)")
                await conn.execute("INSERT INTO vigia_schema_version VALUES (1)")
        assert await db.migrate() == list(range(2, len(MIGRATIONS) + 1))
        assert await db.schema_version() == len(MIGRATIONS)
        (sub,) = await subscriptions_store.chat_subscriptions(db, ChatRef("telegram", "7"))
        assert sub.language == "es"
    finally:
        await db.close()


async def test_opening_twice_applies_nothing_twice(store_target: str) -> None:
    for _ in range(2):
        db = await open_database(store_target)
        assert await db.schema_version() == len(MIGRATIONS)
        assert await db.migrate() == []
        await db.close()


async def test_processes_starting_together_migrate_once(store_target: str) -> None:
    """Three workers opening a new database at the same moment: one applies each migration,
    the others find it done, and config subscriptions are added once."""
    wanted = [(ChatRef("telegram", "1"), Filter(keywords=("rlhf",)), "es")]

    async def start() -> Database:
        db = await open_database(store_target)
        await subscriptions_store.sync_config_subscriptions(db, wanted)
        return db

    opened = await asyncio.gather(start(), start(), start(), return_exceptions=True)
    dbs = [db for db in opened if not isinstance(db, BaseException)]
    try:
        assert len(dbs) == len(opened), [e for e in opened if isinstance(e, BaseException)]
        assert [await db.schema_version() for db in dbs] == [len(MIGRATIONS)] * 3
        assert len(await subscriptions_store.chat_subscriptions(dbs[0], wanted[0][0])) == 1
    finally:
        for db in dbs:
            await db.close()


async def test_a_failed_transaction_writes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO chat_settings (platform, chat_id, language) VALUES ('x', '1', 'es')"
            )
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM chat_settings") == 0


async def test_times_keep_their_fractions(db: Database, clock: FakeClock) -> None:
    """Leases and backoff are compared to the second: timestamps are stored as doubles on
    both engines (PostgreSQL's REAL would round 1.8e9 to the nearest 128 s)."""
    clock.now = 1_800_000_000.25
    sub = await subscriptions_store.add_subscription(
        db, ChatRef("console", ""), Filter(), language="es"
    )
    created_at = await db.fetchval("SELECT created_at FROM subscriptions WHERE id = ?", (sub.id,))
    assert created_at == 1_800_000_000.25


async def test_a_moved_chat_keeps_its_language_over_the_new_ids(db: Database) -> None:
    old, new = ChatRef("telegram", "-1"), ChatRef("telegram", "-100")
    await subscriptions_store.add_subscription(db, old, Filter(), language="en")
    await subscriptions_store.set_chat_language(db, old, "en")
    await subscriptions_store.set_chat_language(db, new, "es")
    assert await subscriptions_store.move_chat(db, old, new) == 1
    assert await subscriptions_store.chat_language(db, new) == "en"
    assert await subscriptions_store.chat_language(db, old) is None


def test_placeholders_become_numbered_outside_quotes() -> None:
    sql = "SELECT '?' AS q, \"a?b\" FROM t WHERE x = ? AND y IN (?, ?)"
    assert numbered(sql) == "SELECT '?' AS q, \"a?b\" FROM t WHERE x = $1 AND y IN ($2, $3)"


def test_a_database_url_is_logged_without_its_password() -> None:
    url = "postgresql://vigia:s3cret@db.internal:5433/vigia?sslmode=require"
    assert redacted(url) == "postgresql://vigia:***@db.internal:5433/vigia?sslmode=require"
    assert "s3cret" not in redacted(url)


def test_postgres_spells_the_same_migrations_its_own_way() -> None:
    statement = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, at REAL)"
    assert for_dialect(statement, "postgres") == (
        "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        " n BIGINT NOT NULL, at DOUBLE PRECISION)"
    )
    assert for_dialect(statement, "sqlite") == statement
