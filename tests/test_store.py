"""The store: WAL mode, migrations that upgrade an existing file without losing data."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.models import ChatRef, Filter
from bot.store import open_database
from bot.store import subscriptions as subscriptions_store
from bot.store.migrations import MIGRATIONS


async def test_a_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            await conn.execute(statement)
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
        async with db.conn.execute("PRAGMA journal_mode") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == "wal"
    finally:
        await db.close()


async def test_opening_twice_applies_nothing_twice(tmp_path: Path) -> None:
    path = str(tmp_path / "v.db")
    for _ in range(2):
        db = await open_database(path)
        assert await db.schema_version() == len(MIGRATIONS)
        await db.close()


async def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "t.db"))
    try:
        try:
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO chat_settings (platform, chat_id, language)"
                    " VALUES ('x', '1', 'es')"
                )
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert await subscriptions_store.chat_language(db, ChatRef("telegram", "1")) is None
        async with db.conn.execute("SELECT COUNT(*) FROM chat_settings") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == 0
    finally:
        await db.close()
