"""The scheduler's jobs as the runner sees them: which are running, how the drain is doing, and
how to stop them in order.

APScheduler's own shutdown cancels every running job at whatever `await` it has reached and
logs each cancellation as a crash with a traceback; a drain cancelled there could stop between
a message going out and its row being marked sent. So the runner wraps the drain and
housekeeping jobs' functions (through the scheduler's public `Job.modify`) in a `JobWatch` that
holds their running tasks, and `stop_in_order` stops everything in this order: no job starts
any more; the polls are cancelled (each poll writes in one transaction, so a cancelled one
leaves nothing half-written); the outbox drain in flight is told to stop (`OutboxDrainer.stop`:
each chat finishes the message on the wire, records it and hands the rest of the batch back)
and gets a grace period to do so; and only then does APScheduler shut down, with nothing left
for it to cancel.

The watch also tells `/healthz` whether the drain is alive: down when its last run raised, or
when no run has finished for `drain_stale_s` (a drain stuck on a lock or a dead store).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from apscheduler.schedulers.base import BaseScheduler

from bot.health import PartState
from bot.polling.scheduler import Scheduler

__all__ = ["DRAIN_JOB_ID", "JobWatch", "stop_in_order"]

log = logging.getLogger("vigia.jobs")
#: The outbox drain's job id in `bot.polling.scheduler`.
DRAIN_JOB_ID = "outbox"


class JobWatch:
    def __init__(
        self, *, drain_stale_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._drain_stale_s = drain_stale_s
        self._clock = clock
        self._started_at = clock()
        self._running: dict[asyncio.Task[Any], str] = {}
        self._stopping = False
        self._drain_finished_at: float | None = None
        self._drain_error: str | None = None

    # -- wrapping ----------------------------------------------------------------------------

    def watch(self, scheduler: BaseScheduler) -> None:
        """Wrap every job the scheduler holds (call before `start`)."""
        for job in scheduler.get_jobs():
            job.modify(func=self.wrap(job.id, job.func))

    def wrap(
        self, job_id: str, func: Callable[..., Awaitable[Any]]
    ) -> Callable[..., Awaitable[Any]]:
        async def run(*args: Any, **kwargs: Any) -> Any:
            task = asyncio.current_task()
            assert task is not None
            if self._stopping:
                return None
            self._running[task] = job_id
            try:
                result = await func(*args, **kwargs)
            except asyncio.CancelledError:
                if self._stopping:
                    return None  # stopped on purpose by `stop`: not a crash to log
                raise
            except Exception as error:
                if job_id == DRAIN_JOB_ID:
                    self._drain_error = type(error).__name__
                raise
            finally:
                self._running.pop(task, None)
            if job_id == DRAIN_JOB_ID:
                self._drain_finished_at, self._drain_error = self._clock(), None
            return result

        run.__name__ = getattr(func, "__name__", job_id)
        run.__qualname__ = getattr(func, "__qualname__", job_id)
        return run

    # -- state -------------------------------------------------------------------------------

    def running(self, job_id: str | None = None) -> list[asyncio.Task[Any]]:
        return [t for t, j in self._running.items() if job_id is None or j == job_id]

    def drain_state(self) -> PartState:
        """For `/healthz`: the drain is up while its runs succeed and keep coming."""
        if self._drain_error is not None:
            return PartState(False, f"last drain failed: {self._drain_error}")
        last = self._drain_finished_at if self._drain_finished_at is not None else self._started_at
        idle_s = self._clock() - last
        if idle_s > self._drain_stale_s:
            return PartState(False, f"no drain finished for {idle_s:.0f}s")
        return PartState(True)

    # -- stopping ----------------------------------------------------------------------------

    async def stop(
        self, *, drain_grace_s: float, stop_drain: Callable[[], None] | None = None
    ) -> None:
        """Cancel housekeeping at once; tell the drain to stop (`stop_drain`) and let it
        finish its messages in flight for up to `drain_grace_s`, then cancel it too. Returns
        when no job is running."""
        self._stopping = True
        if stop_drain is not None:
            stop_drain()
        for task in self.running():
            if self._running.get(task) != DRAIN_JOB_ID:
                task.cancel()
        draining = self.running(DRAIN_JOB_ID)
        if draining:
            log.info("letting the outbox sends in flight finish (up to %.0fs)", drain_grace_s)
            _done, late = await asyncio.wait(draining, timeout=drain_grace_s)
            for task in late:
                log.warning("the outbox drain did not finish in %.0fs; stopping it", drain_grace_s)
                task.cancel()
        await _settle(self.running())


async def stop_in_order(
    scheduler: Scheduler,
    watch: JobWatch,
    *,
    drain_grace_s: float,
    polls_timeout_s: float,
    stop_drain: Callable[[], None] | None = None,
) -> None:
    """Stop polling and the jobs in the order the module docstring gives."""
    if scheduler.jobs.running:
        scheduler.jobs.pause()  # no drain or housekeeping starts from here on
    try:
        async with asyncio.timeout(polls_timeout_s):
            await scheduler.polls.stop()
    except TimeoutError:
        log.warning("the polls did not stop in %.0fs; going on", polls_timeout_s)
    await watch.stop(drain_grace_s=drain_grace_s, stop_drain=stop_drain)
    if scheduler.jobs.running:
        scheduler.jobs.shutdown(wait=False)


async def _settle(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Wait for tasks that were told to stop; their results are the jobs' business."""
    pending = list(tasks)
    if pending:
        with contextlib.suppress(Exception):
            await asyncio.wait(pending)
