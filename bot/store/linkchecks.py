"""The link-check cache: one report per canonical URL, reused while it is fresh.

Table (created by the migrations):
`link_checks(canonical_url TEXT PRIMARY KEY, checked_at REAL NOT NULL, report_json TEXT NOT NULL)`.

Only reports of pages that were actually read are stored (the caller decides), so a link that
was down is tried again on the next request. Times are seconds since the epoch, passed in by
the caller so that tests control the clock.

The functions take either the store's `Database` (writes then go through its transaction
lock, so a cache write never lands inside another task's open transaction) or a bare
aiosqlite connection (reads, and writes committed here unless the connection autocommits).
"""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.store.database import Database

CacheDb = Database | aiosqlite.Connection

_UPSERT = (
    "INSERT INTO link_checks (canonical_url, checked_at, report_json) VALUES (?, ?, ?) "
    "ON CONFLICT(canonical_url) DO UPDATE SET "
    "checked_at = excluded.checked_at, report_json = excluded.report_json"
)


def _connection(db: CacheDb) -> aiosqlite.Connection:
    return db.conn if isinstance(db, Database) else db


async def get_cached(
    db: CacheDb, canonical_url: str, *, max_age_s: float, now: float
) -> dict[str, Any] | None:
    """The stored report for this URL if it is at most `max_age_s` old, else None.

    A row that no longer parses (written by an older version) counts as a miss.
    """
    async with _connection(db).execute(
        "SELECT checked_at, report_json FROM link_checks WHERE canonical_url = ?",
        (canonical_url,),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    checked_at, report_json = float(row[0]), str(row[1])
    if now - checked_at > max_age_s or checked_at > now:
        return None
    try:
        report = json.loads(report_json)
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


async def put_cached(
    db: CacheDb, canonical_url: str, report: dict[str, Any], *, now: float
) -> None:
    """Store (or replace) the report for this URL, stamped `now`."""
    params = (canonical_url, now, json.dumps(report, ensure_ascii=False, separators=(",", ":")))
    if isinstance(db, Database):
        async with db.transaction() as conn:
            await conn.execute(_UPSERT, params)
        return
    await db.execute(_UPSERT, params)
    if db.isolation_level is not None:  # autocommit connections have nothing to commit
        await db.commit()


async def prune(db: CacheDb, *, max_age_s: float, now: float) -> int:
    """Drop reports older than `max_age_s`; the number dropped. For housekeeping jobs."""
    statement = "DELETE FROM link_checks WHERE checked_at < ?"
    if isinstance(db, Database):
        async with db.transaction() as conn:
            cursor = await conn.execute(statement, (now - max_age_s,))
            return cursor.rowcount
    cursor = await db.execute(statement, (now - max_age_s,))
    if db.isolation_level is not None:
        await db.commit()
    return cursor.rowcount
