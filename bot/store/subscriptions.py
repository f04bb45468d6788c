"""Subscriptions: who wants which postings, in which language, paused or not, and at which
pace (each alert at once, or a digest at a time in the chat's time zone)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from bot.models import ChatRef, Filter, Subscription
from bot.serialize import filter_from_dict, filter_to_dict
from bot.store.database import Connection, Database, Row


def from_row(row: Row, *, id_key: str = "id", paused: bool | None = None) -> Subscription:
    """The subscription in a row that selected its columns (under `id_key` for its id, when
    the row joins it to an outbox row); `paused` stands in when the query selected only
    active subscriptions and no `paused` column."""
    return Subscription(
        id=row[id_key],
        chat=ChatRef(row["platform"], row["chat_id"]),
        filter=filter_from_dict(json.loads(row["filter_json"])),
        language=row["language"],
        paused=bool(row["paused"]) if paused is None else paused,
        delivery=row["delivery"],
    )


def config_key(chat: ChatRef, flt: Filter, language: str) -> str:
    """A stable identity for a subscription declared in the config file."""
    payload = json.dumps([str(chat), filter_to_dict(flt), language], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


async def add_subscription(
    db: Database,
    chat: ChatRef,
    flt: Filter,
    *,
    language: str,
    key: str | None = None,
    delivery: str = "instant",
) -> Subscription:
    """A new subscription; a digest one starts its first period now."""
    now = db.clock()
    period = None if delivery == "instant" else now
    async with db.transaction() as conn:
        new_id = await conn.fetchval(
            """INSERT INTO subscriptions
               (platform, chat_id, filter_json, language, config_key, created_at, delivery,
                digest_after, digest_since)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (
                chat.platform,
                chat.chat_id,
                json.dumps(filter_to_dict(flt)),
                language,
                key,
                now,
                delivery,
                period,
                period,
            ),
        )
    assert new_id is not None
    return Subscription(int(new_id), chat, flt, language, delivery=delivery)


async def sync_config_subscriptions(
    db: Database,
    wanted: list[tuple[ChatRef, Filter, str]],
    deliveries: Sequence[str] | None = None,
) -> None:
    """Make the config-declared subscriptions match the file: add new ones, drop removed ones,
    and give each the delivery mode the file says (`deliveries`, in the order of `wanted`;
    a subscription's identity does not include it, so changing it keeps what it holds).

    Subscriptions made from chats (no config key) are left alone. Several processes may
    start at once on one database: a key another one added first is simply already there.
    """
    modes = list(deliveries) if deliveries is not None else ["instant"] * len(wanted)
    keys = {
        config_key(chat, flt, lang): (chat, flt, lang, mode)
        for (chat, flt, lang), mode in zip(wanted, modes, strict=True)
    }
    rows = await db.fetchall(
        "SELECT id, config_key, delivery FROM subscriptions WHERE config_key IS NOT NULL"
    )
    existing = {row[1]: (int(row[0]), row[2]) for row in rows}
    for key in existing.keys() - keys.keys():
        await db.execute("DELETE FROM subscriptions WHERE config_key = ?", (key,))
    for key in keys.keys() - existing.keys():
        chat, flt, lang, mode = keys[key]
        period = None if mode == "instant" else db.clock()
        await db.execute(
            """INSERT INTO subscriptions
               (platform, chat_id, filter_json, language, config_key, created_at, delivery,
                digest_after, digest_since)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (config_key) DO NOTHING""",
            (
                chat.platform,
                chat.chat_id,
                json.dumps(filter_to_dict(flt)),
                lang,
                key,
                db.clock(),
                mode,
                period,
                period,
            ),
        )
    for key in keys.keys() & existing.keys():
        subscription_id, stored = existing[key]
        if stored != keys[key][3]:
            await set_delivery(db, keys[key][0], keys[key][3], subscription_id)


async def active_subscriptions(conn: Connection | Database) -> list[Subscription]:
    rows = await conn.fetchall("SELECT * FROM subscriptions WHERE paused = 0 ORDER BY id")
    return [from_row(row) for row in rows]


async def chat_subscriptions(db: Database, chat: ChatRef) -> list[Subscription]:
    rows = await db.fetchall(
        "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? ORDER BY id",
        (chat.platform, chat.chat_id),
    )
    return [from_row(row) for row in rows]


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


async def set_delivery(
    db: Database, chat: ChatRef, delivery: str, subscription_id: int | None = None
) -> int:
    """Set the delivery mode of one (or every) subscription of the chat; returns how many
    of them have it now (0: no such subscription).

    Taking up digests, or changing their schedule, starts a new period now (nothing held is
    lost: it goes in the next digest). Going back to instant leaves what was held for one
    last digest, made at once (`bot.delivery.digest`)."""
    now = db.clock()
    which = " AND id = ?" if subscription_id is not None else ""
    only: tuple[object, ...] = (subscription_id,) if subscription_id is not None else ()
    await db.execute(
        f"""UPDATE subscriptions SET delivery = ?, digest_after = ?,
                digest_since = CASE WHEN delivery = 'instant' THEN ?
                                    ELSE COALESCE(digest_since, ?) END
            WHERE platform = ? AND chat_id = ? AND delivery <> ?{which}""",
        (delivery, now, now, now, chat.platform, chat.chat_id, delivery, *only),
    )
    count = await db.fetchval(
        f"""SELECT COUNT(*) FROM subscriptions
            WHERE platform = ? AND chat_id = ? AND delivery = ?{which}""",
        (chat.platform, chat.chat_id, delivery, *only),
    )
    return int(count or 0)


async def set_chat_timezone(db: Database, chat: ChatRef, timezone: str) -> None:
    """Remember the chat's time zone. Its digests' current periods close now, so a digest
    time that already passed in the new zone is not made at once: the next comes at its
    time in the new zone, listing everything gathered meanwhile."""
    now = db.clock()
    async with db.transaction() as conn:
        await conn.execute(
            """INSERT INTO chat_zones (platform, chat_id, timezone) VALUES (?, ?, ?)
               ON CONFLICT (platform, chat_id) DO UPDATE SET timezone = excluded.timezone""",
            (chat.platform, chat.chat_id, timezone),
        )
        await conn.execute(
            """UPDATE subscriptions SET digest_after = ?
               WHERE platform = ? AND chat_id = ? AND delivery <> 'instant'""",
            (now, chat.platform, chat.chat_id),
        )


async def chat_timezone(db: Database, chat: ChatRef) -> str | None:
    name = await db.fetchval(
        "SELECT timezone FROM chat_zones WHERE platform = ? AND chat_id = ?",
        (chat.platform, chat.chat_id),
    )
    return str(name) if name is not None else None


async def move_chat(db: Database, old: ChatRef, new: ChatRef) -> int:
    """The chat has a new id (a Telegram group became a supergroup): its subscriptions (and
    with them their pending alerts and digests), settings and time zone follow; the old
    chat's settings win over anything stored for the new id."""
    async with db.transaction() as conn:
        moved = await conn.execute(
            "UPDATE subscriptions SET platform = ?, chat_id = ? WHERE platform = ? AND chat_id = ?",
            (new.platform, new.chat_id, old.platform, old.chat_id),
        )
        for table in ("chat_settings", "chat_zones"):
            await conn.execute(
                f"""DELETE FROM {table} WHERE platform = ? AND chat_id = ? AND EXISTS
                       (SELECT 1 FROM {table} WHERE platform = ? AND chat_id = ?)""",
                (new.platform, new.chat_id, old.platform, old.chat_id),
            )
            await conn.execute(
                f"UPDATE {table} SET platform = ?, chat_id = ? WHERE platform = ? AND chat_id = ?",
                (new.platform, new.chat_id, old.platform, old.chat_id),
            )
        return moved
