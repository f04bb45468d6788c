"""Alerts paced by the platforms' send budgets, so delivery runs at their full rate.

Telegram allows about 30 messages a second overall, one a second in one chat and 20 a minute
in one group; Discord 50 requests a second overall and, per channel, a bucket that refills at
about one message a second. A fixed batch per drain tick either wastes that budget (50 alerts
every 2 s is 25 a second) or runs into 429s. Instead every send first reserves a slot under
each limit that applies to it (the platform's, the chat's), and goes at the latest of them.

A limit is a spacing (`interval_s` between two sends under it); the state of a limit is one
number, the earliest time its next send may go (a "theoretical arrival time"). Reserving a
slot moves it on by one interval; a 429 that says "retry after N" moves it to now + N, which
pauses every send under that limit. `SendBudget` is that state behind a small interface: the
default lives in this process (`LocalBudget`); `StoreBudget` keeps it in the database
(`bot.store.budget`, a row lock per key), so that several delivery processes on one
PostgreSQL database share the platform's 30 messages a second and each chat's pace instead of
each taking them whole.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.delivery.outcomes import RateLimited
from bot.models import ChatRef
from bot.store import Database
from bot.store import budget as budget_store

__all__ = [
    "PLATFORM_LIMITS",
    "Limit",
    "LocalBudget",
    "Pacer",
    "PlatformLimits",
    "SendBudget",
    "StoreBudget",
    "holds_everywhere",
]


@dataclass(frozen=True, slots=True)
class Limit:
    """At most one send per `interval_s` under `key` ("telegram", "telegram:chat:42")."""

    key: str
    interval_s: float


class SendBudget(Protocol):
    """Shared send slots. Implementations must make `reserve` atomic across its callers."""

    async def reserve(self, limits: Sequence[Limit], *, now: float, not_after: float) -> float:
        """The earliest time at or after `now` that every limit allows a send. The slot is
        taken (under each limit) only when it is at or before `not_after`."""
        ...

    async def hold(self, key: str, *, until: float) -> None:
        """No send under `key` before `until` (a 429's retry_after)."""
        ...


class LocalBudget:
    """The budget of one process: one next-free time per key, in memory."""

    def __init__(self, *, max_keys: int = 100_000) -> None:
        self._next_free: dict[str, float] = {}
        self._max_keys = max_keys

    async def reserve(self, limits: Sequence[Limit], *, now: float, not_after: float) -> float:
        slot = max([now, *(self._next_free.get(limit.key, now) for limit in limits)])
        if slot > not_after:
            return slot
        for limit in limits:
            self._next_free[limit.key] = slot + limit.interval_s
        if len(self._next_free) > self._max_keys:
            self._forget_idle(now)
        return slot

    async def hold(self, key: str, *, until: float) -> None:
        self._next_free[key] = max(self._next_free.get(key, until), until)

    def _forget_idle(self, now: float) -> None:
        """Keys whose next slot is past hold nothing back: drop them (chats come and go)."""
        for key in [key for key, free_at in self._next_free.items() if free_at <= now]:
            del self._next_free[key]


class StoreBudget:
    """The budget of every process on one database: one row per key (`send_budget`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def reserve(self, limits: Sequence[Limit], *, now: float, not_after: float) -> float:
        return await budget_store.reserve(
            self._db,
            [(limit.key, limit.interval_s) for limit in limits],
            now=now,
            not_after=not_after,
        )

    async def hold(self, key: str, *, until: float) -> None:
        await budget_store.hold(self._db, key, until=until)


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """A platform's published limits, as spacings; `margin` keeps a little below them, so
    that timer jitter never makes two sends closer than the platform counts."""

    per_second: float  # the whole bot
    chat_interval_s: float  # one chat (Telegram) or channel (Discord's per-route bucket)
    group_interval_s: float | None = None  # Telegram groups: 20 a minute
    margin: float = 0.96

    def limits(self, chat: ChatRef) -> list[Limit]:
        platform = chat.platform
        chat_interval_s = self.chat_interval_s / self.margin
        if self.group_interval_s is not None and chat.chat_id.startswith("-"):
            chat_interval_s = max(chat_interval_s, self.group_interval_s / self.margin)
        return [
            Limit(platform, 1.0 / (self.per_second * self.margin)),
            Limit(f"{platform}:chat:{chat.chat_id}", chat_interval_s),
        ]


#: Telegram: 30 messages/s overall, 1/s in a chat, 20/min in a group (negative chat ids);
#: Discord: 50 requests/s overall, and a channel's message bucket (5 per 5 s) taken as 1/s.
PLATFORM_LIMITS: dict[str, PlatformLimits] = {
    "telegram": PlatformLimits(per_second=30.0, chat_interval_s=1.0, group_interval_s=3.0),
    "discord": PlatformLimits(per_second=50.0, chat_interval_s=1.0),
}


#: A 429 that names no scope is the chat's own when the chat had a turn within this many of
#: its spacings (`Pacer.scope_of`).
RECENT_TURN_S = 2.0
#: 429s naming no scope for this many different chats within a second are the bot-wide limit.
GLOBAL_429_CHATS = 3
#: Chats whose last turn the pacer remembers before it forgets the idle ones.
MAX_TURNS_KEPT = 50_000


class Pacer:
    """Asks the budget before each send and waits for the slot it got."""

    def __init__(
        self,
        budget: SendBudget | None = None,
        *,
        limits: dict[str, PlatformLimits] | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.budget: SendBudget = budget if budget is not None else LocalBudget()
        self._limits = PLATFORM_LIMITS if limits is None else limits
        self.clock = clock
        self._sleep = sleep
        # Pauses this process saw (a 429): a send whose slot was taken before the pause
        # began must not go during it.
        self._paused_until: dict[str, float] = {}
        # When each chat last got a turn, and recent 429s that named no scope (Telegram's):
        # what `scope_of` reads.
        self._last_turn: dict[str, float] = {}
        # The turns given in the last second, per platform (`_keep_spacing`).
        self._recent_turns: dict[str, deque[float]] = {}
        self._unscoped_429s: list[tuple[float, str]] = []

    def rate_per_s(self, platform: str) -> float | None:
        """How many sends a second the platform allows; None when it sets no limit."""
        rules = self._limits.get(platform)
        return rules.per_second * rules.margin if rules else None

    async def wait_turn(self, chat: ChatRef, *, not_after: float) -> float | None:
        """Wait for this chat's next send slot and return None: send now. When the slot
        comes after `not_after`, return it instead (without waiting or taking it), so the
        caller can hand the alert back, due then."""
        rules = self._limits.get(chat.platform)
        if rules is None:
            return None  # the console: no limit
        limits = rules.limits(chat)
        late = await self._wait_for_chat(limits[-1], not_after)
        if late is not None:
            return late
        while True:
            now = self.clock()
            slot = await self.budget.reserve(limits, now=now, not_after=not_after)
            if slot > not_after:
                return slot
            if slot > now:
                await self._sleep(slot - now)
            late = await self._keep_spacing(chat.platform, rules, limits[-1], not_after)
            if late is not None:
                return late
            paused_until = max(self._paused_until.get(limit.key, 0.0) for limit in limits)
            now = self.clock()
            if paused_until <= now:
                self._note_turn(limits[-1].key, now)
                self._recent_turns.setdefault(chat.platform, deque()).append(now)
                return None
            # A 429 came while this send waited: its slot is void; queue again after the
            # pause (the budget's next free time is already past it).

    async def _wait_for_chat(self, own: Limit, not_after: float) -> float | None:
        """Wait until the chat's own spacing (or pause) allows its next send, before taking a
        slot in the platform's budget; the time it would when that is after `not_after`.

        The platform's budget is one next-free time: a slot taken a second ahead for a chat
        that must wait out its own spacing holds every later taker behind it. With Discord's
        channels each at 1/s, a channel whose send came back late (discord.py sleeps out an
        emptied bucket inside the send) found the platform's next slot booked a second ahead
        by the others and lost a whole spacing: one send in seven a second late, 83 % of the
        rate. Taken when the chat is ready, the platform's slots are only queued behind sends
        that can go."""
        ready = max(
            self._last_turn.get(own.key, -math.inf) + own.interval_s,
            self._paused_until.get(own.key, -math.inf),
        )
        now = self.clock()
        if ready <= now:
            return None
        if ready > not_after:
            return ready
        await self._sleep(ready - now)
        return None

    async def _keep_spacing(
        self, platform: str, rules: PlatformLimits, own: Limit, not_after: float
    ) -> float | None:
        """Wait, past the slot, until the turns really given keep the limits: at most
        `per_second - 1` in any second, and the chat's spacing since its last turn.

        Slots keep the limits on average, but a send that wakes late (a busy machine) goes
        closer to the next one than its slot said: a chat's two sends under a second
        apart, or a burst of late sends over the platform's 30 in a second, both refused
        with 429 (delivery at 73-84 % of the rate on a loaded machine). None when the turn
        may go now; the time it could go when that is after `not_after`."""
        window = self._recent_turns.setdefault(platform, deque())
        most = max(1, math.floor(rules.per_second) - 1)
        while True:
            now = self.clock()
            while window and window[0] <= now - 1.0:
                window.popleft()
            wait_s = window[0] + 1.0 - now if len(window) >= most else 0.0
            last_turn = self._last_turn.get(own.key)
            if last_turn is not None:
                wait_s = max(wait_s, last_turn + own.interval_s - now)
            if wait_s <= 0:
                return None
            if now + wait_s > not_after:
                return now + wait_s
            await self._sleep(wait_s)

    def _note_turn(self, key: str, now: float) -> None:
        self._last_turn[key] = now
        if len(self._last_turn) > MAX_TURNS_KEPT:
            horizon = now - RECENT_TURN_S * 60.0  # past any chat's or group's spacing
            self._last_turn = {k: at for k, at in self._last_turn.items() if at >= horizon}

    def scope_of(self, chat: ChatRef) -> bool:
        """Whether a 429 that does not say its scope (Telegram's) is the platform's limit
        (True: every send waits) rather than the chat's own (False: only this chat waits).

        The pacer keeps every chat to its pace, so a chat's own limit refuses a send only
        when that chat's previous send went shortly before (timer and network jitter, or
        another bot instance on the same token). A 429 for a chat that had no turn within
        `RECENT_TURN_S`, or 429s for `GLOBAL_429_CHATS` different chats within a second, can
        only be the bot-wide limit. Taking a chat's 429 as global paused all of Telegram for
        a second or more each time (delivery at 73-88 % of the rate)."""
        rules = self._limits.get(chat.platform)
        if rules is None:
            return True
        own = rules.limits(chat)[-1]  # the chat's (or the group's) spacing
        now = self.clock()
        self._unscoped_429s = [(at, key) for at, key in self._unscoped_429s if at > now - 1.0]
        self._unscoped_429s.append((now, own.key))
        if len({key for _, key in self._unscoped_429s}) >= GLOBAL_429_CHATS:
            self._unscoped_429s.clear()
            return True
        last_turn = self._last_turn.get(own.key)
        return last_turn is None or now - last_turn > RECENT_TURN_S * own.interval_s

    async def hold(self, chat: ChatRef, retry_after_s: float, *, everywhere: bool) -> None:
        """A 429: no send to this chat, or (`everywhere`) on its platform, for `retry_after_s`."""
        until = self.clock() + retry_after_s
        key = chat.platform if everywhere else f"{chat.platform}:chat:{chat.chat_id}"
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)
        await self.budget.hold(key, until=until)


def holds_everywhere(pacer: Pacer | None, chat: ChatRef, outcome: RateLimited) -> bool:
    """Whether a 429 holds every send of the platform or only this chat's; when the platform
    did not say (Telegram), the pacer tells from what it sent (`Pacer.scope_of`)."""
    if outcome.everywhere is not None:
        return outcome.everywhere
    return pacer.scope_of(chat) if pacer is not None else True
