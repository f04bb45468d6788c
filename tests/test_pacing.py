"""Delivery paced by the platforms' budgets: spacing per platform, chat and group; a 429
pauses every send; a drain run delivers at the budget's rate and hands the rest to the next
run, nothing lost or sent twice; a 429 is one WARNING line without a traceback; a row
claimed for a chat while it hands its queue back is handed back too, not stranded."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Coroutine
from typing import Any

import pytest

from bot.config import OutboxSettings
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import Delivered, RateLimited, SendOutcome
from bot.delivery.pacing import PLATFORM_LIMITS, LocalBudget, Pacer
from bot.models import Alert, ChatRef, Deliverable
from bot.store import Database
from bot.store import outbox as outbox_store
from tests.conftest import FakeClock
from tests.test_outbox import add_alerts

TELEGRAM = PLATFORM_LIMITS["telegram"]
DISCORD = PLATFORM_LIMITS["discord"]
GLOBAL_GAP_S = 1 / (TELEGRAM.per_second * TELEGRAM.margin)


class VirtualTime:
    """Sleeps on a fake clock: when every task is asleep, the clock jumps to the earliest
    wake-up. For tasks that wait on nothing but this sleep."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._sleepers, (self.clock.now + seconds, self._seq, future))
        await future

    async def run(self, *coroutines: Coroutine[Any, Any, None]) -> None:
        tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(3):
                await asyncio.sleep(0)
            live = sum(not task.done() for task in tasks)
            if live and len(self._sleepers) == live:
                wake_at, _, future = heapq.heappop(self._sleepers)
                self.clock.now = max(self.clock.now, wake_at)
                future.set_result(None)
        for task in tasks:
            task.result()


class SteppingSleep:
    """Sleep on a fake clock by moving it: with several sleepers at once time runs ahead,
    which only makes every send later (for the tests that assert order and completeness)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await asyncio.sleep(0)


class TimedSender:
    """Records the time of each send; answers from a script, then Delivered."""

    def __init__(self, clock: FakeClock, outcomes: list[SendOutcome] | None = None) -> None:
        self.platform = "telegram"
        self.clock = clock
        self.sent: list[tuple[float, str, str]] = []
        self._outcomes = list(outcomes or [])

    async def send(self, alert: Deliverable) -> SendOutcome:
        assert isinstance(alert, Alert)  # these tests queue no digest
        outcome = self._outcomes.pop(0) if self._outcomes else Delivered(f"m{alert.id}")
        if isinstance(outcome, Delivered):
            chat = alert.subscription.chat.chat_id
            self.sent.append((self.clock.now, chat, alert.posting.title))
        return outcome


async def test_sends_keep_the_platform_and_chat_spacing(clock: FakeClock) -> None:
    time = VirtualTime(clock)
    paced = Pacer(LocalBudget(), clock=clock, sleep=time.sleep)
    times: dict[str, list[float]] = {}

    async def send(chat: ChatRef) -> None:
        assert await paced.wait_turn(chat, not_after=clock.now + 60) is None
        times.setdefault(chat.chat_id, []).append(clock.now)

    chats = [ChatRef("telegram", str(n)) for n in range(40)]
    group = ChatRef("telegram", "-100200")
    await time.run(*(send(chat) for chat in chats), *(send(group) for _ in range(3)))

    every = sorted(t for chat_times in times.values() for t in chat_times)
    gaps = [b - a for a, b in itertools.pairwise(every)]
    assert min(gaps) >= GLOBAL_GAP_S - 1e-9  # under 30 a second, all chats together
    group_times = times["-100200"]
    assert group_times[1] - group_times[0] >= 3.0  # 20 a minute in a group
    # Unsent budget is not wasted: 43 sends in about 43 global gaps.
    assert every[-1] - every[0] <= 43 * GLOBAL_GAP_S + 2 * 3.0 / TELEGRAM.margin


async def test_a_global_429_pauses_every_chat(clock: FakeClock) -> None:
    time = VirtualTime(clock)
    paced = Pacer(LocalBudget(), clock=clock, sleep=time.sleep)

    async def scenario() -> None:
        first = ChatRef("telegram", "1")
        assert await paced.wait_turn(first, not_after=clock.now + 60) is None
        start = clock.now
        await paced.hold(first, 7.0, everywhere=True)
        other = ChatRef("telegram", "2")
        assert await paced.wait_turn(other, not_after=clock.now + 60) is None
        assert clock.now >= start + 7.0
        # A chat's own 429 holds only that chat.
        await paced.hold(other, 30.0, everywhere=False)
        third = ChatRef("telegram", "3")
        before = clock.now
        assert await paced.wait_turn(third, not_after=clock.now + 60) is None
        assert clock.now - before < 1.0

    await time.run(scenario())


async def test_a_run_sends_at_the_budget_rate_and_leaves_the_rest_for_the_next(
    db: Database, clock: FakeClock
) -> None:
    for n in range(30):
        await add_alerts(db, ChatRef("telegram", str(n)), [f"a{n}", f"b{n}", f"c{n}"])
    sender = TimedSender(clock)
    settings = OutboxSettings(drain_interval_s=2.0, batch_size=20)
    paced = Pacer(LocalBudget(), clock=clock, sleep=SteppingSleep(clock))
    drainer = OutboxDrainer(db, {"telegram": sender}, settings=settings, pacer=paced)

    first = await drainer.drain_once()
    # One run claims for as long as its share of the interval lasts, batch after batch,
    # and hands back what its budget cannot send.
    assert first.claimed > settings.batch_size or first.paced > 0
    for _ in range(200):
        if (await outbox_store.counts(db)).get("sent") == 90:
            break
        clock.advance(1.0)
        await drainer.drain_once()

    titles = [title for _, _, title in sender.sent]
    assert sorted(titles) == sorted({*titles}) and len(titles) == 90  # none lost or twice
    by_chat: dict[str, list[str]] = {}
    for _, chat, title in sender.sent:
        by_chat.setdefault(chat, []).append(title[0])
    assert all(order == ["a", "b", "c"] for order in by_chat.values())  # each chat in order
    assert await outbox_store.counts(db) == {"sent": 90}


async def test_a_429_is_one_warning_line_and_pauses_the_platform(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await add_alerts(db, ChatRef("telegram", "1"), ["a", "b"])
    await add_alerts(db, ChatRef("telegram", "2"), ["c"])
    sender = TimedSender(clock, [RateLimited(5.0)])
    settings = OutboxSettings(drain_interval_s=2.0)
    paced = Pacer(LocalBudget(), clock=clock, sleep=SteppingSleep(clock))
    drainer = OutboxDrainer(db, {"telegram": sender}, settings=settings, pacer=paced)
    start = clock.now
    with caplog.at_level(logging.INFO):
        for _ in range(100):
            await drainer.drain_once()
            if len(sender.sent) == 3:
                break
            clock.advance(1.0)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and not warnings[0].exc_info
    assert "429" in warnings[0].getMessage() and "every send" in warnings[0].getMessage()
    assert sorted(title for _, _, title in sender.sent) == ["a", "b", "c"]
    assert all(at >= start + 5.0 for at, _, _ in sender.sent)  # nothing went during the pause


def test_ptb_reports_of_an_unretried_429_are_left_to_the_drainer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import adapters.chat.telegram_sender  # noqa: F401  (installs the filter)

    ptb = logging.getLogger("telegram.ext.AIORateLimiter")
    with caplog.at_level(logging.INFO):
        try:
            raise RuntimeError("429")
        except RuntimeError as error:
            ptb.exception("Rate limit hit after maximum of %d retries", 0, exc_info=error)
        ptb.info("Rate limit hit. Retrying after %f seconds", 1.0)
    assert [r.getMessage() for r in caplog.records] == [
        "Rate limit hit. Retrying after 1.000000 seconds"
    ]


class RefusingOnce(TimedSender):
    """Telegram's 429, which does not say whether it is the chat's limit or the bot's: the
    first send of `title` is refused with it."""

    def __init__(self, clock: FakeClock, title: str, retry_after_s: float) -> None:
        super().__init__(clock)
        self._refuse = title
        self._retry_after_s = retry_after_s
        self.refused_at: float | None = None

    async def send(self, alert: Deliverable) -> SendOutcome:
        assert isinstance(alert, Alert)
        if alert.posting.title == self._refuse and self.refused_at is None:
            self.refused_at = self.clock.now
            return RateLimited(self._retry_after_s, everywhere=None)
        return await super().send(alert)


async def test_a_chat_s_own_429_holds_that_chat_and_the_others_keep_going(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The chat was sent to a moment before, so the 429 is its own one-a-second limit: only
    its next alert waits; the other chats' alerts go on during the wait."""
    await add_alerts(db, ChatRef("telegram", "1"), ["a1", "a2"])
    for n in range(2, 8):
        await add_alerts(db, ChatRef("telegram", str(n)), [f"x{n}", f"y{n}", f"z{n}"])
    sender = RefusingOnce(clock, "a2", retry_after_s=10.0)
    settings = OutboxSettings(drain_interval_s=2.0)
    paced = Pacer(LocalBudget(), clock=clock, sleep=SteppingSleep(clock))
    drainer = OutboxDrainer(db, {"telegram": sender}, settings=settings, pacer=paced)
    with caplog.at_level(logging.INFO):
        for _ in range(100):
            await drainer.drain_once()
            if len(sender.sent) == 20:
                break
            clock.advance(0.5)
    assert sender.refused_at is not None
    pause_ends = sender.refused_at + 10.0
    others_during_pause = [t for at, chat, t in sender.sent if chat != "1" and at < pause_ends]
    assert others_during_pause and any(t.startswith("z") for t in others_during_pause)
    [(a2_at, _, _)] = [entry for entry in sender.sent if entry[2] == "a2"]
    assert a2_at >= pause_ends  # the chat itself waited the whole retry_after
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "this chat" in warnings[0]
    assert sorted(t for _, _, t in sender.sent) == sorted(
        ["a1", "a2", *(f"{p}{n}" for n in range(2, 8) for p in "xyz")]
    )  # nothing lost or sent twice


async def test_a_429_the_chat_s_pace_cannot_explain_is_the_bot_wide_limit(
    clock: FakeClock,
) -> None:
    """A 429 that does not say its scope: for a chat with no send in the last seconds it can
    only be the bot-wide limit, and so can 429s for several chats within one second."""
    time = VirtualTime(clock)
    paced = Pacer(LocalBudget(), clock=clock, sleep=time.sleep)
    busy, idle = ChatRef("telegram", "1"), ChatRef("telegram", "2")

    async def scenario() -> None:
        assert await paced.wait_turn(busy, not_after=clock.now + 60) is None
        clock.advance(0.5)
        assert paced.scope_of(busy) is False  # its own one-a-second limit
        clock.advance(1.0)
        assert paced.scope_of(idle) is True  # never sent to: the bot's limit
        clock.advance(5.0)
        assert paced.scope_of(busy) is True  # its last send is long past
        group = ChatRef("telegram", "-100")
        assert await paced.wait_turn(group, not_after=clock.now + 60) is None
        clock.advance(4.0)
        assert paced.scope_of(group) is False  # a group's pace is 20 a minute
        for n in (3, 4):
            chat = ChatRef("telegram", str(n))
            assert await paced.wait_turn(chat, not_after=clock.now + 60) is None
        assert paced.scope_of(ChatRef("telegram", "3")) is False
        # A third chat refused within the second: it is the bot's limit after all.
        assert paced.scope_of(ChatRef("telegram", "4")) is True

    await time.run(scenario())


async def test_sends_that_wake_late_still_keep_the_chat_and_platform_limits(
    clock: FakeClock,
) -> None:
    """On a busy machine a send wakes after its slot: it must not go closer than a second to
    the chat's previous send, nor make a burst of more than the platform's 30 in a second."""
    time = VirtualTime(clock)
    calls = itertools.count()

    async def oversleeping(seconds: float) -> None:
        late = 0.4 if next(calls) % 7 == 3 else 0.0  # every 7th wake-up is 0.4 s late
        await time.sleep(seconds + late)

    paced = Pacer(LocalBudget(), clock=clock, sleep=oversleeping)
    times: dict[str, list[float]] = {}

    async def sends(chat: ChatRef) -> None:
        for _ in range(3):
            assert await paced.wait_turn(chat, not_after=clock.now + 600) is None
            times.setdefault(chat.chat_id, []).append(clock.now)

    await time.run(*(sends(ChatRef("telegram", str(n))) for n in range(40)))
    for chat_times in times.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(chat_times))
    every = sorted(t for chat_times in times.values() for t in chat_times)
    assert len(every) == 120
    assert all(
        sum(1 for t in every if start <= t < start + 1.0) < TELEGRAM.per_second for start in every
    )


async def test_a_chat_waiting_out_its_own_spacing_does_not_hold_the_platform_s_slots(
    clock: FakeClock,
) -> None:
    """Discord channels at about one message a second each, well under the platform's 50/s:
    a channel that asks for its next turn while its own spacing still runs must not book the
    platform's slots ahead of a channel that is ready now (a channel whose send came back
    late then lost a whole second)."""
    time = VirtualTime(clock)
    paced = Pacer(LocalBudget(), clock=clock, sleep=time.sleep)
    start = clock.now
    went: dict[str, list[float]] = {}

    async def sends(chat: ChatRef, count: int, *, after_s: float = 0.0) -> None:
        if after_s:
            await time.sleep(after_s)
        for _ in range(count):
            assert await paced.wait_turn(chat, not_after=clock.now + 60) is None
            went.setdefault(chat.chat_id, []).append(clock.now)

    channels = [ChatRef("discord", str(n)) for n in range(40)]
    late = ChatRef("discord", "late")
    await time.run(*(sends(chat, 2) for chat in channels), sends(late, 1, after_s=0.5))
    # Ready at 0.5 s, behind at most the other channels' first sends (40 x 1/48 s).
    assert went["late"][0] - start < 0.5 + 40 / (DISCORD.per_second * DISCORD.margin)
    every = sorted(t for times in went.values() for t in times)
    assert all(sum(1 for t in every if at <= t < at + 1.0) < DISCORD.per_second for at in every)
    assert all(b - a >= 1.0 for times in went.values() for a, b in itertools.pairwise(times))


class HangingSender(TimedSender):
    """Chat "slow"'s send hangs until every other alert has gone out."""

    def __init__(self, clock: FakeClock, others: int) -> None:
        super().__init__(clock)
        self.others = others
        self.rest_sent = asyncio.Event()

    async def send(self, alert: Deliverable) -> SendOutcome:
        if alert.subscription.chat.chat_id == "slow":
            await self.rest_sent.wait()
        outcome = await super().send(alert)
        if sum(chat != "slow" for _, chat, _ in self.sent) == self.others:
            self.rest_sent.set()
        return outcome


async def test_a_send_that_hangs_holds_back_only_its_own_chat(
    db: Database, clock: FakeClock
) -> None:
    """A run claims more as alerts go out rather than waiting for its slowest chat: the
    other chats' later alerts, claimed after the hanging send began, still go out."""
    await add_alerts(db, ChatRef("telegram", "slow"), ["s1"])
    await add_alerts(db, ChatRef("telegram", "1"), ["a1", "a2", "a3"])
    await add_alerts(db, ChatRef("telegram", "2"), ["b1", "b2"])
    sender = HangingSender(clock, others=5)
    settings = OutboxSettings(drain_interval_s=2.0, batch_size=2)
    paced = Pacer(LocalBudget(), clock=clock, sleep=SteppingSleep(clock))
    drainer = OutboxDrainer(db, {"telegram": sender}, settings=settings, pacer=paced)

    stats = await asyncio.wait_for(drainer.drain_once(), timeout=60)  # not a deadlock

    titles = [title for _, _, title in sender.sent]
    assert titles[-1] == "s1" and stats.sent == 6
    assert [t for t in titles if t[0] == "a"] == ["a1", "a2", "a3"]
    assert [t for t in titles if t[0] == "b"] == ["b1", "b2"]
    assert await outbox_store.counts(db) == {"sent": 6}


async def test_a_row_claimed_for_a_chat_while_it_hands_its_queue_back_is_not_stranded(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while chat 1 waits for its slot and a claim holding its next alert is on its
    way: the chat hands its queue back, and the claim lands in that queue while the hand-back
    is being written. The chat's task must hand that alert back too before it ends (a task
    that ended with it queued left the run waiting for it forever). The interleaving is
    driven by events: the claim returns only once the hand-back has begun, and the
    hand-back is written only once the claim's alert is queued."""
    chat = ChatRef("telegram", "1")
    await add_alerts(db, chat, ["a1", "a2"])
    sender = TimedSender(clock)
    waiting_for_slot = asyncio.Event()

    async def slot_never_comes(seconds: float) -> None:
        waiting_for_slot.set()
        await asyncio.get_running_loop().create_future()  # until stop() wakes the chat

    paced = Pacer(LocalBudget(), clock=clock, sleep=slot_never_comes)
    await paced.hold(chat, 3.0, everywhere=False)  # its next slot is 3 s away
    settings = OutboxSettings(drain_interval_s=2.0, batch_size=1)  # one row a claim
    drainer = OutboxDrainer(db, {"telegram": sender}, settings=settings, pacer=paced)

    real_claim, real_release = outbox_store.claim, outbox_store.release
    claims = 0
    hand_back_begun, a2_queued = asyncio.Event(), asyncio.Event()

    async def claim(*args: Any, **kwargs: Any) -> list[Deliverable]:
        nonlocal claims
        claims += 1
        rows = await real_claim(*args, **kwargs)
        if claims == 2:  # a2, claimed while a1 waits for the chat's slot
            await waiting_for_slot.wait()
            drainer.stop()  # SIGTERM: the chat hands a1 back
            await hand_back_begun.wait()
            a2_queued.set()  # the caller queues a2 before anything else runs
        return rows

    async def release(*args: Any, **kwargs: Any) -> int:
        if not hand_back_begun.is_set():
            hand_back_begun.set()
            await a2_queued.wait()
        return await real_release(*args, **kwargs)

    monkeypatch.setattr(outbox_store, "claim", claim)
    monkeypatch.setattr(outbox_store, "release", release)

    stats = await asyncio.wait_for(drainer.drain_once(), timeout=30)  # not stranded

    assert claims == 2 and stats.claimed == 2 and stats.stopped == 2 and not sender.sent
    assert await outbox_store.counts(db) == {"pending": 2}  # both back, due at once
    monkeypatch.undo()
    restarted = OutboxDrainer(
        db,
        {"telegram": sender},
        settings=settings,
        pacer=Pacer(LocalBudget(), clock=clock, sleep=SteppingSleep(clock)),
    )
    await restarted.drain_all()
    assert [title for _, _, title in sender.sent] == ["a1", "a2"]  # in order, once each
