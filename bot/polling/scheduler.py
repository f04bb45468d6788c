"""When each source is polled, and the jobs beside polling (outbox drain, housekeeping).

Polling has its own scheduler (`PollScheduler`) rather than one APScheduler job per source:

- A source's next poll is due one interval after its *due* time, not after the poll ended.
  An interval trigger fires again one interval after it last fired, while the poll it
  started recorded "next due at completion + interval", just later: every second run was
  skipped, and sources were polled every two intervals.
- A fixed pool of workers takes due sources oldest-first, so at most `workers` polls are in
  progress: fetched-but-unstored payloads stay bounded with 10,000 sources instead of all
  being fetched before any is stored.
- Stopping cancels a few workers, not thousands of waiting jobs (each of which logged a
  `CancelledError` traceback).
- When the work does not fit in the interval, one WARNING says so with the backlog, and the
  `vigia_poll_backlog_sources` / `vigia_poll_lag_seconds` gauges show it.

Jitter spreads each round: a source fires at its due time plus a random delay in
[0, jitter_s], and the next due time is computed from the due time without the jitter, so the
gap between two polls stays within one interval ± jitter and jitter never accumulates.

Several processes on one database: `PollClaims` is the hook a shared store implements so that
only one of them polls a source in a given round; the default claims every source.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from prometheus_client import Gauge

from bot.delivery.drain import OutboxDrainer
from bot.logs import ids as log_ids
from bot.metrics import REGISTRY
from bot.polling.poller import Poller
from bot.polling.source import Source
from bot.polling.tasks import PollTasks

__all__ = [
    "BACKLOG_SOURCES",
    "LAG_SECONDS",
    "LocalClaims",
    "PollClaims",
    "PollScheduler",
    "Polls",
    "Scheduler",
    "build_scheduler",
]

log = logging.getLogger("vigia.scheduler")
HOUSEKEEPING_INTERVAL_S = 3600
#: How often the backlog is measured (and the gauges set).
BACKLOG_CHECK_S = 5.0
#: Polling is "behind" when the oldest due source has waited this share of its interval.
BEHIND_SHARE = 0.1
#: Longest the dispatcher sleeps at once, so a wall-clock jump is noticed.
MAX_SLEEP_S = 5.0

BACKLOG_SOURCES = Gauge(
    "vigia_poll_backlog_sources",
    "Sources whose poll is due but not started yet (work that does not fit shows here).",
    registry=REGISTRY,
)
LAG_SECONDS = Gauge(
    "vigia_poll_lag_seconds",
    "How long the oldest due source has been waiting for its poll to start.",
    registry=REGISTRY,
)


class PollClaims(Protocol):
    """Who polls a source this round, when several processes share one database."""

    async def claim(self, source_name: str, *, due_at: float) -> bool:
        """True when this process should poll the source now; False when another does."""
        ...


class LocalClaims:
    """One process polls everything: every claim succeeds."""

    async def claim(self, source_name: str, *, due_at: float) -> bool:
        return True


@dataclass(order=True, slots=True)
class _Due:
    fire_at: float
    seq: int
    due_at: float = field(compare=False)
    index: int = field(compare=False)  # into the scheduler's sources


class PollScheduler(PollTasks):
    """Polls every source once per its interval with at most `workers` polls at a time."""

    def __init__(
        self,
        *,
        poller: Poller,
        sources: list[tuple[Source, int]],
        jitter_s: float,
        workers: int,
        claims: PollClaims | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(poller)
        self._sources = list(sources)
        self._jitter_s = max(0.0, float(jitter_s))
        self._workers = max(1, workers)
        self._claims = claims or LocalClaims()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._heap: list[_Due] = []
        self._seq = 0
        self._ready: asyncio.Queue[_Due] | None = None
        self._busy = 0
        self._behind = False
        self._last_check = -float("inf")

    # -- running -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Read when each source is due from the store, then start dispatching."""
        rows = await self._poller.preload([source for source, _ in self._sources])
        now = self._clock()
        for index, (source, _interval_s) in enumerate(self._sources):
            row = rows.get(source.name)
            due_at = row.next_poll_at if row and row.next_poll_at is not None else now
            # Overdue and new sources start at once, oldest due first; the others keep their
            # due time, spread by jitter as every later round is.
            self._push(index, due_at, jitter=due_at > now)
        self._ready = asyncio.Queue(maxsize=1)
        self._tasks = [asyncio.create_task(self._dispatch(), name="poll-dispatch")]
        self._tasks += [
            asyncio.create_task(self._work(), name=f"poll-worker-{n}") for n in range(self._workers)
        ]

    # -- the queue ---------------------------------------------------------------------------

    def _push(self, index: int, due_at: float, *, jitter: bool = True) -> None:
        delay_s = self._rng.uniform(0.0, self._jitter_s) if jitter and self._jitter_s else 0.0
        self._seq += 1
        heapq.heappush(self._heap, _Due(due_at + delay_s, self._seq, due_at, index))

    def backlog(self, now: float | None = None) -> tuple[int, float]:
        """Sources due but not started, and how long the oldest of them has waited (s)."""
        now = self._clock() if now is None else now
        waiting = [entry for entry in self._heap if entry.fire_at <= now]
        queued = self._ready.qsize() if self._ready is not None else 0
        if not waiting and not queued:
            return 0, 0.0
        oldest = min((entry.fire_at for entry in waiting), default=now)
        return len(waiting) + queued, max(0.0, now - oldest)

    async def _dispatch(self) -> None:
        assert self._ready is not None
        while True:
            now = self._clock()
            if now - self._last_check >= BACKLOG_CHECK_S:
                self._check_backlog(now)
            if not self._heap or self._heap[0].fire_at > now:
                wait_s = self._heap[0].fire_at - now if self._heap else MAX_SLEEP_S
                await self._sleep(min(MAX_SLEEP_S, wait_s, BACKLOG_CHECK_S))
                continue
            self._idle.clear()
            await self._ready.put(heapq.heappop(self._heap))

    async def _work(self) -> None:
        assert self._ready is not None
        while True:
            entry = await self._ready.get()
            self._busy += 1
            try:
                source, interval_s = self._sources[entry.index]
                next_due = await self._poll_one(source, interval_s, entry.due_at)
                self._push(entry.index, next_due)
            finally:
                self._busy -= 1
                if not self._busy and self._ready.empty():
                    self._idle.set()

    async def _poll_one(self, source: Source, interval_s: float, due_at: float) -> float:
        """Poll one due source; when it is due next."""
        started = self._clock()
        try:
            if not await self._claims.claim(source.name, due_at=due_at):
                return started + interval_s  # another process polls it this round
            result = await self._poller.poll(source, interval_s=interval_s, due_at=due_at)
        except Exception:  # the poller never raises for a source; a bug must not stop polling
            log.exception(
                "polling %s crashed; next try in one interval",
                source.name,
                extra=log_ids(source=source.name),
            )
            return started + interval_s
        if result.next_poll_at is None:
            return started + interval_s
        return result.next_poll_at

    def _check_backlog(self, now: float) -> None:
        """Set the gauges; one WARNING when polling falls behind, one INFO when it catches up."""
        self._last_check = now
        waiting, lag_s = self.backlog(now)
        BACKLOG_SOURCES.set(waiting)
        LAG_SECONDS.set(lag_s)
        shortest_s = min((interval for _, interval in self._sources), default=0)
        behind = bool(shortest_s) and lag_s > BEHIND_SHARE * shortest_s
        if behind and not self._behind:
            log.warning(
                "polling is behind: %d source(s) due and waiting, the oldest for %.0fs "
                "(interval %ds, %d workers); polls will be late until the backlog clears: "
                "lengthen intervals or raise polling.max_concurrent_requests",
                waiting,
                lag_s,
                shortest_s,
                self._workers,
            )
        elif self._behind and not behind:
            log.info("polling caught up: %d source(s) waiting", waiting)
        self._behind = behind


class Polls(Protocol):
    """What the runner needs of a poll scheduler: this process's own (`PollScheduler`) or
    the one that claims due sources from a shared database (`bot.polling.shared`)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    @property
    def running(self) -> bool: ...

    async def wait_idle(self) -> None: ...


class Scheduler:
    """The poll scheduler and the APScheduler jobs beside it (outbox drain, housekeeping),
    started and stopped together."""

    def __init__(self, polls: Polls, jobs: AsyncIOScheduler) -> None:
        self.polls = polls
        self.jobs = jobs

    async def start(self) -> None:
        self.jobs.start()
        await self.polls.start()

    async def stop(self) -> None:
        self.jobs.shutdown(wait=False)
        await self.polls.stop()


def build_scheduler(
    *,
    poller: Poller,
    sources: list[tuple[Source, int]],
    drainer: OutboxDrainer | None,
    jitter_s: int,
    drain_interval_s: float,
    workers: int = 16,
    housekeeping: Callable[[], Awaitable[None]] | None = None,
    claims: PollClaims | None = None,
    digests: Callable[[], Awaitable[object]] | None = None,
    digest_interval_s: float = 20.0,
    polls: Polls | None = None,
) -> Scheduler:
    """Polls for every (source, interval_s), the outbox drain job, housekeeping, and the
    job that makes due digests (at once, for those missed while the bot was down).

    `polls` replaces this process's own poll schedule (a worker claiming from a shared
    database); without a `drainer` no outbox job runs (a worker that only polls)."""
    if polls is None:
        polls = PollScheduler(
            poller=poller, sources=sources, jitter_s=jitter_s, workers=workers, claims=claims
        )
    jobs = AsyncIOScheduler(timezone=UTC)
    now = datetime.now(UTC)
    if drainer is not None:
        jobs.add_job(
            drainer.drain_once,
            IntervalTrigger(seconds=drain_interval_s, timezone=UTC),
            id="outbox",
            name="drain outbox",
            # A tick that comes while a run is finishing waits for it (the drainer's lock)
            # and starts the moment it ends, instead of being skipped: a paced run ends just
            # after its share of the interval (recording its last sends), and a skipped tick
            # left the platform idle for a whole interval (half the rate on PostgreSQL).
            max_instances=2,
            coalesce=True,
            next_run_time=now,
        )
    if digests is not None:
        jobs.add_job(
            digests,
            IntervalTrigger(seconds=digest_interval_s, timezone=UTC),
            id="digests",
            name="make due digests",
            max_instances=1,
            coalesce=True,
            next_run_time=now,
        )
    if housekeeping is not None:
        jobs.add_job(
            housekeeping,
            IntervalTrigger(seconds=HOUSEKEEPING_INTERVAL_S, timezone=UTC),
            id="housekeeping",
            max_instances=1,
            coalesce=True,
        )
    return Scheduler(polls, jobs)
