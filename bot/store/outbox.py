"""The outbox: one row per (posting, subscription), claimed by senders with a lease.

A row is `pending` until a sender claims it (`sending`, with `claimed_until`), then `sent`
with the platform's message id. A sender that dies mid-send leaves a `sending` row whose
lease expires, and the next drain claims it again: nothing written here is lost.

Claims are fenced. Each `claim` call writes a fresh token into the rows it takes and hands it
out on every `Deliverable` (`.claim`); `mark_sent`, `mark_failed`, `release` and `renew` change
only rows that are still `sending` under that token. A sender whose lease ran out while its
batch was slow (a long pause, a stalled platform) may find its rows claimed again by another
sender: its late `mark_sent` then changes nothing and says so in the log, instead of
overwriting the other sender's record. Senders renew their leases while a batch runs
(`renew`), so on a live sender the lease does not run out in the first place.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Literal

from bot.logs import ids
from bot.models import Alert, Deliverable, DigestAlert, Sighting, Subscription
from bot.serialize import posting_from_dict, verdict_from_dict
from bot.store import digests as digests_store
from bot.store import sightings as sightings_store
from bot.store import subscriptions as subscriptions_store
from bot.store.database import Connection, Database, Row

log = logging.getLogger("vigia.outbox")
LEASE_S = 120.0


def new_claim_token() -> str:
    return uuid.uuid4().hex


async def enqueue_many(
    conn: Connection, rows: Iterable[tuple[int, int, int]], *, now: float
) -> int:
    """Add (posting id, check id, subscription id) rows; returns how many were given.

    A row for a subscription that takes digests is `held` for its next digest
    (`bot.store.digests`) rather than `pending`."""
    values = [(posting_id, sub_id, check_id, now, sub_id) for posting_id, check_id, sub_id in rows]
    if not values:
        return 0
    await conn.executemany(
        """INSERT INTO outbox (posting_id, subscription_id, check_id, created_at, status)
           SELECT ?, ?, ?, ?, CASE WHEN delivery = 'instant' THEN 'pending' ELSE 'held' END
           FROM subscriptions WHERE id = ?
           ON CONFLICT (posting_id, subscription_id) DO NOTHING""",
        values,
    )
    return len(values)


#: Several senders on one database: a chat whose alerts another sender is sending (a live
#: claim) is left to it, so that one chat's alerts still go out one at a time, in order. The
#: claimer's own live claims (`own_claims`) do not count: it queues the chat's later rows
#: behind the ones it holds.
_CHAT_NOT_BUSY = """
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox AS busy
                      JOIN subscriptions AS busy_sub ON busy_sub.id = busy.subscription_id
                      WHERE busy.status = 'sending' AND busy.claimed_until >= ?
                        AND busy_sub.platform = subscriptions.platform
                        AND busy_sub.chat_id = subscriptions.chat_id{own})"""


#: A chat's alerts go out in the outbox's order: a row waits while an earlier row of the same
#: chat waits for its retry (after a 429 or a failed send), even when the later row itself is
#: due. Without this, an alert queued after a 429 was sent before the one the 429 held back.
_NO_EARLIER_WAITING = """
                  AND NOT EXISTS (
                      SELECT 1 FROM outbox AS earlier
                      JOIN subscriptions AS earlier_sub ON earlier_sub.id = earlier.subscription_id
                      WHERE earlier.id < outbox.id AND earlier.status = 'pending'
                        AND earlier.next_attempt_at > ? AND earlier_sub.paused = 0
                        AND earlier_sub.platform = subscriptions.platform
                        AND earlier_sub.chat_id = subscriptions.chat_id)"""


async def claim(
    db: Database,
    *,
    platforms: Iterable[str],
    limit: int,
    lease_s: float = LEASE_S,
    holder: str | None = None,
    own_claims: Collection[str] = (),
) -> list[Deliverable]:
    """Claim up to `limit` due rows of active subscriptions on these platforms, oldest first:
    alerts of one posting, and digest pages (`DigestAlert`). Every row of one call carries the
    same new claim token. `own_claims`: the caller's live claims, whose chats it may take
    more rows of (it sends them after the ones it holds).

    On PostgreSQL, several senders claim side by side: rows are locked `FOR UPDATE SKIP
    LOCKED`, claims take turns on a transaction lock (a claim is a few milliseconds, a batch
    is seconds of sending), and a chat another sender holds rows of is skipped, so its alerts
    keep their order. One SQLite process has one sender: its write lock is enough."""
    now = db.clock()
    token = new_claim_token()
    platform_list = sorted(set(platforms))
    marks = ",".join("?" for _ in platform_list)
    shared = db.dialect == "postgres"
    lock = " FOR UPDATE OF outbox SKIP LOCKED" if shared else ""
    own = sorted(own_claims) if shared else []
    own_marks = ",".join("?" for _ in own)
    not_busy = (
        _CHAT_NOT_BUSY.format(own=f" AND busy.claim_token NOT IN ({own_marks})" if own else "")
        if shared
        else ""
    )
    async with db.transaction() as conn:
        if shared:
            await conn.lock("outbox:claim")
        found = await conn.fetchall(
            f"""SELECT outbox.id FROM outbox
                JOIN subscriptions ON subscriptions.id = outbox.subscription_id
                WHERE subscriptions.paused = 0 AND subscriptions.platform IN ({marks})
                  AND ((outbox.status = 'pending' AND outbox.next_attempt_at <= ?)
                       OR (outbox.status = 'sending' AND outbox.claimed_until < ?))
                  {_NO_EARLIER_WAITING}{not_busy}
                ORDER BY outbox.id LIMIT ?{lock}""",
            (*platform_list, now, now, now, *((now, *own) if shared else ()), limit),
        )
        ids = [row[0] for row in found]
        if not ids:
            return []
        await mark_claimed(conn, "outbox", ids, until=now + lease_s, token=token, holder=holder)
        id_marks = ",".join("?" for _ in ids)
        rows = await conn.fetchall(
            f"""SELECT outbox.id, outbox.attempts, outbox.check_id, outbox.digest_id,
                       outbox.posting_id,
                       postings.data_json, checks.verdict_json, subscriptions.id AS sub_id,
                       subscriptions.platform, subscriptions.chat_id, subscriptions.filter_json,
                       subscriptions.language, subscriptions.delivery
                FROM outbox
                LEFT JOIN postings ON postings.id = outbox.posting_id
                LEFT JOIN checks ON checks.id = outbox.check_id
                JOIN subscriptions ON subscriptions.id = outbox.subscription_id
                WHERE outbox.id IN ({id_marks}) ORDER BY outbox.id""",
            ids,
        )
        pages = await digests_store.digests_by_id(
            conn, [row["digest_id"] for row in rows if row["digest_id"] is not None]
        )
        # An alert's posting is the first sighting of its job: the card lists them all.
        seen = await sightings_store.sightings_of(
            conn, [row["posting_id"] for row in rows if row["digest_id"] is None]
        )
    claimed: list[Deliverable] = []
    for row in rows:
        subscription = subscriptions_store.from_row(row, id_key="sub_id", paused=False)
        if row["digest_id"] is not None:  # a digest page: the postings it lists come along
            digest = pages[row["digest_id"]]
            claimed.append(
                DigestAlert(row["id"], subscription, digest, row["attempts"], claim=token)
            )
            continue
        claimed.append(
            claimed_alert(row, subscription, seen, claim=token, attempts=row["attempts"])
        )
    return claimed


#: The tables whose rows a sender claims, by the column that names a row.
_CLAIM_ID_COLUMNS: dict[Literal["outbox", "alert_edits"], str] = {
    "outbox": "id",
    "alert_edits": "outbox_id",
}


async def mark_claimed(
    conn: Connection,
    table: Literal["outbox", "alert_edits"],
    row_ids: Sequence[int],
    *,
    until: float,
    token: str,
    holder: str | None,
) -> None:
    """Take these rows of `table` (found due in this transaction) under one claim: `sending`,
    leased until `until`, fenced by `token`, held by worker `holder`."""
    marks = ",".join("?" for _ in row_ids)
    await conn.execute(
        f"""UPDATE {table} SET status = 'sending', claimed_until = ?, claim_token = ?,
                claimed_by = ?
            WHERE {_CLAIM_ID_COLUMNS[table]} IN ({marks})""",
        (until, token, holder, *row_ids),
    )


def claimed_alert(
    row: Row,
    subscription: Subscription,
    sightings: Mapping[int, Sequence[Sighting]],
    *,
    claim: str,
    attempts: int = 0,
) -> Alert:
    """The alert of a claimed outbox row that selected its posting's and check's JSON: with
    every place its job was seen (`sightings`, by posting id) and the claim's token."""
    return Alert(
        id=row["id"],
        posting=posting_from_dict(json.loads(row["data_json"])),
        verdict=verdict_from_dict(json.loads(row["verdict_json"])),
        subscription=subscription,
        check_id=row["check_id"],
        attempts=attempts,
        sightings=tuple(sightings.get(row["posting_id"], ())),
        claim=claim,
    )


async def renew(db: Database, claim: str, *, lease_s: float = LEASE_S) -> set[int]:
    """Extend the lease of every row still held under `claim`; returns their ids (a row of
    the claim that is missing was recorded already, or lost to another sender)."""
    async with db.transaction() as conn:
        await conn.execute(
            """UPDATE outbox SET claimed_until = ?
               WHERE claim_token = ? AND status = 'sending'""",
            (db.clock() + lease_s, claim),
        )
        rows = await conn.fetchall(
            "SELECT id FROM outbox WHERE claim_token = ? AND status = 'sending'", (claim,)
        )
    return {int(row[0]) for row in rows}


def _stale(what: str, alert_id: int) -> None:
    log.warning(
        "alert %d: its claim ran out and another sender holds it; not %s by this one",
        alert_id,
        what,
        extra=ids(alert=alert_id),
    )


async def mark_sent(db: Database, alert_id: int, message_id: str, *, claim: str) -> bool:
    """Record a delivery; False (and a log line) when `claim` no longer holds the row."""
    changed = await db.execute(
        """UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?, claimed_until = NULL,
               attempts = attempts + 1, last_error = NULL
           WHERE id = ? AND claim_token = ? AND status = 'sending'""",
        (message_id, db.clock(), alert_id, claim),
    )
    if not changed:
        _stale("marked sent", alert_id)
    return bool(changed)


async def mark_failed(db: Database, alert_id: int, reason: str, *, claim: str) -> bool:
    """A row the platform will never accept: kept with its reason, never claimed again."""
    changed = await db.execute(
        """UPDATE outbox SET status = 'failed', claimed_until = NULL, last_error = ?,
               attempts = attempts + 1
           WHERE id = ? AND claim_token = ? AND status = 'sending'""",
        (reason, alert_id, claim),
    )
    if not changed:
        _stale("marked failed", alert_id)
    return bool(changed)


async def release(
    db: Database,
    alert_ids: Iterable[int],
    *,
    claim: str,
    retry_at: float,
    error: str,
    count_attempt: bool,
) -> int:
    """Put rows still held under `claim` back to `pending`, due again at `retry_at`; returns
    how many were."""
    ids = list(alert_ids)
    if not ids:
        return 0
    marks = ",".join("?" for _ in ids)
    return await db.execute(
        f"""UPDATE outbox SET status = 'pending', claimed_until = NULL, next_attempt_at = ?,
                last_error = ?, attempts = attempts + ?
            WHERE id IN ({marks}) AND claim_token = ? AND status = 'sending'""",
        (retry_at, error, int(count_attempt), *ids, claim),
    )


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {row[0]: int(row[1]) for row in rows}


async def oldest_pending_at(db: Database) -> float | None:
    """When the oldest row waiting to be sent (pending or being sent) was written."""
    value = await db.fetchval(
        "SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'sending')"
    )
    return None if value is None else float(value)


async def prune(db: Database, *, before: float) -> int:
    """Forget alerts whose story ended before `before`; returns how many rows went.

    A bot that runs for months would otherwise keep every alert it ever sent. Only rows that
    will never be sent again go: sent, failed for good, or merged into another alert; a
    digest's postings go once their digest page is out of the way (its page rows are no
    longer waiting). Pending, held and claimed rows stay, however old (a paused chat's alerts
    wait for it). Their edits (`alert_edits`) go with them. The postings stay: they are what
    tells a job already alerted from a new one, so pruning never makes an alert repeat."""
    async with db.transaction() as conn:
        pruned = await conn.execute(
            """DELETE FROM outbox
               WHERE COALESCE(sent_at, created_at) < ? AND (
                   status IN ('sent', 'failed', 'merged')
                   OR (status = 'digested' AND NOT EXISTS (
                       SELECT 1 FROM outbox page
                       WHERE page.digest_id = outbox.digest_id AND page.posting_id IS NULL
                         AND page.status IN ('pending', 'sending'))))""",
            (before,),
        )
        await conn.execute(
            """DELETE FROM digests
               WHERE created_at < ?
                 AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.digest_id = digests.id)""",
            (before,),
        )
    return pruned
