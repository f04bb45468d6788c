"""Drains the outbox to the chat senders and turns their outcomes into row updates.

Alerts for one chat go out in order, one at a time, so a rate limit on that chat holds back
its later alerts instead of letting them overtake; different chats proceed side by side.

With a `Pacer`, each send first takes a slot in the platforms' budget (`bot.delivery.pacing`)
and a drain run keeps claiming for one drain interval: delivery runs at the platforms' rate
instead of one fixed batch per tick. An alert whose slot would come after the run is handed
back, due at once, for the next run; a 429 pauses the platform (or the chat) for its wait.

A batch holds its rows under one fenced claim (`bot.store.outbox`) and renews the claim's
lease while it runs (before a send once a third of the lease has passed, and from a
background task while a send takes long), so a slow batch is never taken over by a second
sender; a row whose claim was lost anyway (the process stood still past its lease) is not
sent, and a late record of it changes nothing.

`stop()` (SIGTERM) lets each chat finish the message in flight and record it, then hands the
batch's other rows back at once: nothing is sent twice and nothing waits out a lease. If the
drain is cancelled even so (its grace ran out), the rows not in flight are handed back and a
delivery that was already being recorded is still recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.config import OutboxSettings
from bot.delivery.outcomes import (
    ChatGone,
    ChatMoved,
    Delivered,
    Editor,
    RateLimited,
    Rejected,
    Sender,
    SendOutcome,
    Transient,
)
from bot.delivery.pacing import Pacer
from bot.logs import ids as log_ids
from bot.metrics import count_rate_limit, count_send
from bot.models import AlertEdit, ChatRef, Deliverable
from bot.store import Database
from bot.store import edits as edits_store
from bot.store import outbox as outbox_store
from bot.store import subscriptions as subscriptions_store

log = logging.getLogger("vigia.outbox")
TRANSIENT_BASE_DELAY_S = 5.0
#: A paced drain run claims and sends for this share of the drain interval, so that it ends
#: before the next tick.
RUN_SHARE = 0.97
#: A batch renews its claim's lease once this share of the lease has passed.
RENEW_SHARE = 1 / 3
#: An edit that keeps failing (network, 5xx) is given up after this many tries.
MAX_EDIT_ATTEMPTS = 5
T = TypeVar("T")
#: A send's outcome as `vigia_sends` labels it.
_OUTCOME_NAMES: dict[type, str] = {
    Delivered: "sent",
    RateLimited: "rate_limited",
    ChatGone: "chat_gone",
    ChatMoved: "chat_moved",
    Rejected: "rejected",
    Transient: "transient",
}


@dataclass(slots=True)
class DrainStats:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    chats_paused: int = 0
    chats_moved: int = 0
    rejected: int = 0
    paced: int = 0  # handed back for a later run: no slot in the platforms' budget
    stopped: int = 0  # handed back because the bot is stopping
    lost: int = 0  # claims another sender took over (this one's lease had run out)
    edited: int = 0  # sent alerts drawn again with a place their job was seen since
    edits_failed: int = 0  # edits the platform will never take (the message was deleted)


@dataclass(slots=True)
class _Batch:
    """One claim being sent: which rows it still holds, which are done or in flight."""

    claim: str
    ids: list[int]
    held: set[int]
    renewed_at: float
    done: set[int] = field(default_factory=set)
    in_flight: set[int] = field(default_factory=set)


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
        holder: str | None = None,
    ) -> None:
        self._db = db
        #: The worker whose claims these are (`python -m bot workers` shows them).
        self._holder = holder
        self._senders = dict(senders)
        self._settings = settings
        self._pacer = pacer
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self.lease_s = settings.lease_s

    def stop(self) -> None:
        """Stop after the messages in flight: the rest of the batch goes back at once, and no
        later drain claims anything."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def drain_once(self) -> DrainStats:
        """Claim due alerts and send them; returns what happened. Unpaced: one batch. Paced:
        batches until the run's share of the drain interval is used."""
        async with self._lock:
            stats = DrainStats()
            if self.stopping:
                return stats
            if self._pacer is None:
                await self._drain_batch(stats, not_after=float("inf"))
                await self._edit_batch(stats, not_after=float("inf"))
                return stats
            started = self._pacer.clock()
            not_after = started + RUN_SHARE * self._settings.drain_interval_s
            while await self._drain_batch(stats, not_after=not_after):
                if self._pacer.clock() >= not_after or self.stopping:
                    break
            # New alerts first: edits of sent ones take the rest of the run's budget.
            if self._pacer.clock() < not_after:
                await self._edit_batch(stats, not_after=not_after)
            return stats

    async def _drain_batch(self, stats: DrainStats, *, not_after: float) -> bool:
        """One claim, sent; whether to claim again: it was full (there may be more) and the
        budget took most of it (else the run has used its share)."""
        limit = self._settings.batch_size
        alerts = await outbox_store.claim(
            self._db,
            platforms=self._senders.keys(),
            limit=limit,
            lease_s=self.lease_s,
            holder=self._holder,
        )
        if not alerts:
            return False
        stats.claimed += len(alerts)
        sent_before, paced_before = stats.sent, stats.paced
        ids = [alert.id for alert in alerts]
        batch = _Batch(alerts[0].claim, ids, set(ids), self._db.clock())
        by_chat: dict[ChatRef, list[Deliverable]] = defaultdict(list)
        for alert in alerts:
            by_chat[alert.subscription.chat].append(alert)
        keeper = asyncio.create_task(self._keep_lease(batch, stats), name="outbox-lease")
        try:
            await asyncio.gather(
                *(
                    self._send_chat(chat, queue, stats, not_after, batch)
                    for chat, queue in by_chat.items()
                )
            )
        except asyncio.CancelledError:
            # Stopped harder than `stop()`: hand back what no send has started on, so the
            # next start sends it without waiting out the lease.
            rest = [i for i in ids if i not in batch.done and i not in batch.in_flight]
            with contextlib.suppress(Exception):
                await _finish(
                    outbox_store.release(
                        self._db,
                        rest,
                        claim=batch.claim,
                        retry_at=self._db.clock(),
                        error="stopped",
                        count_attempt=False,
                    )
                )
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper
        return len(alerts) >= limit and stats.paced - paced_before <= stats.sent - sent_before

    async def _keep_lease(self, batch: _Batch, stats: DrainStats) -> None:
        """While the batch runs, renew its lease every `RENEW_SHARE` of it (real time): a
        send that hangs does not let the claim run out under it."""
        while True:
            await asyncio.sleep(self.lease_s * RENEW_SHARE)
            await self._renew(batch, stats)

    async def _renew(self, batch: _Batch, stats: DrainStats) -> None:
        held = await outbox_store.renew(self._db, batch.claim, lease_s=self.lease_s)
        batch.renewed_at = self._db.clock()
        lost = batch.held - held - batch.done
        if lost:
            stats.lost += len(lost)
            log.warning(
                "%d alert(s) of this batch were claimed by another sender after the lease ran"
                " out; this one will not send them",
                len(lost),
            )
        batch.held = held

    async def _still_held(self, alert: Deliverable, batch: _Batch, stats: DrainStats) -> bool:
        """Renew the lease when a third of it has passed; whether the row is still ours."""
        if self._db.clock() - batch.renewed_at >= self.lease_s * RENEW_SHARE:
            await self._renew(batch, stats)
        return alert.id in batch.held

    async def _turn(self, chat: ChatRef, not_after: float) -> bool:
        """Wait for the chat's send slot; False when there is none in this run, or the bot
        is stopping. (A wait is bounded by the run's end; a stop that cannot wait that long
        cancels the drain, which hands the rows back as well.)"""
        if self.stopping:
            return False
        pacer = self._pacer
        if pacer is not None and await pacer.wait_turn(chat, not_after=not_after) is not None:
            return False
        return not self.stopping

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
            total.stopped += stats.stopped
            total.lost += stats.lost
            total.edited += stats.edited
            total.edits_failed += stats.edits_failed
            if (
                stats.sent == 0
                and stats.chats_moved == 0
                and stats.rejected == 0
                and stats.edited == 0
                and stats.edits_failed == 0
            ):
                break  # nothing claimed, or everything claimed is waiting for later
        return total

    async def _edit_batch(self, stats: DrainStats, *, not_after: float) -> None:
        """Claim due edits of sent alerts on the platforms that can edit, and make them: one
        chat's one at a time, within the same budget as sends."""
        editors = {
            name: sender for name, sender in self._senders.items() if isinstance(sender, Editor)
        }
        if not editors or self.stopping:
            return
        edits = await edits_store.claim(
            self._db,
            platforms=editors.keys(),
            limit=self._settings.batch_size,
            lease_s=self.lease_s,
            holder=self._holder,
        )
        if not edits:
            return
        by_chat: dict[ChatRef, list[AlertEdit]] = defaultdict(list)
        for edit in edits:
            by_chat[edit.alert.subscription.chat].append(edit)
        try:
            await asyncio.gather(
                *(
                    self._edit_chat(editors[chat.platform], queue, stats, not_after)
                    for chat, queue in by_chat.items()
                )
            )
        except asyncio.CancelledError:
            # Stopped hard: hand every edit back (one in flight may be made twice, which
            # draws the same card again).
            with contextlib.suppress(Exception):
                await _finish(
                    edits_store.release(self._db, edits, retry_at=self._db.clock(), error="stopped")
                )
            raise

    async def _edit_chat(
        self, editor: Editor, queue: list[AlertEdit], stats: DrainStats, not_after: float
    ) -> None:
        for index, edit in enumerate(queue):
            chat = edit.alert.subscription.chat
            if not await self._turn(chat, not_after):
                await edits_store.release(
                    self._db,
                    queue[index:],
                    retry_at=self._db.clock(),
                    error="stopped" if self.stopping else "paced",
                )
                return
            try:
                outcome = await editor.edit(edit)
            except Exception as exc:  # an editor bug must not stop the drain
                log.exception("editing alert %d crashed", edit.alert.id)
                outcome = Transient(f"{type(exc).__name__}: {exc}")
            count_send(chat.platform, "edited" if isinstance(outcome, Delivered) else "edit_failed")
            ids = log_ids(chat=chat, alert=edit.alert.id)
            if isinstance(outcome, Delivered):
                if await _finish(edits_store.mark_edited(self._db, edit)):
                    stats.edited += 1
                continue
            if isinstance(outcome, RateLimited):
                count_rate_limit(chat.platform, outcome.retry_after_s)
                if self._pacer is not None:
                    await self._pacer.hold(
                        chat, outcome.retry_after_s, everywhere=self._everywhere(chat, outcome)
                    )
                await edits_store.release(
                    self._db,
                    queue[index:],
                    retry_at=self._db.clock() + outcome.retry_after_s,
                    error="rate limited",
                )
                return
            if isinstance(outcome, Transient) and edit.attempts + 1 < MAX_EDIT_ATTEMPTS:
                delay_s = transient_delay_s(edit.attempts, self._settings.max_backoff_s)
                log.warning(
                    "editing alert %d in %s failed (%s); retrying in %.0fs",
                    edit.alert.id,
                    chat,
                    outcome.reason,
                    delay_s,
                    extra=ids,
                )
                await edits_store.release(
                    self._db,
                    [edit],
                    retry_at=self._db.clock() + delay_s,
                    error=outcome.reason,
                    count_attempt=True,
                )
                continue
            # The message is gone, the bot may not edit it, or it kept failing: the alert
            # stays as it was sent.
            reason = getattr(outcome, "reason", type(outcome).__name__)
            log.info("alert %d in %s not edited: %s", edit.alert.id, chat, reason, extra=ids)
            await edits_store.mark_failed(self._db, edit, str(reason))
            stats.edits_failed += 1

    async def _send_chat(
        self,
        chat: ChatRef,
        queue: list[Deliverable],
        stats: DrainStats,
        not_after: float,
        batch: _Batch,
    ) -> None:
        sender = self._senders[chat.platform]
        for index, alert in enumerate(queue):
            if not await self._turn(chat, not_after):
                # Stopping, or no slot for this chat in this run: back to pending, due at
                # once, so that it keeps its place in line ahead of the chat's later alerts.
                rest = [a.id for a in queue[index:]]
                stopping = self.stopping
                if stopping:
                    stats.stopped += len(rest)
                else:
                    stats.paced += len(rest)
                await self._release(
                    batch, rest, retry_at=self._db.clock(), error="stopped" if stopping else "paced"
                )
                return
            if not await self._still_held(alert, batch, stats):
                batch.done.add(alert.id)
                continue  # another sender has it now
            batch.in_flight.add(alert.id)
            outcome = await self._safe_send(sender, alert)
            count_send(chat.platform, _OUTCOME_NAMES.get(type(outcome), "transient"))
            if isinstance(outcome, Delivered):
                recorded = await _finish(
                    outbox_store.mark_sent(
                        self._db, alert.id, outcome.message_id, claim=batch.claim
                    )
                )
                batch.in_flight.discard(alert.id)
                batch.done.add(alert.id)
                if recorded:
                    stats.sent += 1
                else:
                    stats.lost += 1
                    count_send(chat.platform, "lost_claim")
                continue
            batch.in_flight.discard(alert.id)
            if isinstance(outcome, Rejected):
                log.error(
                    "chat %s rejected alert %d for good: %s",
                    chat,
                    alert.id,
                    outcome.reason,
                    extra=log_ids(chat=chat, alert=alert.id),
                )
                await outbox_store.mark_failed(
                    self._db, alert.id, outcome.reason, claim=batch.claim
                )
                batch.done.add(alert.id)
                stats.rejected += 1
                continue
            rest = [a.id for a in queue[index:]]
            stats.deferred += len(rest)
            await self._hold_back(chat, alert, rest, outcome, stats, batch)
            return

    async def _release(
        self,
        batch: _Batch,
        ids: list[int],
        *,
        retry_at: float,
        error: str,
        count_attempt: bool = False,
    ) -> None:
        await outbox_store.release(
            self._db,
            ids,
            claim=batch.claim,
            retry_at=retry_at,
            error=error,
            count_attempt=count_attempt,
        )
        batch.done.update(ids)

    async def _safe_send(self, sender: Sender, alert: Deliverable) -> SendOutcome:
        try:
            return await sender.send(alert)
        except Exception as exc:  # a sender bug must not lose the alert or stop the drain
            log.exception("sender %s crashed on alert %d", sender.platform, alert.id)
            return Transient(f"{type(exc).__name__}: {exc}")

    def _everywhere(self, chat: ChatRef, outcome: RateLimited) -> bool:
        """Whether a 429 holds every send of the platform or only this chat's; when the
        platform did not say (Telegram), the pacer tells from what it sent."""
        if outcome.everywhere is not None:
            return outcome.everywhere
        return self._pacer.scope_of(chat) if self._pacer is not None else True

    async def _hold_back(
        self,
        chat: ChatRef,
        alert: Deliverable,
        ids: list[int],
        outcome: SendOutcome,
        stats: DrainStats,
        batch: _Batch,
    ) -> None:
        now = self._db.clock()
        if isinstance(outcome, RateLimited):
            count_rate_limit(chat.platform, outcome.retry_after_s)
            everywhere = self._everywhere(chat, outcome)
            log.warning(
                "%s answered 429 for chat %s: %s paused for %.1fs; %d alert(s) wait",
                chat.platform,
                chat,
                "every send" if everywhere else "this chat",
                outcome.retry_after_s,
                len(ids),
                extra=log_ids(chat=chat),
            )
            if self._pacer is not None:
                await self._pacer.hold(chat, outcome.retry_after_s, everywhere=everywhere)
            await self._release(
                batch, ids, retry_at=now + outcome.retry_after_s, error="rate limited"
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
                extra=log_ids(chat=chat),
            )
            await self._release(batch, ids, retry_at=now, error=f"chat gone: {outcome.reason}")
        elif isinstance(outcome, ChatMoved):
            moved = await subscriptions_store.move_chat(self._db, chat, outcome.new_chat)
            stats.chats_moved += 1
            log.info(
                "chat %s moved to %s: %d subscription(s) follow", chat, outcome.new_chat, moved
            )
            await self._release(batch, ids, retry_at=now, error="chat moved")
        else:
            assert isinstance(outcome, Transient)
            delay_s = transient_delay_s(alert.attempts, self._settings.max_backoff_s)
            log.warning(
                "sending to %s failed (%s); retrying in %.0fs",
                chat,
                outcome.reason,
                delay_s,
                extra=log_ids(chat=chat, alert=alert.id),
            )
            await self._release(
                batch, ids, retry_at=now + delay_s, error=outcome.reason, count_attempt=True
            )


async def _finish(step: Awaitable[T]) -> T:
    """Run a store write to its end even if the task awaiting it is cancelled meanwhile (a
    message that went out is recorded), then let the cancellation go on."""
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise
