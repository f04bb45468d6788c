"""Per-person limits on expensive requests, so one person's flood cannot tie up the bot.

A "is this legit?" check may fetch a page for seconds; without a limit, one user pasting
links in a loop would hold the fetcher for everyone. A sliding window per requester is
enough: the bot is one process and the keys are chat users.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.errors import TooManyRequests

__all__ = ["SlidingWindowLimiter", "TooManyRequests"]


class SlidingWindowLimiter:
    """At most `max_events` per `window_s` seconds for each key."""

    def __init__(
        self, *, max_events: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_events = max_events
        self._window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def acquire(self, key: str) -> None:
        """Count one event for `key`, or raise TooManyRequests without counting it."""
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self._window_s:
            events.popleft()
        if len(events) >= self._max_events:
            raise TooManyRequests(key, events[0] + self._window_s - now)
        events.append(now)
        if len(self._events) > 10_000:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """Drop keys with no event in the window, so memory follows the active users only."""
        idle = [k for k, e in self._events.items() if not e or e[-1] <= now - self._window_s]
        for key in idle:
            del self._events[key]
