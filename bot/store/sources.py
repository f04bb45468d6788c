"""Per-source poll state: validators for conditional GET, health, the backoff schedule, and
which worker holds a source's poll (`claim_due`) when several share the database."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from bot.store.database import Connection, Database, Row


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    last_poll_at: float | None = None
    last_status: str | None = None
    consecutive_failures: int = 0
    next_poll_at: float | None = None
    postings_seen: int = 0
    first_poll_done: bool = False
    claimed_by: str | None = None
    claimed_until: float | None = None
    #: The short reason of the last failure ("http:503", "timeout"; `bot.polling.health`).
    failure_reason: str | None = None
    #: When the source was disabled for failing too often; None while it is polled.
    disabled_at: float | None = None


def _row(row: Row) -> SourceRow:
    return SourceRow(
        name=row["name"],
        kind=row["kind"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_sha256=row["body_sha256"],
        last_poll_at=row["last_poll_at"],
        last_status=row["last_status"],
        consecutive_failures=row["consecutive_failures"],
        next_poll_at=row["next_poll_at"],
        postings_seen=row["postings_seen"],
        first_poll_done=bool(row["first_poll_done"]),
        claimed_by=row["claimed_by"],
        claimed_until=row["claimed_until"],
        failure_reason=row["failure_reason"],
        disabled_at=row["disabled_at"],
    )


async def ensure_source(db: Database, name: str, kind: str) -> None:
    await db.execute(
        "INSERT INTO sources (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, kind)
    )


async def ensure_sources(db: Database, sources: list[tuple[str, str]]) -> None:
    """Rows for every (name, kind) not stored yet, in one statement (a start with 10,000)."""
    if sources:
        await db.write_many(
            "INSERT INTO sources (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", sources
        )


async def get_source(db: Database, name: str) -> SourceRow | None:
    row = await db.fetchone("SELECT * FROM sources WHERE name = ?", (name,))
    return _row(row) if row else None


async def list_sources(db: Database) -> list[SourceRow]:
    return [_row(row) for row in await db.fetchall("SELECT * FROM sources ORDER BY name")]


@dataclass(frozen=True, slots=True)
class Success:
    """A poll whose postings were stored: its validators and health, and how many were new."""

    name: str
    status: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    next_poll_at: float
    new_postings: int


async def record_success(
    conn: Connection,
    name: str,
    *,
    status: str,
    etag: str | None,
    last_modified: str | None,
    body_sha256: str | None,
    now: float,
    next_poll_at: float,
    new_postings: int,
) -> None:
    """Called inside the poll's transaction, so validators move only with the postings."""
    await record_successes(
        conn,
        [Success(name, status, etag, last_modified, body_sha256, next_poll_at, new_postings)],
        now=now,
    )


async def record_successes(conn: Connection, polls: Sequence[Success], *, now: float) -> None:
    """`record_success` for several polls written in one transaction, in one statement (one
    round trip to the database instead of one a poll)."""
    if not polls:
        return
    await conn.executemany(
        """UPDATE sources SET etag = ?, last_modified = ?, body_sha256 = ?, last_poll_at = ?,
               last_status = ?, consecutive_failures = 0, next_poll_at = ?,
               postings_seen = postings_seen + ?, first_poll_done = 1,
               claimed_by = NULL, claimed_until = NULL
           WHERE name = ?""",
        [
            (
                p.etag,
                p.last_modified,
                p.body_sha256,
                now,
                p.status,
                p.next_poll_at,
                p.new_postings,
                p.name,
            )
            for p in polls
        ],
    )


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A poll that found nothing new (304, or the same body)."""

    name: str
    status: str
    now: float
    next_poll_at: float


async def record_unchanged(db: Database, polls: list[Unchanged]) -> None:
    """Only the health columns move; many polls in one statement."""
    await db.write_many(
        """UPDATE sources SET last_poll_at = ?, last_status = ?, consecutive_failures = 0,
               next_poll_at = ?, first_poll_done = 1, claimed_by = NULL, claimed_until = NULL
           WHERE name = ?""",
        [(p.now, p.status, p.next_poll_at, p.name) for p in polls],
    )


async def record_failure(
    db: Database,
    name: str,
    *,
    status: str,
    reason: str,
    now: float,
    next_poll_at: float,
    disable_after: int = 0,
) -> tuple[int, bool]:
    """Count one more failure, and disable the source when it reaches `disable_after` in a
    row (0: never); returns the new consecutive-failure count and whether it is disabled."""
    async with db.transaction() as conn:
        row = await conn.fetchone(
            """UPDATE sources SET last_poll_at = ?, last_status = ?, next_poll_at = ?,
                   consecutive_failures = consecutive_failures + 1, failure_reason = ?,
                   disabled_at = CASE
                       WHEN ? > 0 AND consecutive_failures + 1 >= ? THEN COALESCE(disabled_at, ?)
                       ELSE disabled_at END,
                   claimed_by = NULL, claimed_until = NULL
               WHERE name = ? RETURNING consecutive_failures, disabled_at""",
            (now, status, next_poll_at, reason, disable_after, disable_after, now, name),
        )
    if row is None:
        return 0, False
    return int(row[0]), row[1] is not None


async def enable(db: Database, name: str) -> bool:
    """Poll a disabled source again, at once and with a clean count; False when no source
    of that name is stored."""
    changed = await db.write(
        """UPDATE sources SET disabled_at = NULL, consecutive_failures = 0, next_poll_at = NULL
           WHERE name = ?""",
        (name,),
    )
    return changed > 0


async def claim_due(
    db: Database,
    names: Sequence[str],
    *,
    worker: str,
    lease_s: float,
    limit: int,
) -> list[SourceRow]:
    """Claim up to `limit` of these sources whose poll is due, oldest due first, for `worker`.

    Claiming moves the source's `next_poll_at` one lease ahead (and names the worker), so no
    other worker sees it due until the poll records its real next time, or, if this worker
    dies first, until the lease ends: then the source is due again and another worker takes
    it over. On PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`, so workers
    claiming at the same moment take different sources instead of waiting on each other; on
    SQLite the write transaction already excludes every other writer.

    The rows come back as they were before the claim (with the due time the poll was meant
    for), plus the claim."""
    if not names or limit <= 0:
        return []
    now = db.clock()
    until = now + lease_s
    param: object
    if db.dialect == "postgres":
        among, param = "name = ANY(?::text[])", list(names)
        lock = " FOR UPDATE SKIP LOCKED"
    else:
        among, param = "name IN (SELECT value FROM json_each(?))", json.dumps(list(names))
        lock = ""
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            f"""SELECT * FROM sources
                WHERE {among} AND disabled_at IS NULL
                  AND (next_poll_at IS NULL OR next_poll_at <= ?)
                ORDER BY next_poll_at NULLS FIRST, name LIMIT ?{lock}""",
            (param, now, limit),
        )
        if not rows:
            return []
        claimed = [_row(row) for row in rows]
        taken = [row.name for row in claimed]
        await conn.execute(
            f"""UPDATE sources SET next_poll_at = ?, claimed_by = ?, claimed_until = ?
                WHERE {among}""",
            (until, worker, until, taken if db.dialect == "postgres" else json.dumps(taken)),
        )
    return [dataclasses.replace(row, claimed_by=worker, claimed_until=until) for row in claimed]


async def renew_claims(db: Database, names: Sequence[str], *, worker: str, lease_s: float) -> int:
    """Move the lease of `worker`'s claims on these sources on (polls still in progress);
    a source whose poll has recorded its next time is no longer claimed and stays as it is.
    Returns how many claims were renewed."""
    if not names:
        return 0
    until = db.clock() + lease_s
    if db.dialect == "postgres":
        among, param = "name = ANY(?::text[])", cast(object, list(names))
    else:
        among, param = "name IN (SELECT value FROM json_each(?))", json.dumps(list(names))
    return await db.execute(
        f"""UPDATE sources SET next_poll_at = ?, claimed_until = ?
            WHERE {among} AND claimed_by = ?""",
        (until, until, param, worker),
    )
