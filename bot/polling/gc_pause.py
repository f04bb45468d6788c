"""Full garbage collections held off while a big payload is in memory; start-up objects frozen.

A full collection walks every object alive, holding the interpreter. While a 20,000-posting
payload is being read, scored and written, that is hundreds of thousands of objects, and
each full collection stopped the event loop for 125-275 ms (several per poll). Those objects
are freed by reference counting when the poll ends (they hold no cycles), so full
collections wait until no big payload is in memory; the young generations go on as ever.

"When the poll ends" is a little after the last `with` block: its result (the new postings)
goes back to the caller, which drops it in its next step. Resumed at once, the first full
collection came right then and walked those 20,000 postings (a 218-383 ms stall after the
poll), so full collections resume `RESUME_AFTER_S` later, from the loop.

The objects built at start-up (the scam model, the lexicons, the config) live as long as
the process, yet every full collection walked them too: 70-100 ms each on an idle bot.
`freeze_startup_objects` moves them out of the collector's sight once the bot is built.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterator

__all__ = ["RESUME_AFTER_S", "freeze_startup_objects", "no_full_collections"]

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
