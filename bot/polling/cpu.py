"""CPU work of a poll (parsing, relevance, scoring) off the event loop, in slices.

A 20,000-posting payload takes seconds of pure Python to parse and score; run on the loop, it
stops Telegram's long polling, the scheduler and every "is this legit?" answer for that long.
Big work goes to one worker thread instead: the loop thread gets the interpreter back within
the interpreter's switch interval (5 ms) whenever it has something to do, so it keeps answering.

One thread, not a pool: Python runs one thread at a time, so more threads would not score
faster on the bot's behalf, only make the loop wait its turn among more of them. Work is
handed over in slices (`SLICE_POSTINGS` postings at a time), so polls interleave instead of
one big payload holding up the small ones, and stopping the bot waits for one slice at most
rather than for a whole payload. Small work (a board of a few postings) stays on the loop:
handing it over costs more than doing it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["INLINE_MAX_BYTES", "INLINE_MAX_POSTINGS", "SLICE_POSTINGS", "CpuWorker"]

T = TypeVar("T")
R = TypeVar("R")

#: Bodies up to this size are hashed and parsed on the loop (about a millisecond or less).
INLINE_MAX_BYTES = 64_000
#: Up to this many new postings are scored on the loop (about 0.5 ms each).
INLINE_MAX_POSTINGS = 16
#: Postings per slice handed to the worker thread: about 50–100 ms of work.
SLICE_POSTINGS = 128


class CpuWorker:
    """Runs CPU-bound callables on one background thread, for the event loop to await."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False

    async def run(self, function: Callable[..., R], *args: object) -> R:
        """`function(*args)` on the worker thread; cancelling the await drops a queued call
        (one already running finishes on its own)."""
        if self._closed:
            raise RuntimeError("the CPU worker is closed")
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigia-cpu")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    async def map_sliced(
        self, function: Callable[[Sequence[T]], list[R]], items: Sequence[T]
    ) -> list[R]:
        """`function` over `items`, `SLICE_POSTINGS` at a time: on the loop when the items
        are few, on the worker thread otherwise. Results keep the items' order."""
        if len(items) <= INLINE_MAX_POSTINGS:
            return function(items)
        results: list[R] = []
        for start in range(0, len(items), SLICE_POSTINGS):
            results.extend(await self.run(function, items[start : start + SLICE_POSTINGS]))
        return results

    def close(self) -> None:
        """Stop taking work; queued calls are dropped, the one running finishes by itself."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
