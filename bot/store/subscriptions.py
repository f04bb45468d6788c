"""Subscriptions: who wants which postings, in which language, paused or not."""

from __future__ import annotations

import hashlib
import json

import aiosqlite

from bot.models import ChatRef, Filter, Subscription
from bot.serialize import filter_from_dict, filter_to_dict
from bot.store.database import Database


def _row(row: aiosqlite.Row) -> Subscription:
    return Subscription(
        id=row["id"],
        chat=ChatRef(row["platform"], row["chat_id"]),
        filter=filter_from_dict(json.loads(row["filter_json"])),
        language=row["language"],
        paused=bool(row["paused"]),
    )


def config_key(chat: ChatRef, flt: Filter, language: str) -> str:
    """A stable identity for a subscription declared in the config file."""
    payload = json.dumps([str(chat), filter_to_dict(flt), language], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


async def add_subscription(
    db: Database, chat: ChatRef, flt: Filter, *, language: str, key: str | None = None
) -> Subscription:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            """INSERT INTO subscriptions
               (platform, chat_id, filter_json, language, config_key, created_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (
                chat.platform,
                chat.chat_id,
                json.dumps(filter_to_dict(flt)),
                language,
                key,
                db.clock(),
            ),
        )
    assert cursor.lastrowid is not None
    return Subscription(cursor.lastrowid, chat, flt, language)


async def sync_config_subscriptions(
    db: Database, wanted: list[tuple[ChatRef, Filter, str]]
) -> None:
    """Make the config-declared subscriptions match the file: add new ones, drop removed ones.

    Subscriptions made from chats (no config key) are left alone.
    """
    keys = {config_key(chat, flt, lang): (chat, flt, lang) for chat, flt, lang in wanted}
    async with db.conn.execute(
        "SELECT config_key FROM subscriptions WHERE config_key IS NOT NULL"
    ) as cursor:
        existing = {row[0] for row in await cursor.fetchall()}
    for key in existing - keys.keys():
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM subscriptions WHERE config_key = ?", (key,))
    for key in keys.keys() - existing:
        chat, flt, lang = keys[key]
        await add_subscription(db, chat, flt, language=lang, key=key)


async def active_subscriptions(conn: aiosqlite.Connection) -> list[Subscription]:
    async with conn.execute("SELECT * FROM subscriptions WHERE paused = 0 ORDER BY id") as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def chat_subscriptions(db: Database, chat: ChatRef) -> list[Subscription]:
    async with db.conn.execute(
        "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? ORDER BY id",
        (chat.platform, chat.chat_id),
    ) as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def delete_subscriptions(db: Database, chat: ChatRef, subscription_id: int | None) -> int:
    """Delete one (or every) subscription of a chat; pending alerts for it go with it."""
    query = "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?"
    params: tuple[object, ...] = (chat.platform, chat.chat_id)
    if subscription_id is not None:
        query += " AND id = ?"
        params += (subscription_id,)
    async with db.transaction() as conn:
        cursor = await conn.execute(query, params)
    return cursor.rowcount


async def set_chat_paused(db: Database, chat: ChatRef, paused: bool) -> int:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE subscriptions SET paused = ? WHERE platform = ? AND chat_id = ?",
            (int(paused), chat.platform, chat.chat_id),
        )
    return cursor.rowcount


async def set_chat_language(db: Database, chat: ChatRef, language: str) -> int:
    """Remember the chat's language and move its subscriptions to it; returns how many moved."""
    async with db.transaction() as conn:
        await conn.execute(
            """INSERT INTO chat_settings (platform, chat_id, language) VALUES (?, ?, ?)
               ON CONFLICT (platform, chat_id) DO UPDATE SET language = excluded.language""",
            (chat.platform, chat.chat_id, language),
        )
        cursor = await conn.execute(
            "UPDATE subscriptions SET language = ? WHERE platform = ? AND chat_id = ?",
            (language, chat.platform, chat.chat_id),
        )
    return cursor.rowcount


async def chat_language(db: Database, chat: ChatRef) -> str | None:
    async with db.conn.execute(
        "SELECT language FROM chat_settings WHERE platform = ? AND chat_id = ?",
        (chat.platform, chat.chat_id),
    ) as cursor:
        row = await cursor.fetchone()
    return str(row[0]) if row else None


async def move_chat(db: Database, old: ChatRef, new: ChatRef) -> int:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE OR REPLACE chat_settings SET platform = ?, chat_id = ?"
            " WHERE platform = ? AND chat_id = ?",
            (new.platform, new.chat_id, old.platform, old.chat_id),
        )
        cursor = await conn.execute(
            "UPDATE subscriptions SET platform = ?, chat_id = ? WHERE platform = ? AND chat_id = ?",
            (new.platform, new.chat_id, old.platform, old.chat_id),
        )
    return cursor.rowcount
