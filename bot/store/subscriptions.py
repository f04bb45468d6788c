"""Subscriptions: who wants which postings, in which language, paused or not."""

from __future__ import annotations

import hashlib
import json

from bot.models import ChatRef, Filter, Subscription
from bot.serialize import filter_from_dict, filter_to_dict
from bot.store.database import Connection, Database, Row


def _row(row: Row) -> Subscription:
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
        new_id = await conn.fetchval(
            """INSERT INTO subscriptions
               (platform, chat_id, filter_json, language, config_key, created_at)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            (
                chat.platform,
                chat.chat_id,
                json.dumps(filter_to_dict(flt)),
                language,
                key,
                db.clock(),
            ),
        )
    assert new_id is not None
    return Subscription(int(new_id), chat, flt, language)


async def sync_config_subscriptions(
    db: Database, wanted: list[tuple[ChatRef, Filter, str]]
) -> None:
    """Make the config-declared subscriptions match the file: add new ones, drop removed ones.

    Subscriptions made from chats (no config key) are left alone. Several processes may
    start at once on one database: a key another one added first is simply already there.
    """
    keys = {config_key(chat, flt, lang): (chat, flt, lang) for chat, flt, lang in wanted}
    rows = await db.fetchall("SELECT config_key FROM subscriptions WHERE config_key IS NOT NULL")
    existing = {row[0] for row in rows}
    for key in existing - keys.keys():
        await db.execute("DELETE FROM subscriptions WHERE config_key = ?", (key,))
    for key in keys.keys() - existing:
        chat, flt, lang = keys[key]
        await db.execute(
            """INSERT INTO subscriptions
               (platform, chat_id, filter_json, language, config_key, created_at)
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (config_key) DO NOTHING""",
            (chat.platform, chat.chat_id, json.dumps(filter_to_dict(flt)), lang, key, db.clock()),
        )


async def active_subscriptions(conn: Connection | Database) -> list[Subscription]:
    rows = await conn.fetchall("SELECT * FROM subscriptions WHERE paused = 0 ORDER BY id")
    return [_row(row) for row in rows]


async def chat_subscriptions(db: Database, chat: ChatRef) -> list[Subscription]:
    rows = await db.fetchall(
        "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? ORDER BY id",
        (chat.platform, chat.chat_id),
    )
    return [_row(row) for row in rows]


async def delete_subscriptions(db: Database, chat: ChatRef, subscription_id: int | None) -> int:
    """Delete one (or every) subscription of a chat; pending alerts for it go with it."""
    query = "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?"
    params: tuple[object, ...] = (chat.platform, chat.chat_id)
    if subscription_id is not None:
        query += " AND id = ?"
        params += (subscription_id,)
    return await db.execute(query, params)


async def set_chat_paused(db: Database, chat: ChatRef, paused: bool) -> int:
    return await db.execute(
        "UPDATE subscriptions SET paused = ? WHERE platform = ? AND chat_id = ?",
        (int(paused), chat.platform, chat.chat_id),
    )


async def set_chat_language(db: Database, chat: ChatRef, language: str) -> int:
    """Remember the chat's language and move its subscriptions to it; returns how many moved."""
    async with db.transaction() as conn:
        await conn.execute(
            """INSERT INTO chat_settings (platform, chat_id, language) VALUES (?, ?, ?)
               ON CONFLICT (platform, chat_id) DO UPDATE SET language = excluded.language""",
            (chat.platform, chat.chat_id, language),
        )
        return await conn.execute(
            "UPDATE subscriptions SET language = ? WHERE platform = ? AND chat_id = ?",
            (language, chat.platform, chat.chat_id),
        )


async def chat_language(db: Database, chat: ChatRef) -> str | None:
    language = await db.fetchval(
        "SELECT language FROM chat_settings WHERE platform = ? AND chat_id = ?",
        (chat.platform, chat.chat_id),
    )
    return str(language) if language is not None else None


async def move_chat(db: Database, old: ChatRef, new: ChatRef) -> int:
    """The chat has a new id (a Telegram group became a supergroup): its settings and
    subscriptions follow; the old chat's language wins over anything stored for the new id."""
    async with db.transaction() as conn:
        await conn.execute(
            """DELETE FROM chat_settings WHERE platform = ? AND chat_id = ? AND EXISTS
                   (SELECT 1 FROM chat_settings WHERE platform = ? AND chat_id = ?)""",
            (new.platform, new.chat_id, old.platform, old.chat_id),
        )
        await conn.execute(
            "UPDATE chat_settings SET platform = ?, chat_id = ? WHERE platform = ? AND chat_id = ?",
            (new.platform, new.chat_id, old.platform, old.chat_id),
        )
        return await conn.execute(
            "UPDATE subscriptions SET platform = ?, chat_id = ? WHERE platform = ? AND chat_id = ?",
            (new.platform, new.chat_id, old.platform, old.chat_id),
        )
