"""Polls shared by several workers on one PostgreSQL database: each due source is claimed by
exactly one of them.

Every poll worker runs the same loop: claim up to as many due sources as it has idle poll
slots (`sources_store.claim_due`: `SELECT ... WHERE next_poll_at <= now ORDER BY next_poll_at
FOR UPDATE SKIP LOCKED`), poll them, and let each poll record the source's real next time.
The claim itself moves `next_poll_at` one lease ahead, so

- two workers claiming at once take different sources (SKIP LOCKED: neither waits for the
  other's rows), and adding workers spreads the sources among them;
- a worker that dies mid-poll leaves its sources due again when the lease ends, and whichever
  worker claims next takes them over; nothing else has to notice the death. A live worker
  renews the claims of its polls in progress every third of the lease, so a slow poll is
  never taken over, and the lease can be short;
- the schedule lives in the database, not in each process: a worker that starts or stops
  changes nothing for the others.

Why `SKIP LOCKED` on the sources table rather than a job library on PostgreSQL (procrastinate
and the like): a poll is not a one-off job but a recurring claim on a row that already holds
the source's state (validators, backoff, next time). A job queue would keep a second copy of
that schedule in its own tables, one job row per poll (tens of thousands an interval), with
its own worker loop and migrations beside ours. The claim is one statement on an index we
already have; the lease is the row's own due time; and the same code runs on SQLite, where
one process claims everything.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from bot.logs import ids as log_ids
from bot.polling.poller import Poller
from bot.polling.source import Source
from bot.polling.tasks import PollTasks
from bot.store import Database
from bot.store import sources as sources_store

__all__ = ["DEFAULT_LEASE_S", "SharedPollScheduler"]

log = logging.getLogger("vigia.scheduler")
#: A poll claim lasts this long unless the poll records its next time first: longer than any
#: poll takes (request timeouts are 20 s), short enough that a dead worker's sources are
#: polled again soon.
DEFAULT_LEASE_S = 300.0
#: How often an idle worker looks for due sources.
IDLE_CHECK_S = 1.0


class SharedPollScheduler(PollTasks):
    """Claims due sources from the database and polls them, `workers` at a time.

    Claims come in batches: while this worker holds no more than `workers` claims (queued or
    being polled), it claims up to twice that, so a claim statement serves many polls and
    the pool never waits for one. On `stop`, the claims not yet polled lapse with their
    lease."""

    def __init__(
        self,
        *,
        poller: Poller,
        db: Database,
        sources: Sequence[tuple[Source, int]],
        workers: int,
        worker_id: str,
        lease_s: float = DEFAULT_LEASE_S,
        idle_check_s: float = IDLE_CHECK_S,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        super().__init__(poller)
        self._db = db
        self._sources = {source.name: (source, interval_s) for source, interval_s in sources}
        self._names = sorted(self._sources)
        self._workers = max(1, workers)
        self._worker_id = worker_id
        self._lease_s = lease_s
        self._idle_check_s = idle_check_s
        self._sleep = sleep
        self._queue: asyncio.Queue[sources_store.SourceRow] = asyncio.Queue()
        self._room = asyncio.Event()  # a claim ended: maybe claim more
        #: Sources claimed and not yet polled to the end (queued or being polled).
        self._held: set[str] = set()
        #: Polls this worker made (for tests and benchmarks).
        self.polled = 0

    async def start(self) -> None:
        """Make sure every source has its row, then start claiming."""
        await self._poller.preload([source for source, _ in self._sources.values()])
        self._tasks = [
            asyncio.create_task(self._claim_loop(), name="poll-claims"),
            asyncio.create_task(self._renew_loop(), name="poll-claims-renew"),
        ]
        self._tasks += [
            asyncio.create_task(self._work(), name=f"poll-worker-{n}") for n in range(self._workers)
        ]

    def backlog(self, now: float | None = None) -> tuple[int, float]:
        """Not measured per process: the backlog is the database's (`sources` table)."""
        return 0, 0.0

    async def _claim_loop(self) -> None:
        while True:
            if len(self._held) > self._workers:
                self._room.clear()
                await self._room.wait()
                continue
            try:
                rows = await sources_store.claim_due(
                    self._db,
                    self._names,
                    worker=self._worker_id,
                    lease_s=self._lease_s,
                    limit=2 * self._workers - len(self._held),
                )
            except Exception:
                log.exception("claiming due sources failed; trying again")
                rows = []
            for row in rows:
                self._held.add(row.name)
                self._idle.clear()
                self._queue.put_nowait(row)
            if not rows:
                await self._sleep(self._idle_check_s)

    async def _renew_loop(self) -> None:
        while True:
            await self._sleep(self._lease_s / 3)
            names = sorted(self._held)
            try:
                await sources_store.renew_claims(
                    self._db, names, worker=self._worker_id, lease_s=self._lease_s
                )
            except Exception:  # the store is down: the claims may lapse, the polls go on
                log.warning("renewing %d poll claim(s) failed", len(names), exc_info=True)

    async def _work(self) -> None:
        while True:
            row = await self._queue.get()
            try:
                await self._poll(row)
            finally:
                self._held.discard(row.name)
                self._room.set()
                if not self._held:
                    self._idle.set()

    async def _poll(self, row: sources_store.SourceRow) -> None:
        try:
            source, interval_s = self._sources[row.name]
            due_at = row.next_poll_at if row.next_poll_at is not None else time.time()
            self._poller.adopt(row)  # another worker may have polled it last
            await self._poller.poll(source, interval_s=interval_s, due_at=due_at)
            self.polled += 1
        except Exception:  # the poller never raises for a source; a bug must not stop polling
            log.exception(
                "polling %s crashed; its claim lapses with the lease",
                row.name,
                extra=log_ids(source=row.name),
            )
