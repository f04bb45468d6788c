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
import contextlib
import gc
import json
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = [
    "INLINE_MAX_BYTES",
    "INLINE_MAX_POSTINGS",
    "PIECES_MIN_BYTES",
    "SLICE_POSTINGS",
    "CpuWorker",
    "freeze_startup_objects",
    "loads_in_pieces",
    "no_full_collections",
]

T = TypeVar("T")
R = TypeVar("R")

#: Bodies up to this size are hashed and parsed on the loop (about a millisecond or less).
INLINE_MAX_BYTES = 64_000
#: Up to this many new postings are scored on the loop (about 0.5 ms each).
INLINE_MAX_POSTINGS = 16
#: Postings per slice handed to the worker thread: about 50–100 ms of work.
SLICE_POSTINGS = 128
#: JSON bodies from this size are decoded a member at a time (`loads_in_pieces`).
PIECES_MIN_BYTES = 1_000_000


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


# -- JSON a piece at a time ------------------------------------------------------------------
#
# `json.loads` is one call into C that holds the interpreter throughout: on the worker thread,
# a 14 MB payload (20,000 postings) stopped the event loop for 0.8-1.2 s. Decoding the
# members of the top-level object or array, and the items of the arrays inside it, one
# `raw_decode` call each gives the loop the interpreter back between them (each is well
# under a millisecond), with the very same result and errors as `json.loads`.

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: Levels decoded piece by piece: the top-level value and the arrays directly inside it.
_PIECE_DEPTH = 2


def loads_in_pieces(body: bytes | str) -> Any:
    """`json.loads(body)`, decoded a member (or an array item) at a time."""
    if isinstance(body, str):
        text = body
    else:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    value, index = _value(text, _skip(text, 0), 0)
    end = _skip(text, index)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _value(text: str, index: int, depth: int) -> tuple[Any, int]:
    opening = text[index : index + 1]
    if depth < _PIECE_DEPTH and opening == "[":
        return _array(text, index, depth)
    if depth < _PIECE_DEPTH - 1 and opening == "{":
        return _object(text, index, depth)
    value, end = _DECODER.raw_decode(text, index)
    return value, end


def _array(text: str, index: int, depth: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    index = _skip(text, index + 1)
    if text[index : index + 1] == "]":
        return items, index + 1
    while True:
        item, index = _value(text, index, depth + 1)
        items.append(item)
        index = _skip(text, index)
        delimiter = text[index : index + 1]
        if delimiter == "]":
            return items, index + 1
        if delimiter != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = _skip(text, index + 1)


def _object(text: str, index: int, depth: int) -> tuple[dict[str, Any], int]:
    members: dict[str, Any] = {}
    index = _skip(text, index + 1)
    if text[index : index + 1] == "}":
        return members, index + 1
    while True:
        if text[index : index + 1] != '"':
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, index
            )
        key, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index : index + 1] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
        members[key], index = _value(text, _skip(text, index + 1), depth + 1)
        index = _skip(text, index)
        delimiter = text[index : index + 1]
        if delimiter == "}":
            return members, index + 1
        if delimiter != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = _skip(text, index + 1)


# -- the garbage collector -------------------------------------------------------------------
#
# A full collection walks every object alive, holding the interpreter. While a 20,000-posting
# payload is being read, scored and written, that is hundreds of thousands of objects, and
# each full collection stopped the event loop for 125-275 ms (several per poll). Those objects
# are freed by reference counting when the poll ends (they hold no cycles), so full
# collections wait until no big payload is in memory; the young generations go on as ever.
#
# "When the poll ends" is a little after the last `with` block: its result (the new postings)
# goes back to the caller, which drops it in its next step. Resumed at once, the first full
# collection came right then and walked those 20,000 postings (a 218-383 ms stall after the
# poll), so full collections resume `RESUME_AFTER_S` later, from the loop.
#
# The objects built at start-up (the scam model, the lexicons, the config) live as long as
# the process, yet every full collection walked them too: 70-100 ms each on an idle bot.
# `freeze_startup_objects` moves them out of the collector's sight once the bot is built.

#: Seconds after the last big payload's `with` block ends before full collections resume.
RESUME_AFTER_S = 1.0

_paused = 0
_threshold: tuple[int, int, int] | None = None
_resume_handle: asyncio.TimerHandle | None = None


@contextlib.contextmanager
def no_full_collections() -> Iterator[None]:
    """No full garbage collection until `RESUME_AFTER_S` after the last of the nested or
    concurrent `with` blocks ends (at once when no event loop runs)."""
    global _paused, _threshold, _resume_handle
    if _resume_handle is not None:
        _resume_handle.cancel()
        _resume_handle = None
    if _paused == 0 and _threshold is None:
        _threshold = gc.get_threshold()
        young, middle, _old = _threshold
        gc.set_threshold(young, middle, 1 << 30)
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                _resume_full_collections()
            else:
                _resume_handle = loop.call_later(RESUME_AFTER_S, _resume_full_collections)


def _resume_full_collections() -> None:
    global _threshold, _resume_handle
    _resume_handle = None
    if _paused == 0 and _threshold is not None:
        gc.set_threshold(*_threshold)
        _threshold = None


def freeze_startup_objects() -> None:
    """Collect once, then keep every object alive now out of later collections (they live
    as long as the process): a full collection then walks only what came after."""
    gc.collect()
    gc.freeze()
