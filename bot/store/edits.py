"""Edits of sent alerts: a job seen in another place after its alert went out.

An alert's card lists every place its job was seen (`bot.store.sightings`). When a new
sighting arrives after the alert was sent, the message on the platform is out of date: one
row here per sent alert asks for it to be drawn again, where the platform can edit a message
(Discord, Telegram; a terminal cannot, and gets nothing).

`wanted` counts the changes asked for and `done` the ones the last recorded edit took in, so
several sightings before the next drain are one edit, and a sighting that arrives while an
edit is on the wire asks for one more after it. Edits are claimed and fenced like outbox rows
(a token, a lease, only the holder records); an edit sent twice (its sender died before
recording it) draws the same card twice, which a reader cannot tell from once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from bot.logs import ids as log_ids
from bot.models import AlertEdit
from bot.store import sightings as sightings_store
from bot.store import subscriptions as subscriptions_store
from bot.store.database import Connection, Database, chunked
from bot.store.outbox import LEASE_S, claimed_alert, mark_claimed, new_claim_token

__all__ = ["claim", "counts", "mark_edited", "mark_failed", "queue_for_jobs", "release"]

log = logging.getLogger("vigia.outbox")


async def queue_for_jobs(
    conn: Connection, job_ids: Iterable[int], *, platforms: Sequence[str], now: float
) -> int:
    """Ask for an edit of every alert of these jobs that went out (or is going out) to a chat
    on `platforms`; returns how many alerts were asked. An alert still waiting to be sent
    needs none: its card is drawn when it is sent."""
    jobs = sorted(set(job_ids))
    if not jobs or not platforms:
        return 0
    platform_marks = ",".join("?" for _ in platforms)
    asked = 0
    for chunk in chunked(jobs):
        asked += await conn.execute(
            f"""INSERT INTO alert_edits (outbox_id, wanted, done, status, next_attempt_at,
                    created_at)
                SELECT outbox.id, 1, 0, 'pending', ?, ? FROM outbox
                JOIN subscriptions ON subscriptions.id = outbox.subscription_id
                WHERE outbox.posting_id IN ({",".join("?" for _ in chunk)})
                  AND outbox.digest_id IS NULL AND outbox.status IN ('sent', 'sending')
                  AND subscriptions.platform IN ({platform_marks})
                ON CONFLICT (outbox_id) DO UPDATE SET
                    wanted = alert_edits.wanted + 1,
                    status = CASE WHEN alert_edits.status = 'done' THEN 'pending'
                                  ELSE alert_edits.status END,
                    next_attempt_at = CASE WHEN alert_edits.status = 'done'
                                           THEN excluded.next_attempt_at
                                           ELSE alert_edits.next_attempt_at END""",
            (now, now, *chunk, *platforms),
        )
    return asked


async def claim(
    db: Database,
    *,
    platforms: Iterable[str],
    limit: int,
    lease_s: float = LEASE_S,
    holder: str | None = None,
) -> list[AlertEdit]:
    """Claim up to `limit` due edits of sent alerts of active subscriptions on `platforms`,
    oldest alert first, each with its alert drawn from the store as it is now."""
    platform_list = sorted(set(platforms))
    if not platform_list:
        return []
    now = db.clock()
    token = new_claim_token()
    marks = ",".join("?" for _ in platform_list)
    shared = db.dialect == "postgres"
    lock = " FOR UPDATE OF alert_edits SKIP LOCKED" if shared else ""
    async with db.transaction() as conn:
        found = await conn.fetchall(
            f"""SELECT alert_edits.outbox_id FROM alert_edits
                JOIN outbox ON outbox.id = alert_edits.outbox_id
                JOIN subscriptions ON subscriptions.id = outbox.subscription_id
                WHERE subscriptions.paused = 0 AND subscriptions.platform IN ({marks})
                  AND outbox.status = 'sent' AND outbox.message_id IS NOT NULL
                  AND ((alert_edits.status = 'pending' AND alert_edits.next_attempt_at <= ?)
                       OR (alert_edits.status = 'sending' AND alert_edits.claimed_until < ?))
                ORDER BY alert_edits.outbox_id LIMIT ?{lock}""",
            (*platform_list, now, now, limit),
        )
        ids = [int(row[0]) for row in found]
        if not ids:
            return []
        await mark_claimed(
            conn, "alert_edits", ids, until=now + lease_s, token=token, holder=holder
        )
        id_marks = ",".join("?" for _ in ids)
        rows = await conn.fetchall(
            f"""SELECT outbox.id, outbox.message_id, outbox.check_id, outbox.posting_id,
                       alert_edits.wanted, alert_edits.attempts,
                       postings.data_json, checks.verdict_json, subscriptions.id AS sub_id,
                       subscriptions.platform, subscriptions.chat_id, subscriptions.filter_json,
                       subscriptions.language, subscriptions.delivery
                FROM alert_edits
                JOIN outbox ON outbox.id = alert_edits.outbox_id
                JOIN postings ON postings.id = outbox.posting_id
                JOIN checks ON checks.id = outbox.check_id
                JOIN subscriptions ON subscriptions.id = outbox.subscription_id
                WHERE alert_edits.outbox_id IN ({id_marks}) ORDER BY outbox.id""",
            ids,
        )
        seen = await sightings_store.sightings_of(conn, [row["posting_id"] for row in rows])
    edits = []
    for row in rows:
        subscription = subscriptions_store.from_row(row, id_key="sub_id", paused=False)
        alert = claimed_alert(row, subscription, seen, claim=token)
        edits.append(
            AlertEdit(
                alert, str(row["message_id"]), int(row["wanted"]), int(row["attempts"]), token
            )
        )
    return edits


async def mark_edited(db: Database, edit: AlertEdit) -> bool:
    """Record an edit that went out: done, unless more was asked for meanwhile (then due
    again at once). False (and a log line) when the claim no longer holds it."""
    changed = await db.execute(
        """UPDATE alert_edits SET
               status = CASE WHEN wanted > ? THEN 'pending' ELSE 'done' END,
               done = ?, edited_at = ?, next_attempt_at = ?, claimed_until = NULL,
               attempts = 0, last_error = NULL
           WHERE outbox_id = ? AND claim_token = ? AND status = 'sending'""",
        (edit.covers, edit.covers, db.clock(), db.clock(), edit.alert.id, edit.claim),
    )
    if not changed:
        log.warning(
            "edit of alert %d: its claim ran out and another sender holds it",
            edit.alert.id,
            extra=log_ids(alert=edit.alert.id, chat=edit.alert.subscription.chat),
        )
    return bool(changed)


async def mark_failed(db: Database, edit: AlertEdit, reason: str) -> bool:
    """An edit the platform will never take (the message was deleted, the chat moved): given
    up, with its reason; the alert itself stays as it was sent."""
    changed = await db.execute(
        """UPDATE alert_edits SET status = 'failed', last_error = ?, claimed_until = NULL,
               attempts = attempts + 1
           WHERE outbox_id = ? AND claim_token = ? AND status = 'sending'""",
        (reason[:300], edit.alert.id, edit.claim),
    )
    return bool(changed)


async def release(
    db: Database,
    edits: Iterable[AlertEdit],
    *,
    retry_at: float,
    error: str,
    count_attempt: bool = False,
) -> int:
    """Hand edits still held under their claim back, due again at `retry_at`."""
    handed = 0
    for edit in edits:
        handed += await db.execute(
            """UPDATE alert_edits SET status = 'pending', claimed_until = NULL,
                   next_attempt_at = ?, last_error = ?, attempts = attempts + ?
               WHERE outbox_id = ? AND claim_token = ? AND status = 'sending'""",
            (retry_at, error[:300], int(count_attempt), edit.alert.id, edit.claim),
        )
    return handed


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) FROM alert_edits GROUP BY status")
    return {row[0]: int(row[1]) for row in rows}
