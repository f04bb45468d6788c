"""Postings seen, and the checks (stored verdicts) that buttons and reports refer to."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import Posting, Verdict
from bot.serialize import posting_from_dict, posting_to_dict, verdict_from_dict, verdict_to_dict
from bot.store.database import Connection, Database


async def known_native_ids(db: Database, source: str) -> set[str]:
    rows = await db.fetchall("SELECT native_id FROM postings WHERE source = ?", (source,))
    return {row[0] for row in rows}


MAX_BODY_CHARS = 20_000  # a check keeps this much of the text it scored
_INSERT_CHUNK = 500  # rows per insert: about 20 ms of building them on the event loop


async def insert_postings(
    conn: Connection,
    rows: Sequence[tuple[Posting, bool, int | None]],
    *,
    now: float,
) -> list[int]:
    """Insert (posting, relevant, duplicate_of) rows in one statement; returns their ids.
    A `duplicate_of` that is a `batch_ref` (`bot.store.sightings`) becomes the id of that
    row of the batch."""
    ids = await conn.allocate_ids("postings", len(rows))

    def resolved(duplicate_of: int | None) -> int | None:
        if duplicate_of is not None and duplicate_of < 0:
            return ids[-duplicate_of - 1]
        return duplicate_of

    # Built and sent a chunk at a time: a poll of 20,000 new postings would otherwise hold
    # the event loop for the whole list (it yields at each chunk's round trip).
    for start in range(0, len(rows), _INSERT_CHUNK):
        await conn.executemany(
            """INSERT INTO postings (id, source, native_id, url, fingerprint, relevant,
                   duplicate_of, data_json, first_seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    posting_id,
                    posting.source,
                    posting.native_id,
                    posting.url,
                    posting.fingerprint,
                    int(relevant),
                    resolved(duplicate_of),
                    json.dumps(posting_to_dict(posting)),
                    now,
                )
                for posting_id, (posting, relevant, duplicate_of) in zip(
                    ids[start : start + _INSERT_CHUNK],
                    rows[start : start + _INSERT_CHUNK],
                    strict=True,
                )
            ],
        )
    return ids


async def insert_posting_checks(
    conn: Connection,
    rows: Sequence[tuple[int, Posting, Verdict]],
    *,
    now: float,
) -> list[int]:
    """One stored check per (posting id, posting, verdict): what alert buttons refer to."""
    ids = await conn.allocate_ids("checks", len(rows))
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
    conn: Connection,
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
    check_id = await conn.fetchval(
        """INSERT INTO checks
               (subject, url, summary, posting_id, verdict_json, note_json, created_at, body)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
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
    assert check_id is not None
    return int(check_id)


async def get_check(db: Database, check_id: int) -> StoredCheck | None:
    row = await db.fetchone(
        """SELECT checks.*, postings.data_json AS posting_json FROM checks
           LEFT JOIN postings ON postings.id = checks.posting_id WHERE checks.id = ?""",
        (check_id,),
    )
    if row is None:
        return None
    posting = posting_from_dict(json.loads(row["posting_json"])) if row["posting_json"] else None
    return StoredCheck(
        id=row["id"],
        subject=row["subject"],
        url=row["url"],
        summary=row["summary"],
        verdict=verdict_from_dict(json.loads(row["verdict_json"])),
        posting=posting,
        note=json.loads(row["note_json"]) if row["note_json"] else None,
        body=row["body"] or (posting.description if posting is not None else ""),
    )


async def recent_relevant(db: Database, *, limit: int) -> list[tuple[Posting, Verdict]]:
    """The newest relevant, distinct postings with their verdicts, newest first."""
    rows = await db.fetchall(
        """SELECT postings.data_json, checks.verdict_json FROM postings
           JOIN checks ON checks.posting_id = postings.id
           WHERE postings.relevant = 1 AND postings.duplicate_of IS NULL
           ORDER BY postings.id DESC LIMIT ?""",
        (limit,),
    )
    return [
        (posting_from_dict(json.loads(r[0])), verdict_from_dict(json.loads(r[1]))) for r in rows
    ]
