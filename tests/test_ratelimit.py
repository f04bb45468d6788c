"""One person's flood of checks is refused with a wait, and never touches anyone else."""

from __future__ import annotations

import pytest

from bot.services.ratelimit import SlidingWindowLimiter, TooManyRequests
from tests.conftest import FakeClock


def test_a_window_allows_its_quota_then_says_how_long_to_wait(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(max_events=3, window_s=60, clock=clock)
    for _ in range(3):
        limiter.acquire("telegram:1")
        clock.advance(10)
    with pytest.raises(TooManyRequests) as info:
        limiter.acquire("telegram:1")
    assert info.value.retry_after_s == 30  # the first event leaves the window at t=60
    assert info.value.params == {"seconds": "30"}
    limiter.acquire("telegram:2")  # someone else is not held back
    clock.advance(30)
    limiter.acquire("telegram:1")


def test_a_refused_request_does_not_count(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(max_events=1, window_s=10, clock=clock)
    limiter.acquire("u")
    for _ in range(5):
        with pytest.raises(TooManyRequests):
            limiter.acquire("u")
    clock.advance(10)
    limiter.acquire("u")
