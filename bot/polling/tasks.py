"""What both poll schedulers do alike: hold their asyncio tasks, report whether they are
alive, stop them, and tell a waiting test when no poll is in progress.

`PollScheduler` (this process's own schedule) and `SharedPollScheduler` (due sources claimed
from a shared database) differ in how they find due sources, not in how they stop: the stop
order matters (cancel every task, wait for each so no poll is half-written, then write the
health buffered from unchanged polls), so it lives once, here.
"""

from __future__ import annotations

import asyncio
import contextlib

from bot.polling.poller import Poller

__all__ = ["PollTasks"]


class PollTasks:
    """Base of the poll schedulers: their tasks, their idle event and their stop."""

    def __init__(self, poller: Poller) -> None:
        self._poller = poller
        self._tasks: list[asyncio.Task[None]] = []
        #: Set while no poll is in progress or handed out.
        self._idle = asyncio.Event()
        self._idle.set()

    async def stop(self) -> None:
        """Cancel every task, wait for each (a poll writes in one transaction, so a cancelled
        one leaves nothing half-written), then write the buffered health."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self._poller.flush()

    @property
    def running(self) -> bool:
        """Every task is alive (for `/healthz`)."""
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    async def wait_idle(self) -> None:
        """Until no poll is in progress or handed out: lets a test's fake clock move only
        between polls."""
        await self._idle.wait()
