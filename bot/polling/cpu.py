"""CPU work of a poll (parsing, relevance, scoring) off the event loop: a thread, and a process.

A 20,000-posting payload takes seconds of pure Python to parse and score; run on the loop, it
stops Telegram's long polling, the scheduler and every "is this legit?" answer for that long.
Big work goes to lanes instead:

- the CPU thread: the loop thread gets the interpreter back within the interpreter's switch
  interval (5 ms) whenever it has something to do, so it keeps answering; but it shares one
  core with the loop (one interpreter runs one thread at a time);
- the worker process (`bot.polling.cpu_process`), started when the postings handed to the
  lanes within `DEMAND_WINDOW_S` reach `START_AT_POSTINGS` (a cycle of many big boards, or
  one huge one), never for small boards: it costs about a second of CPU to start and ~100 MB.
  It then stays for the bot's life and takes `PROCESS_SLOTS` tasks at a time (one being
  worked on, the next ones already sent), on the machine's other core.

A task waits, first come first served, for a free lane, the process's first. Work is handed
over in slices (`SLICE_POSTINGS` postings at a time), so polls interleave instead of one big
payload holding up the small ones, and stopping the bot waits for one slice at most. Small
work (a board of a few postings) stays on the loop: handing it over costs more than doing it.

A task for any lane is a function of `bot.polling.cpu_tasks` taking the `Kit` first; its
arguments must pickle. When they do not, or the process has stopped, it runs on the thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

from bot.polling.cpu_process import KitNotPortable, NotPortable, WorkerGone, WorkerProcess
from bot.polling.cpu_tasks import Kit
from bot.polling.handover import loop_watched

__all__ = [
    "INLINE_MAX_BYTES",
    "INLINE_MAX_POSTINGS",
    "SLICE_POSTINGS",
    "START_AT_POSTINGS",
    "CpuWorker",
]

log = logging.getLogger("vigia.poll")
T = TypeVar("T")
R = TypeVar("R")
Lane = Literal["thread", "process"]

#: Bodies up to this size are hashed and parsed on the loop (about a millisecond or less),
#: unless the worker process is running: then from `AWAY_MIN_BYTES` they go to a lane.
INLINE_MAX_BYTES = 64_000
AWAY_MIN_BYTES = 8_000
#: Up to this many new postings are scored on the loop (about 0.5 ms each).
INLINE_MAX_POSTINGS = 16
#: Postings per slice handed to a lane: about 50–100 ms of work.
SLICE_POSTINGS = 128
#: The worker process starts once this many postings were handed to the lanes within
#: `DEMAND_WINDOW_S` (about a second of CPU work), and again at the earliest
#: `RESTART_AFTER_S` after it stopped by itself.
START_AT_POSTINGS = 1_000
DEMAND_WINDOW_S = 5.0
RESTART_AFTER_S = 300.0
#: Tasks the worker process holds at once: one worked on, the next ones waiting in its pipe,
#: so it has work while the bot, on a busy machine, waits for a core to send more (500 × 40
#: at real-time priority: 7.9 and 8.7 s with 4, 8.9 to 9.6 s with 2).
PROCESS_SLOTS = 4
#: Slices of one `map_sliced` call in the lanes at once (every slot of both lanes).
SLICES_IN_FLIGHT = 1 + PROCESS_SLOTS


class CpuWorker:
    """Runs CPU-bound work off the event loop, on the CPU thread or the worker process."""

    def __init__(
        self,
        kit: Kit,
        *,
        start_at_postings: int | None = START_AT_POSTINGS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`start_at_postings` None: never a worker process (the thread only)."""
        self._kit = kit
        self._start_at = start_at_postings
        self._clock = clock
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        self._process: WorkerProcess | None = None
        #: Processes stopped before the worker closes, to be waited for then.
        self._retired: list[WorkerProcess] = []
        self._starting: asyncio.Task[None] | None = None
        self._stopped_at: float | None = None
        self._demand: collections.deque[tuple[float, int]] = collections.deque()
        self._busy: dict[Lane, int] = {"thread": 0, "process": 0}
        self._waiting: collections.deque[tuple[bool, asyncio.Future[Lane]]] = collections.deque()

    @property
    def sharing(self) -> bool:
        """Whether the worker process is running (mid-sized bodies then go to the lanes)."""
        return self._process is not None and self._process.alive

    @property
    def process_id(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def tasks_in_process(self) -> int:
        """Tasks the worker process has answered (the current one)."""
        return self._process.answered if self._process is not None else 0

    async def process_started(self) -> bool:
        """Wait for a worker process being started; whether one runs."""
        if self._starting is not None:
            await asyncio.shield(self._starting)
        return self.sharing

    async def run_here(self, function: Callable[..., R], *args: object) -> R:
        """`function(*args)` on the CPU thread (for work that must stay in this process)."""
        lane = await self._acquire(portable=False)
        try:
            return await self._on_thread(function, *args)
        finally:
            self._release(lane)

    async def run(self, task: Callable[..., R], *args: object) -> R:
        """`task(kit, *args)` on the first free lane."""
        lane: Lane | None = await self._acquire(portable=True)
        try:
            if lane == "process":
                if self._process is not None:
                    try:
                        return await self._process.run(self._kit, task, *args)
                    except WorkerGone:
                        self._gone()
                    except KitNotPortable as error:
                        self._kit_stays(error)
                    except NotPortable:
                        pass
                # The process cannot take it (any more): the thread does.
                self._release(lane)
                lane = None
                lane = await self._acquire(portable=False)
            return await self._on_thread(task, self._kit, *args)
        finally:
            if lane is not None:
                self._release(lane)

    async def map_sliced(
        self, task: Callable[[Kit, Sequence[T]], list[R]], items: Sequence[T]
    ) -> list[R]:
        """`task(kit, items)`, `SLICE_POSTINGS` items at a time: on the loop when the items
        are few, on the lanes otherwise (several slices at once). Results keep their order."""
        if len(items) <= INLINE_MAX_POSTINGS:
            return task(self._kit, items)
        self.note_demand(len(items))
        slices = [items[at : at + SLICE_POSTINGS] for at in range(0, len(items), SLICE_POSTINGS)]
        results: list[list[R]] = [[] for _ in slices]
        room = asyncio.Semaphore(SLICES_IN_FLIGHT)

        async def one(index: int) -> None:
            try:
                results[index] = await self.run(task, slices[index])
            finally:
                room.release()

        async with asyncio.TaskGroup() as group:
            for index in range(len(slices)):
                await room.acquire()
                group.create_task(one(index))
        return [result for part in results for result in part]

    def note_demand(self, postings: int) -> None:
        """`postings` handed to the lanes now: enough of them soon after each other start
        the worker process."""
        if self._start_at is None or self._closed or self._process is not None:
            return
        now = self._clock()
        self._demand.append((now, postings))
        while self._demand and self._demand[0][0] < now - DEMAND_WINDOW_S:
            self._demand.popleft()
        if self._starting is not None or sum(n for _, n in self._demand) < self._start_at:
            return
        if self._stopped_at is not None and now - self._stopped_at < RESTART_AFTER_S:
            return
        self._demand.clear()
        self._starting = asyncio.get_running_loop().create_task(self._start_process())

    async def _start_process(self) -> None:
        try:
            process = await WorkerProcess.start()
        except Exception as error:
            log.warning("could not start the CPU worker process (%s); polls go on here", error)
            self._stopped_at = self._clock()
            return
        finally:
            self._starting = None
        if self._closed:
            await process.aclose()
            return
        self._process = process
        log.info("started the CPU worker process (pid %d) for a burst of big polls", process.pid)
        self._wake()

    def _gone(self) -> None:
        """The worker process stopped by itself: its lane closes (a later burst may start
        another one)."""
        if self._process is not None and not self._process.alive and not self._closed:
            self._retire()
            self._stopped_at = self._clock()

    def _retire(self) -> None:
        if self._process is not None:
            self._process.close()
            self._retired.append(self._process)
            self._process = None

    def _kit_stays(self, error: KitNotPortable) -> None:
        """The kit cannot be sent: the worker process is no use, for good."""
        log.warning("the CPU worker process cannot be used (%s); polls go on here", error)
        self._start_at = None
        self._retire()

    async def _on_thread(self, function: Callable[..., R], *args: object) -> R:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigia-cpu")
        with loop_watched():  # the thread lets the loop in when it is late
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, function, *args
            )

    # -- lanes ---------------------------------------------------------------------------------

    def _free_lane(self, portable: bool) -> Lane | None:
        if portable and self.sharing and self._busy["process"] < PROCESS_SLOTS:
            return "process"
        return "thread" if self._busy["thread"] < 1 else None

    async def _acquire(self, *, portable: bool) -> Lane:
        if self._closed:
            raise RuntimeError("the CPU worker is closed")
        lane = None if self._waiting else self._free_lane(portable)
        if lane is not None:
            self._busy[lane] += 1
            return lane
        turn: asyncio.Future[Lane] = asyncio.get_running_loop().create_future()
        self._waiting.append((portable, turn))
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release(turn.result())  # handed a lane just as it was cancelled
            with contextlib.suppress(ValueError):
                self._waiting.remove((portable, turn))
            raise

    def _release(self, lane: Lane) -> None:
        self._busy[lane] -= 1
        self._wake()

    def _wake(self) -> None:
        """Hand free lanes to the waiting tasks, first come first served."""
        for entry in list(self._waiting):
            if self._free_lane(portable=True) is None:
                break  # no lane free for anyone: the rest wait (hundreds in a big cycle)
            portable, turn = entry
            lane = None if turn.done() else self._free_lane(portable)
            if lane is None and not turn.done():
                continue
            self._waiting.remove(entry)
            if lane is not None:
                self._busy[lane] += 1
                turn.set_result(lane)

    # -- stopping ------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop taking work: queued calls are dropped, a running slice on the thread finishes
        by itself, the worker process is stopped."""
        self._closed = True
        if self._starting is not None:
            self._starting.cancel()
        if self._process is not None:
            self._process.close()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        for _, turn in self._waiting:
            if not turn.done():
                turn.cancel()
        self._waiting.clear()

    async def aclose(self) -> None:
        """`close`, then wait (about a second at most) for the worker process to exit."""
        self.close()
        for process in [*self._retired, *([self._process] if self._process else [])]:
            await process.aclose()
