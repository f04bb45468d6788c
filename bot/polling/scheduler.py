"""APScheduler jobs: poll each source, drain the outbox, and housekeeping.

One job per source with its own interval and jitter; `max_instances=1` means a slow poll is
never overlapped by the next one. Backoff lives in the store (`next_poll_at`), not in the
trigger, so a failing source's job keeps ticking cheaply and resumes by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.drain import OutboxDrainer
from bot.polling.poller import Poller
from bot.polling.source import Source

log = logging.getLogger("vigia.scheduler")
HOUSEKEEPING_INTERVAL_S = 3600


def build_scheduler(
    *,
    poller: Poller,
    sources: list[tuple[Source, int]],
    drainer: OutboxDrainer,
    jitter_s: int,
    drain_interval_s: float,
    housekeeping: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIOScheduler:
    """A scheduler with one poll job per (source, interval_s) and the outbox drain job."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    now = datetime.now(UTC)
    for source, interval_s in sources:
        scheduler.add_job(
            poller.poll,
            IntervalTrigger(seconds=interval_s, jitter=jitter_s, timezone=UTC),
            kwargs={"source": source, "interval_s": interval_s},
            id=f"poll:{source.name}",
            name=f"poll {source.name}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=now,
        )
    scheduler.add_job(
        drainer.drain_once,
        IntervalTrigger(seconds=drain_interval_s, timezone=UTC),
        id="outbox",
        name="drain outbox",
        max_instances=1,
        coalesce=True,
        next_run_time=now,
    )
    if housekeeping is not None:
        scheduler.add_job(
            housekeeping,
            IntervalTrigger(seconds=HOUSEKEEPING_INTERVAL_S, timezone=UTC),
            id="housekeeping",
            max_instances=1,
            coalesce=True,
        )
    return scheduler
