"""Postings seen, and the checks (stored verdicts) that buttons and reports refer to."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.models import Posting, Verdict
from bot.serialize import posting_from_dict, posting_to_dict, verdict_from_dict, verdict_to_dict
from bot.store.database import Database


async def known_native_ids(db: Database, source: str) -> set[str]:
    async with db.conn.execute(
        "SELECT native_id FROM postings WHERE source = ?", (source,)
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def find_duplicate(conn: aiosqlite.Connection, posting: Posting) -> int | None:
    """The id of an earlier posting of the same job, if any: the same URL anywhere, or the
    same company, title and place on another board (one board may list twin openings)."""
    async with conn.execute(
        """SELECT id FROM postings
           WHERE (url = ? OR (fingerprint = ? AND source != ?)) AND duplicate_of IS NULL
           ORDER BY id LIMIT 1""",
        (posting.url, posting.fingerprint, posting.source),
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else None


async def insert_posting(
    conn: aiosqlite.Connection,
    posting: Posting,
    *,
    relevant: bool,
    duplicate_of: int | None,
    now: float,
) -> int:
    cursor = await conn.execute(
        """INSERT INTO postings (source, native_id, url, fingerprint, relevant, duplicate_of,
               data_json, first_seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            posting.source,
            posting.native_id,
            posting.url,
            posting.fingerprint,
            int(relevant),
            duplicate_of,
            json.dumps(posting_to_dict(posting)),
            now,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@dataclass(frozen=True, slots=True)
class StoredCheck:
    id: int
    subject: str  # what reports are keyed on: the canonical URL, or "text:<sha256>"
    url: str | None
    summary: str
    verdict: Verdict
    posting: Posting | None
    note: dict[str, Any] | None  # {"key": ..., "params": {...}} when the page could not be read


async def insert_check(
    conn: aiosqlite.Connection,
    *,
    subject: str,
    url: str | None,
    summary: str,
    verdict: Verdict,
    posting_id: int | None,
    note: dict[str, Any] | None,
    now: float,
) -> int:
    cursor = await conn.execute(
        """INSERT INTO checks
               (subject, url, summary, posting_id, verdict_json, note_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            subject,
            url,
            summary,
            posting_id,
            json.dumps(verdict_to_dict(verdict)),
            json.dumps(note) if note else None,
            now,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def get_check(db: Database, check_id: int) -> StoredCheck | None:
    async with db.conn.execute(
        """SELECT checks.*, postings.data_json AS posting_json FROM checks
           LEFT JOIN postings ON postings.id = checks.posting_id WHERE checks.id = ?""",
        (check_id,),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return StoredCheck(
        id=row["id"],
        subject=row["subject"],
        url=row["url"],
        summary=row["summary"],
        verdict=verdict_from_dict(json.loads(row["verdict_json"])),
        posting=posting_from_dict(json.loads(row["posting_json"])) if row["posting_json"] else None,
        note=json.loads(row["note_json"]) if row["note_json"] else None,
    )


async def recent_relevant(db: Database, *, limit: int) -> list[tuple[Posting, Verdict]]:
    """The newest relevant, distinct postings with their verdicts, newest first."""
    async with db.conn.execute(
        """SELECT postings.data_json, checks.verdict_json FROM postings
           JOIN checks ON checks.posting_id = postings.id
           WHERE postings.relevant = 1 AND postings.duplicate_of IS NULL
           ORDER BY postings.id DESC LIMIT ?""",
        (limit,),
    ) as cursor:
        rows: Iterable[aiosqlite.Row] = await cursor.fetchall()
    return [
        (posting_from_dict(json.loads(r[0])), verdict_from_dict(json.loads(r[1]))) for r in rows
    ]
