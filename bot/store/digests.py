"""Digests in the store: what a digest subscription has gathered, and its pages in the outbox.

A posting for a subscription that takes digests enters the outbox `held` (see
`outbox.enqueue_many`) instead of `pending`, so no drain sends it. When the digest is due, in
one transaction: held postings that already reach the chat another way (an instant
subscription of the same chat, another digest) become `merged` and are left out; the rest are
cut into pages; each page is a `digests` row plus one `pending` outbox row with no posting of
its own, which the drain sends like any alert; the postings it lists become `digested` and
point at it. A page whose send fails is retried as a whole by the drain, and a page that was
sent is never sent again, so a digest keeps the outbox's guarantees.

Times are seconds since the epoch, from the caller's clock (tests move it by hand).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import ChatRef, Digest, DigestEntry
from bot.serialize import posting_from_dict, verdict_from_dict
from bot.store.database import Connection, Database

__all__ = [
    "DigestCandidate",
    "HeldPosting",
    "candidates",
    "digests_by_id",
    "held_postings",
    "merge_reached",
    "save_pages",
]

#: Outbox statuses of a posting that reaches (or reached, or will reach) its chat by itself
#: or in a digest page: a held copy of it elsewhere in the same chat is left out.
REACHING = ("pending", "sending", "sent", "failed", "digested")


@dataclass(frozen=True, slots=True)
class DigestCandidate:
    """A subscription that may owe its chat a digest, with what deciding that needs."""

    subscription_id: int
    chat: ChatRef
    language: str
    delivery: str
    digest_after: float | None
    digest_since: float | None
    timezone: str | None
    has_held: bool


@dataclass(frozen=True, slots=True)
class HeldPosting:
    outbox_id: int
    entry: DigestEntry


async def candidates(
    db: Database | Connection, subscription_id: int | None = None
) -> list[DigestCandidate]:
    """Active subscriptions that take digests, and instant ones still holding postings from
    before they switched (owed one last digest); only `subscription_id` when given."""
    only = "" if subscription_id is None else " AND s.id = ?"
    rows = await db.fetchall(
        f"""SELECT s.id, s.platform, s.chat_id, s.language, s.delivery, s.digest_after,
                  s.digest_since, z.timezone,
                  EXISTS (SELECT 1 FROM outbox o
                          WHERE o.subscription_id = s.id AND o.status = 'held') AS has_held
           FROM subscriptions s
           LEFT JOIN chat_zones z ON z.platform = s.platform AND z.chat_id = s.chat_id
           WHERE s.paused = 0 AND (s.delivery <> 'instant' OR EXISTS
                 (SELECT 1 FROM outbox o WHERE o.subscription_id = s.id AND o.status = 'held'))
           {only}
           ORDER BY s.id""",
        () if subscription_id is None else (subscription_id,),
    )
    return [
        DigestCandidate(
            subscription_id=int(row[0]),
            chat=ChatRef(row[1], row[2]),
            language=row[3],
            delivery=row[4],
            digest_after=None if row[5] is None else float(row[5]),
            digest_since=None if row[6] is None else float(row[6]),
            timezone=row[7],
            has_held=bool(row[8]),
        )
        for row in rows
    ]


async def merge_reached(conn: Connection, subscription_id: int, chat: ChatRef) -> int:
    """Leave out of this subscription's digest the held postings that reach the chat another
    way: a posting reaches a chat once. Returns how many were left out."""
    marks = ",".join("?" for _ in REACHING)
    return await conn.execute(
        f"""UPDATE outbox SET status = 'merged'
            WHERE subscription_id = ? AND status = 'held' AND EXISTS (
                SELECT 1 FROM outbox other
                JOIN subscriptions s ON s.id = other.subscription_id
                WHERE other.posting_id = outbox.posting_id AND other.id <> outbox.id
                  AND s.platform = ? AND s.chat_id = ? AND other.status IN ({marks}))""",
        (subscription_id, chat.platform, chat.chat_id, *REACHING),
    )


async def held_postings(conn: Connection, subscription_id: int) -> list[HeldPosting]:
    """What the subscription has gathered for its next digest, oldest first."""
    rows = await conn.fetchall(
        """SELECT outbox.id, outbox.created_at, postings.data_json, checks.verdict_json,
                  sources.kind
           FROM outbox
           JOIN postings ON postings.id = outbox.posting_id
           JOIN checks ON checks.id = outbox.check_id
           LEFT JOIN sources ON sources.name = postings.source
           WHERE outbox.subscription_id = ? AND outbox.status = 'held'
           ORDER BY outbox.id""",
        (subscription_id,),
    )
    return [
        HeldPosting(
            int(row[0]),
            DigestEntry(
                posting=posting_from_dict(json.loads(row[2])),
                verdict=verdict_from_dict(json.loads(row[3])),
                seen_at=float(row[1]),
                kind=row[4],
            ),
        )
        for row in rows
    ]


async def save_pages(
    conn: Connection,
    *,
    subscription_id: int,
    digest: Digest,
    pages: Sequence[Sequence[int]],
    now: float,
) -> list[int]:
    """Store a digest cut into `pages` (each a list of held outbox ids): one `digests` row and
    one pending outbox row per page, its postings `digested` and pointing at it. Returns the
    digests' ids, in page order."""
    ids: list[int] = []
    for number, members in enumerate(pages, start=1):
        digest_id = int(
            await conn.fetchval(
                """INSERT INTO digests (subscription_id, delivery, timezone, since_at, slot_at,
                       page, pages, total, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (
                    subscription_id,
                    digest.delivery,
                    digest.timezone,
                    digest.since_at,
                    digest.slot_at,
                    number,
                    len(pages),
                    digest.total,
                    now,
                ),
            )
        )
        await conn.execute(
            """INSERT INTO outbox (subscription_id, digest_id, status, created_at)
               VALUES (?, ?, 'pending', ?)""",
            (subscription_id, digest_id, now),
        )
        if members:
            marks = ",".join("?" for _ in members)
            await conn.execute(
                f"""UPDATE outbox SET status = 'digested', digest_id = ?
                    WHERE id IN ({marks}) AND status = 'held'""",
                (digest_id, *members),
            )
        ids.append(digest_id)
    return ids


async def close_period(
    conn: Connection, subscription_id: int, *, slot_at: float, since_at: float | None = None
) -> None:
    """The digest for `slot_at` is made (or there was nothing to make): no slot up to it is
    due again, and the next digest lists what comes from `since_at` (default: the slot)."""
    await conn.execute(
        "UPDATE subscriptions SET digest_after = ?, digest_since = ? WHERE id = ?",
        (slot_at, slot_at if since_at is None else since_at, subscription_id),
    )


async def digests_by_id(db: Database | Connection, digest_ids: Sequence[int]) -> dict[int, Digest]:
    """The digest pages behind claimed outbox rows, each with the postings it lists."""
    if not digest_ids:
        return {}
    marks = ",".join("?" for _ in digest_ids)
    heads = await db.fetchall(
        f"""SELECT id, delivery, timezone, since_at, slot_at, page, pages, total
            FROM digests WHERE id IN ({marks})""",
        tuple(digest_ids),
    )
    members = await db.fetchall(
        f"""SELECT outbox.digest_id, outbox.created_at, postings.data_json, checks.verdict_json,
                   sources.kind
            FROM outbox
            JOIN postings ON postings.id = outbox.posting_id
            JOIN checks ON checks.id = outbox.check_id
            LEFT JOIN sources ON sources.name = postings.source
            WHERE outbox.digest_id IN ({marks}) AND outbox.posting_id IS NOT NULL
            ORDER BY outbox.id""",
        tuple(digest_ids),
    )
    entries: dict[int, list[DigestEntry]] = {}
    for row in members:
        entries.setdefault(int(row[0]), []).append(
            DigestEntry(
                posting=posting_from_dict(json.loads(row[2])),
                verdict=verdict_from_dict(json.loads(row[3])),
                seen_at=float(row[1]),
                kind=row[4],
            )
        )
    return {
        int(row[0]): Digest(
            delivery=row[1],
            timezone=row[2],
            since_at=float(row[3]),
            slot_at=float(row[4]),
            page=int(row[5]),
            pages=int(row[6]),
            total=int(row[7]),
            entries=tuple(sorted(entries.get(int(row[0]), ()), key=lambda e: e.order)),
        )
        for row in heads
    }
