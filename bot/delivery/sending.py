"""One claimed outbox row sent and its outcome turned into a row update, for the drainer's
unpaced batches and its paced chat flows alike.

A row is sent only while its claim still holds it: the claim's lease is renewed before a
send once a third of it has passed, so a row whose claim was lost anyway (the process stood
still past its lease) is not sent, and a late record of it changes nothing. A delivery is
recorded even if the task is cancelled while recording it. An outcome that is not the end
of the row (a 429, a gone or moved chat, a failure) comes back to the caller, which hands
the chat's rows back; `RowSender.hold_back` does what the outcome asks beyond that.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

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
from bot.delivery.pacing import Pacer, holds_everywhere
from bot.delivery.shielded import finish, transient_delay_s
from bot.logs import ids as log_ids
from bot.metrics import count_rate_limit, count_send
from bot.models import ChatRef, Deliverable
from bot.store import Database
from bot.store import outbox as outbox_store
from bot.store import subscriptions as subscriptions_store

log = logging.getLogger("vigia.outbox")
#: A batch renews its claim's lease once this share of the lease has passed.
RENEW_SHARE = 1 / 3
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
class Batch:
    """One claim being sent: which rows it still holds, which are done or in flight."""

    claim: str
    ids: list[int]
    held: set[int]
    renewed_at: float
    done: set[int] = field(default_factory=set)
    in_flight: set[int] = field(default_factory=set)


class RowSender:
    """Sends claimed rows and records what became of them, under their claim."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        *,
        settings: OutboxSettings,
        pacer: Pacer | None,
    ) -> None:
        self._db = db
        self.senders = dict(senders)
        self._settings = settings
        self._pacer = pacer
        self.lease_s = settings.lease_s

    async def renew(self, batch: Batch, stats: DrainStats) -> None:
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

    async def _still_held(self, alert: Deliverable, batch: Batch, stats: DrainStats) -> bool:
        """Renew the lease when a third of it has passed; whether the row is still ours."""
        if self._db.clock() - batch.renewed_at >= self.lease_s * RENEW_SHARE:
            await self.renew(batch, stats)
        return alert.id in batch.held

    async def deliver(
        self, sender: Sender, chat: ChatRef, alert: Deliverable, batch: Batch, stats: DrainStats
    ) -> SendOutcome | None:
        """Send one row and record it when it is done with (sent, refused for good, or no
        longer this sender's); otherwise return the outcome that holds the chat back."""
        if not await self._still_held(alert, batch, stats):
            batch.done.add(alert.id)
            return None  # another sender has it now
        batch.in_flight.add(alert.id)
        outcome = await self._safe_send(sender, alert)
        count_send(chat.platform, _OUTCOME_NAMES.get(type(outcome), "transient"))
        if isinstance(outcome, Delivered):
            recorded = await finish(
                outbox_store.mark_sent(self._db, alert.id, outcome.message_id, claim=batch.claim)
            )
            batch.in_flight.discard(alert.id)
            batch.done.add(alert.id)
            if recorded:
                stats.sent += 1
            else:
                stats.lost += 1
                count_send(chat.platform, "lost_claim")
            return None
        batch.in_flight.discard(alert.id)
        if isinstance(outcome, Rejected):
            log.error(
                "chat %s rejected alert %d for good: %s",
                chat,
                alert.id,
                outcome.reason,
                extra=log_ids(chat=chat, alert=alert.id),
            )
            await outbox_store.mark_failed(self._db, alert.id, outcome.reason, claim=batch.claim)
            batch.done.add(alert.id)
            stats.rejected += 1
            return None
        return outcome

    async def release(
        self,
        batch: Batch,
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

    async def hand_back_unstarted(self, batch: Batch) -> None:
        """After a hard cancel: put the batch's rows that no send has started on back to
        pending, due at once, so the next start sends them without waiting out the lease.
        Best effort and shielded: the cancel goes on whatever the store says."""
        rest = [i for i in batch.ids if i not in batch.done and i not in batch.in_flight]
        with contextlib.suppress(Exception):
            await finish(
                outbox_store.release(
                    self._db,
                    rest,
                    claim=batch.claim,
                    retry_at=self._db.clock(),
                    error="stopped",
                    count_attempt=False,
                )
            )

    async def _safe_send(self, sender: Sender, alert: Deliverable) -> SendOutcome:
        try:
            return await sender.send(alert)
        except Exception as exc:  # a sender bug must not lose the alert or stop the drain
            log.exception("sender %s crashed on alert %d", sender.platform, alert.id)
            return Transient(f"{type(exc).__name__}: {exc}")

    def retry_at(self, alert: Deliverable, outcome: SendOutcome) -> float:
        """When the rows a hold-back hands back are due again."""
        now = self._db.clock()
        if isinstance(outcome, RateLimited):
            return now + outcome.retry_after_s
        if isinstance(outcome, Transient):
            return now + transient_delay_s(alert.attempts, self._settings.max_backoff_s)
        return now

    async def hold_back(
        self,
        chat: ChatRef,
        alert: Deliverable,
        waiting: int,
        outcome: SendOutcome,
        stats: DrainStats,
    ) -> tuple[str, bool]:
        """What a 429, a gone or moved chat, or a failure does beyond handing the chat's
        `waiting` rows back; returns the error to record on them and whether it counts as
        an attempt."""
        if isinstance(outcome, RateLimited):
            count_rate_limit(chat.platform, outcome.retry_after_s)
            everywhere = holds_everywhere(self._pacer, chat, outcome)
            log.warning(
                "%s answered 429 for chat %s: %s paused for %.1fs; %d alert(s) wait",
                chat.platform,
                chat,
                "every send" if everywhere else "this chat",
                outcome.retry_after_s,
                waiting,
                extra=log_ids(chat=chat),
            )
            if self._pacer is not None:
                await self._pacer.hold(chat, outcome.retry_after_s, everywhere=everywhere)
            return "rate limited", False
        if isinstance(outcome, ChatGone):
            paused = await subscriptions_store.set_chat_paused(self._db, chat, True)
            stats.chats_paused += 1
            log.warning(
                "chat %s is gone (%s): paused its %d subscription(s); %d alert(s) kept",
                chat,
                outcome.reason,
                paused,
                waiting,
                extra=log_ids(chat=chat),
            )
            return f"chat gone: {outcome.reason}", False
        if isinstance(outcome, ChatMoved):
            moved = await subscriptions_store.move_chat(self._db, chat, outcome.new_chat)
            stats.chats_moved += 1
            log.info(
                "chat %s moved to %s: %d subscription(s) follow", chat, outcome.new_chat, moved
            )
            return "chat moved", False
        assert isinstance(outcome, Transient)
        delay_s = transient_delay_s(alert.attempts, self._settings.max_backoff_s)
        log.warning(
            "sending to %s failed (%s); retrying in %.0fs",
            chat,
            outcome.reason,
            delay_s,
            extra=log_ids(chat=chat, alert=alert.id),
        )
        return outcome.reason, True
