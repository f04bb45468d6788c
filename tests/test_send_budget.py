"""The platforms' send budgets shared through the database: two delivery processes on one
store share Telegram's 30 messages a second and each chat's one a second, instead of each
taking them whole; a 429 seen by one pauses the other. On SQLite and on PostgreSQL, with two
connections (two pools) standing for two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.delivery.pacing import PLATFORM_LIMITS, LocalBudget, StoreBudget
from bot.models import ChatRef
from bot.store import Database, open_database
from bot.store import budget as budget_store
from tests.conftest import FakeClock

TELEGRAM = PLATFORM_LIMITS["telegram"]
GLOBAL_GAP_S = 1 / (TELEGRAM.per_second * TELEGRAM.margin)
CHAT_GAP_S = TELEGRAM.chat_interval_s / TELEGRAM.margin
NEVER = float("inf")


@pytest.fixture
async def other_db(migrated_target: str, clock: FakeClock) -> AsyncIterator[Database]:
    database = await open_database(migrated_target, clock=clock)
    try:
        yield database
    finally:
        await database.close()


def chat(n: int) -> ChatRef:
    return ChatRef("telegram", str(1000 + n))


async def test_two_processes_share_the_platform_rate(
    db: Database, other_db: Database, clock: FakeClock
) -> None:
    """60 sends to 60 chats, half from each process, all asked for at once: their slots are
    one global gap apart across both, so together they stay at Telegram's rate."""
    budgets = [StoreBudget(db), StoreBudget(other_db)]
    slots = await asyncio.gather(
        *(
            budgets[n % 2].reserve(TELEGRAM.limits(chat(n)), now=clock.now, not_after=NEVER)
            for n in range(60)
        )
    )
    gaps = [b - a for a, b in zip(sorted(slots), sorted(slots)[1:], strict=False)]
    assert min(gaps) == pytest.approx(GLOBAL_GAP_S, abs=1e-5)
    assert max(slots) - min(slots) == pytest.approx(59 * GLOBAL_GAP_S, abs=1e-5)
    # Two budgets in memory would each have sent at the full rate: twice Telegram's limit.
    local = [LocalBudget(), LocalBudget()]
    alone = [
        await local[n % 2].reserve(TELEGRAM.limits(chat(n)), now=clock.now, not_after=NEVER)
        for n in range(60)
    ]
    assert max(alone) - min(alone) == pytest.approx(29 * GLOBAL_GAP_S, abs=1e-5)


async def test_a_chats_pace_is_shared_and_a_late_slot_is_not_taken(
    db: Database, other_db: Database, clock: FakeClock
) -> None:
    one, two = StoreBudget(db), StoreBudget(other_db)
    first = await one.reserve(TELEGRAM.limits(chat(1)), now=clock.now, not_after=NEVER)
    second = await two.reserve(TELEGRAM.limits(chat(1)), now=clock.now, not_after=NEVER)
    assert second - first == pytest.approx(CHAT_GAP_S, abs=1e-5)
    # The next slot in that chat is after the run ends: told, not taken.
    late = await one.reserve(TELEGRAM.limits(chat(1)), now=clock.now, not_after=clock.now + 1)
    assert late == pytest.approx(first + 2 * CHAT_GAP_S, abs=1e-5)
    again = await two.reserve(TELEGRAM.limits(chat(1)), now=clock.now, not_after=NEVER)
    assert again == pytest.approx(late, abs=1e-5)


async def test_a_429_seen_by_one_process_pauses_the_other(
    db: Database, other_db: Database, clock: FakeClock
) -> None:
    await StoreBudget(db).hold("telegram", until=clock.now + 7)
    await StoreBudget(db).hold("telegram", until=clock.now + 3)  # never shortens a pause
    slot = await StoreBudget(other_db).reserve(
        TELEGRAM.limits(chat(5)), now=clock.now, not_after=NEVER
    )
    assert slot == pytest.approx(clock.now + 7, abs=1e-5)


async def test_idle_keys_are_forgotten(db: Database, clock: FakeClock) -> None:
    budget = StoreBudget(db)
    await budget.reserve(TELEGRAM.limits(chat(1)), now=clock.now, not_after=NEVER)
    clock.advance(7200)
    await budget.reserve(TELEGRAM.limits(chat(2)), now=clock.now, not_after=NEVER)
    assert await budget_store.prune(db, before=clock.now - 3600) == 1  # chat 1's key
    assert await budget_store.next_free(db, "telegram:chat:1001") is None
    assert await budget_store.next_free(db, "telegram") == pytest.approx(
        clock.now + GLOBAL_GAP_S, abs=1e-5
    )
