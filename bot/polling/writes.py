"""What polls learn, written to the store several polls per transaction (group commit).

A poll of a 5-posting board is a dozen statements (duplicates, postings, checks, outbox, the
source's row), each a round trip to the database thread, plus BEGIN and COMMIT. With 10,000
boards the write lock, not the CPU, set the pace. Polls that finish while a transaction runs
wait for it and are then written together: one transaction, one lookup of the
subscriptions, one duplicate query and one insert per table for all of them.

Each poll is still all-or-nothing: if a batch fails, its polls are written again one by one,
so one poll's bad row does not cost the others theirs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.delivery.outcomes import EDITABLE_PLATFORMS
from bot.models import Posting, Verdict
from bot.postings.matching import Matcher
from bot.postings.sameness import JobKeys, job_keys
from bot.store import Connection, Database
from bot.store import edits as edits_store
from bot.store import outbox as outbox_store
from bot.store import postings as postings_store
from bot.store import sightings as sightings_store
from bot.store import sources as sources_store
from bot.store import subscriptions as subscriptions_store

__all__ = ["GroupWriter", "PollWrite", "Written", "write_polls"]

#: Most polls written in one transaction: keeps a transaction (and the lock) short.
MAX_BATCH = 64
#: How long a job's sightings are kept after it was last seen (`polling.sightings_horizon_days`).
DEFAULT_HORIZON_S = 60 * 86_400.0

T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class PollWrite:
    """One successful poll's new postings (with relevance and verdicts) and source state."""

    source: str
    scored: list[tuple[Posting, bool]]  # (posting, relevant), new postings only
    verdicts: dict[str, Verdict]  # by native id, relevant postings only
    alerting: bool
    status: str
    etag: str | None
    last_modified: str | None
    body_sha256: str
    next_poll_at: float
    #: Each new posting's job keys, in `scored` order; computed here when not given (the
    #: poller computes them off the loop, outside the transaction).
    keys: list[JobKeys] | None = None
    #: The ids of the postings the source listed that were known already: still up.
    still_listed: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Written:
    relevant: int
    alerts: int


async def write_polls(
    conn: Connection,
    writes: list[PollWrite],
    *,
    matcher: Matcher,
    now: float,
    horizon_s: float = DEFAULT_HORIZON_S,
) -> list[Written]:
    """Every write's postings, sightings, checks, alerts and source row, inside the caller's
    transaction. A new posting of a job seen within `horizon_s` (on this source or another)
    is one more sighting of it, never a second alert."""
    alerting = any(write.alerting for write in writes)
    subscriptions = await subscriptions_store.active_subscriptions(conn) if alerting else []
    rows = [(write, posting, relevant) for write in writes for posting, relevant in write.scored]
    keys = [
        key
        for write in writes
        for key in (
            write.keys
            if write.keys is not None
            else [job_keys(posting) for posting, _ in write.scored]
        )
    ]
    for write in writes:
        await sightings_store.touch(conn, write.source, write.still_listed, now=now)
    duplicates = await sightings_store.find_jobs(
        conn, [posting for _, posting, _ in rows], keys, since=now - horizon_s
    )
    posting_ids = await postings_store.insert_postings(
        conn,
        [
            (posting, relevant, dup)
            for (_, posting, relevant), dup in zip(rows, duplicates, strict=True)
        ],
        now=now,
    )
    await sightings_store.insert_sightings(
        conn,
        [
            (posting_id if job is None else _resolved(job, posting_ids), posting_id, posting, key)
            for posting_id, (_, posting, _), job, key in zip(
                posting_ids, rows, duplicates, keys, strict=True
            )
        ],
        now=now,
    )
    # A job already stored (its alert perhaps sent) seen in one more place: its sent
    # alerts are drawn again where the platform can edit them.
    await edits_store.queue_for_jobs(
        conn,
        [job for job in duplicates if job is not None and job > 0],
        platforms=EDITABLE_PLATFORMS,
        now=now,
    )
    relevant_rows = [
        (write, posting_id, posting, write.verdicts[posting.native_id], duplicate)
        for posting_id, (write, posting, relevant), duplicate in zip(
            posting_ids, rows, duplicates, strict=True
        )
        if relevant
    ]
    check_ids = await postings_store.insert_posting_checks(
        conn, [(pid, posting, verdict) for _, pid, posting, verdict, _ in relevant_rows], now=now
    )
    written = {id(write): Written(relevant=0, alerts=0) for write in writes}
    outbox_rows: list[tuple[int, int, int]] = []
    for check_id, (write, posting_id, posting, verdict, duplicate) in zip(
        check_ids, relevant_rows, strict=True
    ):
        counts = written[id(write)]
        counts.relevant += 1
        if duplicate is not None or not write.alerting:
            continue
        for subscription in matcher.matching(posting, verdict, subscriptions):
            outbox_rows.append((posting_id, check_id, subscription.id))
            counts.alerts += 1
    await outbox_store.enqueue_many(conn, outbox_rows, now=now)
    await sources_store.record_successes(
        conn,
        [
            sources_store.Success(
                write.source,
                write.status,
                write.etag,
                write.last_modified,
                write.body_sha256,
                write.next_poll_at,
                len(write.scored),
            )
            for write in writes
        ],
        now=now,
    )
    return [written[id(write)] for write in writes]


def _resolved(job: int, ids: list[int]) -> int:
    """A job id, with a `batch_ref` (an earlier posting of the batch) made its real id."""
    return ids[-job - 1] if job < 0 else job


async def write_batch(
    db: Database,
    writes: list[PollWrite],
    *,
    matcher: Matcher,
    horizon_s: float = DEFAULT_HORIZON_S,
) -> list[Written | Exception]:
    """The writes in one transaction; when it fails, each in its own (the failures returned
    in their place)."""
    try:
        async with db.transaction() as conn:
            return list(
                await write_polls(
                    conn, writes, matcher=matcher, now=db.clock(), horizon_s=horizon_s
                )
            )
    except Exception as error:
        if len(writes) == 1:
            return [error]
    results: list[Written | Exception] = []
    for write in writes:
        try:
            async with db.transaction() as conn:
                results.extend(
                    await write_polls(
                        conn, [write], matcher=matcher, now=db.clock(), horizon_s=horizon_s
                    )
                )
        except Exception as error:
            results.append(error)
    return results


class GroupWriter(Generic[T, R]):
    """Group commit without a background task: a caller that gets the lock writes every item
    waiting at that moment (its own among them) in one batch; the others find theirs done.

    `write` returns one result per item, an Exception standing for that item's failure.
    """

    def __init__(
        self, write: Callable[[list[T]], Awaitable[list[R | Exception]]], *, max_batch: int
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._lock = asyncio.Lock()
        self._pending: list[tuple[T, asyncio.Future[R]]] = []

    async def submit(self, item: T) -> R:
        """Write `item` (with whatever else is waiting); its result, or its failure raised."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        try:
            async with self._lock:
                while not future.done():
                    await self._write_pending()
        except BaseException:
            if not future.done():
                future.cancel()
                self._pending = [(i, f) for i, f in self._pending if f is not future]
            raise
        return future.result()

    async def _write_pending(self) -> None:
        batch = [(i, f) for i, f in self._pending[: self._max_batch] if not f.done()]
        self._pending = self._pending[self._max_batch :]
        try:
            results = await self._write([item for item, _ in batch])
        except BaseException:
            # Cancelled (the bot stops) or a bug: the others wait for a writer of their own.
            self._pending = [(i, f) for i, f in batch if not f.done()] + self._pending
            raise
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
