"""Drains the outbox to the chat senders and turns their outcomes into row updates.

Alerts for one chat go out in order, one at a time, so a rate limit on that chat holds back
its later alerts instead of letting them overtake; different chats proceed side by side.

With a `Pacer`, each send first takes a slot in the platforms' budget (`bot.delivery.pacing`)
and a drain run keeps claiming for one drain interval: delivery runs at the platforms' rate
instead of one fixed batch per tick. An alert whose slot would come after the run is handed
back, due at once, for the next run; a 429 pauses the platform (or the chat) for its wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import OutboxSettings
from bot.delivery.outcomes import (
    ChatGone,
    ChatMoved,
    Delivered,
    RateLimited,
    Rejected,
    Sender,
    SendOutcome,
    Transient,
)
from bot.delivery.pacing import Pacer
from bot.models import ChatRef, Deliverable
from bot.store import Database
from bot.store import outbox as outbox_store
from bot.store import subscriptions as subscriptions_store

log = logging.getLogger("vigia.outbox")
TRANSIENT_BASE_DELAY_S = 5.0
#: A paced drain run claims and sends for this share of the drain interval, so that it ends
#: before the next tick.
RUN_SHARE = 0.97


@dataclass(slots=True)
class DrainStats:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    chats_paused: int = 0
    chats_moved: int = 0
    rejected: int = 0
    paced: int = 0  # handed back for a later run: no slot in the platforms' budget


def transient_delay_s(attempts: int, max_backoff_s: float) -> float:
    return float(min(max_backoff_s, TRANSIENT_BASE_DELAY_S * 2**attempts))


class OutboxDrainer:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        *,
        settings: OutboxSettings,
        pacer: Pacer | None = None,
    ) -> None:
        self._db = db
        self._senders = dict(senders)
        self._settings = settings
        self._pacer = pacer
        self._lock = asyncio.Lock()

    async def drain_once(self) -> DrainStats:
        """Claim due alerts and send them; returns what happened. Unpaced: one batch. Paced:
        batches until the run's share of the drain interval is used."""
        async with self._lock:
            stats = DrainStats()
            if self._pacer is None:
                await self._drain_batch(stats, not_after=float("inf"))
                return stats
            started = self._pacer.clock()
            not_after = started + RUN_SHARE * self._settings.drain_interval_s
            while await self._drain_batch(stats, not_after=not_after):
                if self._pacer.clock() >= not_after:
                    break
            return stats

    async def _drain_batch(self, stats: DrainStats, *, not_after: float) -> bool:
        """One claim, sent; whether to claim again: it was full (there may be more) and the
        budget took most of it (else the run has used its share)."""
        limit = self._settings.batch_size
        alerts = await outbox_store.claim(self._db, platforms=self._senders.keys(), limit=limit)
        stats.claimed += len(alerts)
        sent_before, paced_before = stats.sent, stats.paced
        by_chat: dict[ChatRef, list[Deliverable]] = defaultdict(list)
        for alert in alerts:
            by_chat[alert.subscription.chat].append(alert)
        await asyncio.gather(
            *(self._send_chat(chat, queue, stats, not_after) for chat, queue in by_chat.items())
        )
        return len(alerts) >= limit and stats.paced - paced_before <= stats.sent - sent_before

    async def drain_all(self, *, max_rounds: int = 1000) -> DrainStats:
        """Drain until nothing is due (used by `poll --once` and tests)."""
        total = DrainStats()
        for _ in range(max_rounds):
            stats = await self.drain_once()
            total.claimed += stats.claimed
            total.sent += stats.sent
            total.deferred += stats.deferred
            total.chats_paused += stats.chats_paused
            total.chats_moved += stats.chats_moved
            total.rejected += stats.rejected
            total.paced += stats.paced
            if stats.sent == 0 and stats.chats_moved == 0 and stats.rejected == 0:
                break  # nothing claimed, or everything claimed is waiting for later
        return total

    async def _send_chat(
        self, chat: ChatRef, queue: list[Deliverable], stats: DrainStats, not_after: float
    ) -> None:
        sender = self._senders[chat.platform]
        for index, alert in enumerate(queue):
            pacer = self._pacer
            if pacer is not None and await pacer.wait_turn(chat, not_after=not_after) is not None:
                # No slot for this chat in this run: back to pending, due at once, so that
                # it keeps its place in line ahead of the chat's later alerts.
                rest = [a.id for a in queue[index:]]
                stats.paced += len(rest)
                await outbox_store.release(
                    self._db, rest, retry_at=self._db.clock(), error="paced", count_attempt=False
                )
                return
            outcome = await self._safe_send(sender, alert)
            if isinstance(outcome, Delivered):
                await outbox_store.mark_sent(self._db, alert.id, outcome.message_id)
                stats.sent += 1
                continue
            if isinstance(outcome, Rejected):
                log.error("chat %s rejected alert %d for good: %s", chat, alert.id, outcome.reason)
                await outbox_store.mark_failed(self._db, alert.id, outcome.reason)
                stats.rejected += 1
                continue
            rest = [a.id for a in queue[index:]]
            stats.deferred += len(rest)
            await self._hold_back(chat, alert, rest, outcome, stats)
            return

    async def _safe_send(self, sender: Sender, alert: Deliverable) -> SendOutcome:
        try:
            return await sender.send(alert)
        except Exception as exc:  # a sender bug must not lose the alert or stop the drain
            log.exception("sender %s crashed on alert %d", sender.platform, alert.id)
            return Transient(f"{type(exc).__name__}: {exc}")

    async def _hold_back(
        self,
        chat: ChatRef,
        alert: Deliverable,
        ids: list[int],
        outcome: SendOutcome,
        stats: DrainStats,
    ) -> None:
        now = self._db.clock()
        if isinstance(outcome, RateLimited):
            log.warning(
                "%s answered 429 for chat %s: %s paused for %.1fs; %d alert(s) wait",
                chat.platform,
                chat,
                "every send" if outcome.everywhere else "this chat",
                outcome.retry_after_s,
                len(ids),
            )
            if self._pacer is not None:
                await self._pacer.hold(chat, outcome.retry_after_s, everywhere=outcome.everywhere)
            await outbox_store.release(
                self._db,
                ids,
                retry_at=now + outcome.retry_after_s,
                error="rate limited",
                count_attempt=False,
            )
        elif isinstance(outcome, ChatGone):
            paused = await subscriptions_store.set_chat_paused(self._db, chat, True)
            stats.chats_paused += 1
            log.warning(
                "chat %s is gone (%s): paused its %d subscription(s); %d alert(s) kept",
                chat,
                outcome.reason,
                paused,
                len(ids),
            )
            await outbox_store.release(
                self._db,
                ids,
                retry_at=now,
                error=f"chat gone: {outcome.reason}",
                count_attempt=False,
            )
        elif isinstance(outcome, ChatMoved):
            moved = await subscriptions_store.move_chat(self._db, chat, outcome.new_chat)
            stats.chats_moved += 1
            log.info(
                "chat %s moved to %s: %d subscription(s) follow", chat, outcome.new_chat, moved
            )
            await outbox_store.release(
                self._db, ids, retry_at=now, error="chat moved", count_attempt=False
            )
        else:
            assert isinstance(outcome, Transient)
            delay_s = transient_delay_s(alert.attempts, self._settings.max_backoff_s)
            log.warning(
                "sending to %s failed (%s); retrying in %.0fs", chat, outcome.reason, delay_s
            )
            await outbox_store.release(
                self._db, ids, retry_at=now + delay_s, error=outcome.reason, count_attempt=True
            )
