"""Steps the outbox drainer and the edit pass share: a store write that outlives a
cancellation, and the backoff after a failed send."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")
TRANSIENT_BASE_DELAY_S = 5.0


async def finish(step: Awaitable[T]) -> T:
    """Run a store write to its end even if the task awaiting it is cancelled meanwhile (a
    message that went out is recorded), then let the cancellation go on."""
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


def transient_delay_s(attempts: int, max_backoff_s: float) -> float:
    """The wait before retrying after `attempts` failed tries: doubling, capped."""
    return float(min(max_backoff_s, TRANSIENT_BASE_DELAY_S * 2**attempts))
