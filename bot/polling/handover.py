"""Work off the event loop's thread lets go of the interpreter every few items.

One interpreter runs one thread at a time. While the CPU thread (`bot.polling.cpu`) parses
a big payload, the event loop's thread, woken by a timer or a socket, waits for the
interpreter; in principle for one switch interval (5 ms) at most, yet in
`bench/loop_stall.py` (a 20,000-posting payload parsed on the CPU thread) the loop stalled
80-180 ms at a time during the parse, p99 36-46 ms. A `time.sleep(0)` every
`EVERY_ITEMS` items releases the interpreter, and a waiting loop takes it right then: max
stall 42-71 ms and p99 15 ms over 3 runs, the poll no slower (7.8-8.0 s).

Only when the loop is late, though: handed over while the loop is busy with work of its
own (500 boards polled at once, `bench/poll_cycle.py`), the CPU thread waits a switch
interval for each turn back, and the cycle took 12.0 s instead of 8.9. While the CPU thread
has work (`loop_watched`), the loop notes the time every `TICK_S`; the thread hands over
only when that note is older than `LATE_S`.

On the event loop's own thread (small payloads are parsed there) nothing is handed over:
the loop would only wait for the CPU thread in turn. In the worker process, with nobody
waiting, a `sleep(0)` costs about a microsecond.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["EVERY_ITEMS", "handing_over", "loop_watched"]

#: Items (postings) between two looks at the loop: well under a millisecond of work.
EVERY_ITEMS = 16
#: How often the loop notes the time while watched, and how old the note must be for the
#: loop to count as waiting.
TICK_S = 0.005
LATE_S = 0.015

_seen_at = 0.0  # when the loop last noted the time (time.monotonic)
_watchers = 0
_tick: asyncio.TimerHandle | None = None

T = TypeVar("T")


def handing_over(items: Iterable[T], every: int = EVERY_ITEMS) -> Iterable[T]:
    """`items`, with the interpreter let go every `every` items when this thread runs no
    event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _handing_over(items, every)
    return items


def _handing_over(items: Iterable[T], every: int) -> Iterator[T]:
    for count, item in enumerate(items, 1):
        if count % every == 0 and time.monotonic() - _seen_at > LATE_S:
            time.sleep(0)  # releases the interpreter: the waiting event loop takes it
        yield item


@contextlib.contextmanager
def loop_watched() -> Iterator[None]:
    """On the loop's thread, around work handed to another thread: the loop notes the time
    every `TICK_S` until the last such block ends."""
    global _watchers, _tick, _seen_at
    _watchers += 1
    if _tick is None:
        _seen_at = time.monotonic()
        _tick = asyncio.get_running_loop().call_later(TICK_S, _note)
    try:
        yield
    finally:
        _watchers -= 1
        if _watchers == 0 and _tick is not None:
            _tick.cancel()
            _tick = None


def _note() -> None:
    global _seen_at, _tick
    _seen_at = time.monotonic()
    _tick = asyncio.get_running_loop().call_later(TICK_S, _note) if _watchers else None
