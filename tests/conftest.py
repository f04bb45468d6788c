"""Fixtures shared across the suite: a fresh store, a settable clock, the payload server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Database, open_database
from tests.sources_helpers import payload_server  # noqa: F401  (fixture)


class FakeClock:
    """Wall-clock time the test moves by hand, so backoff and leases are exact."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: pytest.TempPathFactory, clock: FakeClock) -> AsyncIterator[Database]:
    database = await open_database(str(tmp_path / "vigia.db"), clock=clock)  # type: ignore[operator]
    try:
        yield database
    finally:
        await database.close()
