"""The CPU thread's hand-overs of the interpreter (`bot.polling.handover`) leave the work
as it was: every item, once, in order, on the CPU thread and on the event loop's thread."""

from __future__ import annotations

import asyncio

from bot.polling.handover import EVERY_ITEMS, handing_over, loop_watched


def test_off_the_loop_every_item_comes_once_in_order() -> None:
    items = list(range(5 * EVERY_ITEMS + 3))
    assert list(handing_over(items)) == items
    assert list(handing_over(iter(items), every=1)) == items


async def test_on_the_loop_thread_and_on_a_worker_thread_the_items_are_the_same() -> None:
    items = [f"posting {n}" for n in range(3 * EVERY_ITEMS)]
    on_loop = handing_over(items)
    assert on_loop is items  # nothing handed over on the loop's own thread
    off_loop = await asyncio.to_thread(lambda: list(handing_over(items)))
    assert off_loop == items


async def test_while_the_loop_is_watched_a_worker_thread_still_gets_every_item() -> None:
    items = list(range(10 * EVERY_ITEMS))
    with loop_watched():
        first = await asyncio.to_thread(lambda: list(handing_over(items)))
        with loop_watched():  # nested, as two polls' work at once
            second = await asyncio.to_thread(lambda: list(handing_over(reversed(items))))
    assert first == items
    assert second == items[::-1]
