"""Postings seen, and the checks (stored verdicts) that buttons and reports refer to."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
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


MAX_BODY_CHARS = 20_000  # a check keeps this much of the text it scored
_CHUNK = 400  # bound parameters per query stay well under SQLite's limit


async def _next_id(conn: aiosqlite.Connection, table: str) -> int:
    """The next free id. Valid only inside a write transaction, which holds SQLite's lock."""
    async with conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def find_duplicates(
    conn: aiosqlite.Connection, postings: Sequence[Posting]
) -> list[int | None]:
    """For each posting, the id of an earlier posting of the same job, if any: the same URL
    anywhere, or the same company, title and place on another board (one board may list twin
    openings). Earlier postings of the same batch count too; their ids are the ones
    `insert_postings` will give them, so call both in one transaction."""
    by_url: dict[str, int] = {}
    by_fingerprint: dict[str, tuple[int, str]] = {}
    for start in range(0, len(postings), _CHUNK):
        chunk = postings[start : start + _CHUNK]
        urls = [p.url for p in chunk]
        prints = [p.fingerprint for p in chunk]
        marks_u, marks_f = ",".join("?" * len(urls)), ",".join("?" * len(prints))
        async with conn.execute(
            f"""SELECT id, url, fingerprint, source FROM postings
                WHERE duplicate_of IS NULL AND (url IN ({marks_u}) OR fingerprint IN ({marks_f}))
                ORDER BY id DESC""",
            (*urls, *prints),
        ) as cursor:
            for row in await cursor.fetchall():
                by_url[row["url"]] = row["id"]
                by_fingerprint[row["fingerprint"]] = (row["id"], row["source"])
    next_id = await _next_id(conn, "postings")
    found: list[int | None] = []
    for offset, posting in enumerate(postings):
        duplicate = by_url.get(posting.url)
        twin = by_fingerprint.get(posting.fingerprint)
        if duplicate is None and twin is not None and twin[1] != posting.source:
            duplicate = twin[0]
        found.append(duplicate)
        if duplicate is None:
            own_id = next_id + offset
            by_url.setdefault(posting.url, own_id)
            by_fingerprint.setdefault(posting.fingerprint, (own_id, posting.source))
    return found


async def insert_postings(
    conn: aiosqlite.Connection,
    rows: Sequence[tuple[Posting, bool, int | None]],
    *,
    now: float,
) -> list[int]:
    """Insert (posting, relevant, duplicate_of) rows in one statement; returns their ids."""
    first_id = await _next_id(conn, "postings")
    ids = list(range(first_id, first_id + len(rows)))
    await conn.executemany(
        """INSERT INTO postings (id, source, native_id, url, fingerprint, relevant, duplicate_of,
               data_json, first_seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                posting_id,
                posting.source,
                posting.native_id,
                posting.url,
                posting.fingerprint,
                int(relevant),
                duplicate_of,
                json.dumps(posting_to_dict(posting)),
                now,
            )
            for posting_id, (posting, relevant, duplicate_of) in zip(ids, rows, strict=True)
        ],
    )
    return ids


async def insert_posting_checks(
    conn: aiosqlite.Connection,
    rows: Sequence[tuple[int, Posting, Verdict]],
    *,
    now: float,
) -> list[int]:
    """One stored check per (posting id, posting, verdict): what alert buttons refer to."""
    first_id = await _next_id(conn, "checks")
    ids = list(range(first_id, first_id + len(rows)))
    await conn.executemany(
        """INSERT INTO checks (id, subject, url, summary, posting_id, verdict_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                check_id,
                posting.url,
                posting.url,
                posting.title,
                posting_id,
                json.dumps(verdict_to_dict(verdict)),
                now,
            )
            for check_id, (posting_id, posting, verdict) in zip(ids, rows, strict=True)
        ],
    )
    return ids


@dataclass(frozen=True, slots=True)
class StoredCheck:
    id: int
    subject: str  # what reports are keyed on: the canonical URL, or "text:<sha256>"
    url: str | None
    summary: str
    verdict: Verdict
    posting: Posting | None
    note: dict[str, Any] | None  # the translated "could not be read" note, per language
    body: str  # the text that was scored (capped), for scripts confirmed from reports


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
    body: str = "",
) -> int:
    cursor = await conn.execute(
        """INSERT INTO checks
               (subject, url, summary, posting_id, verdict_json, note_json, created_at, body)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            subject,
            url,
            summary,
            posting_id,
            json.dumps(verdict_to_dict(verdict)),
            json.dumps(note) if note else None,
            now,
            body[:MAX_BODY_CHARS],
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def get_check(db: Database, check_id: int) -> StoredCheck | None:
    async with db.conn.execute(
        """SELECT checks.*, postings.data_json AS posting_json,
               json_extract(postings.data_json, '$.description') AS posting_body FROM checks
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
        body=row["body"] or (row["posting_body"] or ""),
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
