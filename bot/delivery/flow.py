"""A paced drain run's chats: each chat has its own queue and its own task, which takes a
slot in the platforms' budget (`bot.delivery.pacing`) before each send, so a chat that waits
for its slot (or a send that is slow) never holds the other chats back, and one chat's next
send is due one spacing after its last slot, not after the end of a batch.

Alerts for one chat go out in order, one at a time, so a rate limit on that chat holds back
its later alerts instead of letting them overtake. A chat whose next slot is further than
`SLOT_HORIZON_S` away, or that a 429 or a failure holds back, hands its queue back to the
outbox, due when the chat is; rows claimed for it later in the run go back too. A chat's task
ends only with its queue empty, between two steps that do not wait, so a row claimed for the
chat never joins a queue whose task has ended.

`ChatFlows.wake()` (on `stop()`) ends the chats' waits for a slot at once; each chat then
hands its queue back, after the message in flight is recorded.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from dataclasses import dataclass, field

from bot.delivery.outcomes import SendOutcome
from bot.delivery.pacing import Pacer
from bot.delivery.sending import Batch, DrainStats, RowSender
from bot.models import ChatRef, Deliverable
from bot.store import Database

#: A chat whose next slot is further away than this (a pause after a 429) hands its rows
#: back, due at that slot, instead of holding them: past a Telegram group's 3.1 s spacing.
SLOT_HORIZON_S = 5.0


@dataclass(slots=True)
class Run:
    """A paced run: the claims it holds rows of, each chat's queue and task."""

    batches: dict[str, Batch] = field(default_factory=dict)
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

    def batch_of(self, alert: Deliverable) -> Batch:
        return self.batches[alert.claim]


class ChatFlows:
    """Queues claimed rows by chat and sends each chat's queue from its own task."""

    def __init__(
        self, db: Database, rows: RowSender, *, pacer: Pacer, stopping: asyncio.Event
    ) -> None:
        self._db = db
        self._rows = rows
        self._pacer = pacer
        self._stopping = stopping
        #: Chats' tasks waiting for a slot, which `wake()` wakes (by cancelling the wait).
        self._slot_waits: set[asyncio.Task[object]] = set()
        self._woken_by_stop: set[asyncio.Task[object]] = set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wake(self) -> None:
        """End every chat's wait for a slot (the bot is stopping)."""
        for task in self._slot_waits - self._woken_by_stop:
            self._woken_by_stop.add(task)
            task.cancel()

    def dispatch(self, run: Run, alerts: list[Deliverable]) -> None:
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

    async def _paced_turn(self, chat: ChatRef) -> float | None:
        """Wait for the chat's next slot: None to send now; else when the chat's rows are due
        again (its slot is over `SLOT_HORIZON_S` away), or now when the bot is stopping. A
        `wake()` ends the wait at once (it cancels the wait, which is taken back here)."""
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

    async def _chat_flow(self, chat: ChatRef, queue: deque[Deliverable], run: Run) -> None:
        """Send one chat's queue in order, each after its slot; rows claimed meanwhile join
        the queue. A hold-back (429, failure, no slot, stop) hands the queue back, and rows
        that join it while the chat is held back go back too. The task ends only with its
        queue empty, between two steps that do not wait."""
        stats = run.stats
        sender = self._rows.senders[chat.platform]
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
                outcome = await self._rows.deliver(sender, chat, alert, run.batch_of(alert), stats)
                if outcome is None:
                    continue
                retry_at = self._rows.retry_at(alert, outcome)
                rest = [alert, *self._take_rest(chat, queue, run, retry_at)]
                stats.deferred += len(rest)
                await self._hold_back_rows(chat, alert, rest, outcome, stats, run)
        finally:
            if run.queues.get(chat) is queue and not queue:
                del run.queues[chat]
                del run.workers[chat]
            run.room.set()

    def _take_rest(
        self, chat: ChatRef, queue: deque[Deliverable], run: Run, retry_at: float
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
        run: Run,
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
            await self._rows.release(
                run.batches[claim],
                ids,
                retry_at=retry_at,
                error=error,
                count_attempt=count_attempt,
            )

    async def _hold_back_rows(
        self,
        chat: ChatRef,
        alert: Deliverable,
        rest: list[Deliverable],
        outcome: SendOutcome,
        stats: DrainStats,
        run: Run,
    ) -> None:
        retry_at = run.held[chat]
        error, counted = await self._rows.hold_back(chat, alert, len(rest), outcome, stats)
        await self._release_rows(run, rest, retry_at=retry_at, error=error, count_attempt=counted)
