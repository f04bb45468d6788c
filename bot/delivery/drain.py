"""Drains the outbox to the chat senders and turns their outcomes into row updates.

Alerts for one chat go out in order, one at a time, so a rate limit on that chat holds back
its later alerts instead of letting them overtake; different chats proceed side by side.

With a `Pacer` a drain run is a flow, not a batch: each chat has its own queue and its own
task, which takes a slot in the platforms' budget (`bot.delivery.pacing`) before each send,
and the run claims more rows whenever the queued ones fall below what the platforms can send
in `RUN_SHARE` of a drain interval, so a chat that waits for its slot (or a send that is
slow) never holds the other chats back, and one chat's next send is due one spacing after
its last slot, not after the end of a batch. The run ends when nothing more is due (or after
`RUN_MAX_S`); an alert whose slot is further than `SLOT_HORIZON_S` away goes back to the
outbox, due at that slot. A 429 pauses the platform (or the chat) for its wait. Without a
pacer (tests, the console) a run is one claimed batch.

Every claim is fenced (`bot.store.outbox`) and its lease renewed while the run holds rows of
it (before a send once a third of the lease has passed, and from a background task while a
send takes long), so a slow run is never taken over by a second sender; a row whose claim
was lost anyway (the process stood still past its lease) is not sent, and a late record of
it changes nothing.

`stop()` (SIGTERM) wakes the chats waiting for a slot, lets each chat finish the message in
flight and record it, then hands the run's other rows back at once: nothing is sent twice
and nothing waits out a lease. If the drain is cancelled even so (its grace ran out), the
rows not in flight are handed back and a delivery that was already being recorded is still
recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import OutboxSettings
from bot.delivery.edits import EditCounts, EditPass
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
#: Edits get this share of a drain interval's budget after a run.
RUN_SHARE = 0.97
#: A paced run keeps claimed what the platforms can send in this long. Claims take the
#: oldest rows, so this is also how far one chat can get ahead of the slowest: with 40
#: Discord channels at 1/s each, one drain interval's worth (2 s) left a channel without a
#: row at its slot about one time in eight. Below `SLOT_HORIZON_S`, so that a row claimed
#: behind the others still finds a slot within it.
CLAIM_AHEAD_S = 4.0
#: A paced run stops claiming after this long and ends once its queues are sent, so that
#: edits of sent alerts (which wait for new alerts) get their turn under a steady flood.
RUN_MAX_S = 120.0
#: A chat whose next slot is further away than this (a pause after a 429) hands its rows
#: back, due at that slot, instead of holding them: past a Telegram group's 3.1 s spacing.
SLOT_HORIZON_S = 5.0
#: A run claims when at least this share of its claim-ahead is free (fewer, larger claims).
CLAIM_CHUNK_SHARE = 0.25
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
class _Batch:
    """One claim being sent: which rows it still holds, which are done or in flight."""

    claim: str
    ids: list[int]
    held: set[int]
    renewed_at: float
    done: set[int] = field(default_factory=set)
    in_flight: set[int] = field(default_factory=set)


@dataclass(slots=True)
class _Run:
    """A paced run: the claims it holds rows of, each chat's queue and task."""

    batches: dict[str, _Batch] = field(default_factory=dict)
    queues: dict[ChatRef, deque[Deliverable]] = field(default_factory=dict)
    workers: dict[ChatRef, asyncio.Task[None]] = field(default_factory=dict)
    #: Chats whose rows went back to the outbox in this run (a 429, a failure, no slot),
    #: with when they are due: a row of theirs claimed before then goes back too, so it
    #: cannot overtake them.
    held: dict[ChatRef, float] = field(default_factory=dict)
    #: Set whenever a queued row leaves its queue or a chat's task ends: the claimer looks
    #: again at how much it may claim.
    room: asyncio.Event = field(default_factory=asyncio.Event)
    queued: int = 0
    stats: DrainStats = field(default_factory=DrainStats)

    def batch_of(self, alert: Deliverable) -> _Batch:
        return self.batches[alert.claim]


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
        #: Chats' tasks waiting for a slot, which `stop()` wakes (by cancelling the wait).
        self._slot_waits: set[asyncio.Task[object]] = set()
        self._woken_by_stop: set[asyncio.Task[object]] = set()
        self.lease_s = settings.lease_s
        self._edits = EditPass(
            db,
            self._senders,
            settings=settings,
            pacer=pacer,
            holder=holder,
            stopping=self._stopping,
        )

    def stop(self) -> None:
        """Stop after the messages in flight: the rest of the batch goes back at once, and no
        later drain claims anything."""
        self._stopping.set()
        for task in self._slot_waits - self._woken_by_stop:
            self._woken_by_stop.add(task)
            task.cancel()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def drain_once(self) -> DrainStats:
        """Claim due alerts and send them; returns what happened. Unpaced: one batch. Paced:
        claims as the platforms' budgets free up, until nothing more is due."""
        async with self._lock:
            stats = DrainStats()
            if self.stopping:
                return stats
            if self._pacer is None:
                await self._drain_batch(stats)
                self._count_edits(stats, await self._edits.run(not_after=float("inf")))
                return stats
            await self._paced_run(stats)
            # New alerts first: edits of sent ones take the budget the run left.
            horizon_s = RUN_SHARE * self._settings.drain_interval_s
            edits = await self._edits.run(not_after=self._pacer.clock() + horizon_s)
            self._count_edits(stats, edits)
            return stats

    @staticmethod
    def _count_edits(stats: DrainStats, edits: EditCounts) -> None:
        stats.edited += edits.edited
        stats.edits_failed += edits.failed

    def _claim_ahead(self) -> int:
        """How many rows a paced run keeps claimed: what the platforms can send in
        `CLAIM_AHEAD_S` (a platform without a limit: one batch)."""
        assert self._pacer is not None
        total = 0
        for platform in self._senders:
            rate = self._pacer.rate_per_s(platform)
            total += self._settings.batch_size if rate is None else math.ceil(rate * CLAIM_AHEAD_S)
        return max(1, total)

    async def _paced_run(self, stats: DrainStats) -> None:
        """Claim rows into per-chat queues as they free up, each chat sent by its own task."""
        assert self._pacer is not None
        run = _Run(stats=stats)
        keeper = asyncio.create_task(self._keep_leases(run, stats), name="outbox-lease")
        try:
            await self._claim_while_room(run, stats)
            while run.workers:
                await asyncio.wait(list(run.workers.values()))
                for task in [task for task in run.workers.values() if task.done()]:
                    task.result()  # a chat's task that failed fails the run
                    raise RuntimeError(f"{task.get_name()} ended with alerts queued")
        except asyncio.CancelledError:
            # Stopped harder than `stop()`: hand back what no send has started on, so the
            # next start sends it without waiting out the lease.
            for worker in run.workers.values():
                worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.gather(*run.workers.values(), return_exceptions=True)
            for batch in run.batches.values():
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
            raise
        except BaseException:
            for worker in run.workers.values():
                worker.cancel()
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper

    async def _claim_while_room(self, run: _Run, stats: DrainStats) -> None:
        """Claim whenever the queued rows fall a chunk below the claim-ahead, until a claim
        finds fewer rows than it asked for (nothing more is due), `RUN_MAX_S` has passed,
        or the bot is stopping."""
        assert self._pacer is not None
        ahead = self._claim_ahead()
        chunk = max(1, math.floor(min(ahead, self._settings.batch_size) * CLAIM_CHUNK_SHARE))
        ends_at = self._pacer.clock() + RUN_MAX_S
        while not self.stopping and self._pacer.clock() < ends_at:
            want = min(self._settings.batch_size, ahead - run.queued)
            if want < chunk and run.queued > 0:
                run.room.clear()
                await run.room.wait()
                continue
            want = max(1, want)
            alerts = await outbox_store.claim(
                self._db,
                platforms=self._senders.keys(),
                limit=want,
                lease_s=self.lease_s,
                holder=self._holder,
                own_claims=[
                    token
                    for token, batch in run.batches.items()
                    if not batch.done.issuperset(batch.ids)
                ],
            )
            if alerts:
                stats.claimed += len(alerts)
                ids = [alert.id for alert in alerts]
                run.batches[alerts[0].claim] = _Batch(
                    alerts[0].claim, ids, set(ids), self._db.clock()
                )
                self._dispatch(run, alerts)
            if len(alerts) < want:
                return

    def _dispatch(self, run: _Run, alerts: list[Deliverable]) -> None:
        """Queue claimed rows behind their chat's earlier ones, starting the chat's task when
        it has none. (Nothing here waits: a row never joins a queue its task has left.)"""
        for alert in alerts:
            chat = alert.subscription.chat
            queue = run.queues.get(chat)
            if queue is None:
                queue = run.queues[chat] = deque()
                run.workers[chat] = asyncio.create_task(
                    self._chat_flow(chat, queue, run), name=f"outbox-{chat}"
                )
            queue.append(alert)
            run.queued += 1

    async def _keep_leases(self, run: _Run, stats: DrainStats) -> None:
        """While the run holds rows, renew each of its claims' leases every `RENEW_SHARE`
        of it (real time): a send that hangs does not let a claim run out under it."""
        while True:
            await asyncio.sleep(self.lease_s * RENEW_SHARE)
            for token, batch in list(run.batches.items()):
                if batch.done.issuperset(batch.ids):
                    del run.batches[token]
                else:
                    await self._renew(batch, stats)

    async def _paced_turn(self, chat: ChatRef) -> float | None:
        """Wait for the chat's next slot: None to send now; else when the chat's rows are due
        again (its slot is over `SLOT_HORIZON_S` away), or now when the bot is stopping. A
        `stop()` ends the wait at once (it cancels the wait, which is taken back here)."""
        assert self._pacer is not None
        task = asyncio.current_task()
        if self.stopping or task is None:
            return self._db.clock()
        self._slot_waits.add(task)
        try:
            late = await self._pacer.wait_turn(chat, not_after=self._pacer.clock() + SLOT_HORIZON_S)
        except asyncio.CancelledError:
            if task not in self._woken_by_stop:
                raise
            self._woken_by_stop.discard(task)
            task.uncancel()
            return self._db.clock()
        finally:
            self._slot_waits.discard(task)
        if self.stopping:
            return self._db.clock()
        if late is None:
            return None
        return self._db.clock() + max(0.0, late - self._pacer.clock())

    async def _chat_flow(self, chat: ChatRef, queue: deque[Deliverable], run: _Run) -> None:
        """Send one chat's queue in order, each after its slot; rows claimed meanwhile join
        the queue. A hold-back (429, failure, no slot, stop) hands the queue back, and rows
        that join it while the chat is held back go back too. The task ends only with its
        queue empty, between two steps that do not wait."""
        stats = run.stats
        sender = self._senders[chat.platform]
        try:
            while queue:
                held_until = run.held.get(chat)
                if held_until is not None and held_until > self._db.clock():
                    rest = self._take_rest(chat, queue, run, held_until)
                    stats.deferred += len(rest)
                    await self._release_rows(run, rest, retry_at=held_until, error="held back")
                    continue
                due_at = await self._paced_turn(chat)
                if due_at is not None:
                    stopping = self.stopping
                    rest = self._take_rest(chat, queue, run, due_at)
                    if stopping:
                        stats.stopped += len(rest)
                    else:
                        stats.paced += len(rest)
                    await self._release_rows(
                        run, rest, retry_at=due_at, error="stopped" if stopping else "paced"
                    )
                    continue
                alert = queue.popleft()
                run.queued -= 1
                run.room.set()
                outcome = await self._deliver(sender, chat, alert, run.batch_of(alert), stats)
                if outcome is None:
                    continue
                retry_at = self._retry_at(alert, outcome)
                rest = [alert, *self._take_rest(chat, queue, run, retry_at)]
                stats.deferred += len(rest)
                await self._hold_back_rows(chat, alert, rest, outcome, stats, run)
        finally:
            if run.queues.get(chat) is queue and not queue:
                del run.queues[chat]
                del run.workers[chat]
            run.room.set()

    def _take_rest(
        self, chat: ChatRef, queue: deque[Deliverable], run: _Run, retry_at: float
    ) -> list[Deliverable]:
        """Empty the chat's queue (without a pause in between, so nothing joins it unseen)
        and mark the chat held back until `retry_at` for the rest of the run."""
        run.held[chat] = retry_at
        rest = list(queue)
        queue.clear()
        run.queued -= len(rest)
        run.room.set()
        return rest

    async def _release_rows(
        self,
        run: _Run,
        alerts: list[Deliverable],
        *,
        retry_at: float,
        error: str,
        count_attempt: bool = False,
    ) -> None:
        """Hand rows of several claims back, each under its own claim."""
        by_claim: dict[str, list[int]] = defaultdict(list)
        for alert in alerts:
            by_claim[alert.claim].append(alert.id)
        for claim, ids in by_claim.items():
            await self._release(
                run.batches[claim],
                ids,
                retry_at=retry_at,
                error=error,
                count_attempt=count_attempt,
            )

    async def _drain_batch(self, stats: DrainStats) -> None:
        """Unpaced: one claim, sent."""
        limit = self._settings.batch_size
        alerts = await outbox_store.claim(
            self._db,
            platforms=self._senders.keys(),
            limit=limit,
            lease_s=self.lease_s,
            holder=self._holder,
        )
        if not alerts:
            return
        stats.claimed += len(alerts)
        ids = [alert.id for alert in alerts]
        batch = _Batch(alerts[0].claim, ids, set(ids), self._db.clock())
        by_chat: dict[ChatRef, list[Deliverable]] = defaultdict(list)
        for alert in alerts:
            by_chat[alert.subscription.chat].append(alert)
        keeper = asyncio.create_task(self._keep_lease(batch, stats), name="outbox-lease")
        try:
            await asyncio.gather(
                *(self._send_chat(chat, queue, stats, batch) for chat, queue in by_chat.items())
            )
        except asyncio.CancelledError:
            # Stopped harder than `stop()`: hand back what no send has started on, so the
            # next start sends it without waiting out the lease.
            rest = [i for i in ids if i not in batch.done and i not in batch.in_flight]
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
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper

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

    async def _send_chat(
        self,
        chat: ChatRef,
        queue: list[Deliverable],
        stats: DrainStats,
        batch: _Batch,
    ) -> None:
        """Unpaced: send one chat's rows of the batch in order."""
        sender = self._senders[chat.platform]
        for index, alert in enumerate(queue):
            if self.stopping:
                # Back to pending, due at once, so that it keeps its place in line ahead of
                # the chat's later alerts.
                rest = [a.id for a in queue[index:]]
                stats.stopped += len(rest)
                await self._release(batch, rest, retry_at=self._db.clock(), error="stopped")
                return
            outcome = await self._deliver(sender, chat, alert, batch, stats)
            if outcome is None:
                continue
            rest = [a.id for a in queue[index:]]
            stats.deferred += len(rest)
            retry_at = self._retry_at(alert, outcome)
            error, counted = await self._hold_back(chat, alert, len(rest), outcome, stats)
            await self._release(batch, rest, retry_at=retry_at, error=error, count_attempt=counted)
            return

    async def _hold_back_rows(
        self,
        chat: ChatRef,
        alert: Deliverable,
        rest: list[Deliverable],
        outcome: SendOutcome,
        stats: DrainStats,
        run: _Run,
    ) -> None:
        retry_at = run.held[chat]
        error, counted = await self._hold_back(chat, alert, len(rest), outcome, stats)
        await self._release_rows(run, rest, retry_at=retry_at, error=error, count_attempt=counted)

    async def _deliver(
        self, sender: Sender, chat: ChatRef, alert: Deliverable, batch: _Batch, stats: DrainStats
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

    def _retry_at(self, alert: Deliverable, outcome: SendOutcome) -> float:
        """When the rows a hold-back hands back are due again."""
        now = self._db.clock()
        if isinstance(outcome, RateLimited):
            return now + outcome.retry_after_s
        if isinstance(outcome, Transient):
            return now + transient_delay_s(alert.attempts, self._settings.max_backoff_s)
        return now

    async def _hold_back(
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
