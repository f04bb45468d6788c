"""Drains the outbox to the chat senders: a drain run claims due rows, has them sent, and
then runs the edit pass of sent alerts (`bot.delivery.edits`).

With a `Pacer` a drain run is a flow, not a batch: claimed rows join their chat's queue
(`bot.delivery.flow`, each chat sent by its own task in its own slots), and the run claims
more rows whenever the queued ones fall below what the platforms can send in
`CLAIM_AHEAD_S`. The run ends when nothing more is due (or after `RUN_MAX_S`). Without a
pacer (tests, the console) a run is one claimed batch, its chats sent side by side, each in
order. Sending one row and recording its outcome is `bot.delivery.sending`'s.

Every claim is fenced (`bot.store.outbox`) and its lease renewed while the run holds rows of
it (before a send once a third of the lease has passed, and from a background task while a
send takes long), so a slow run is never taken over by a second sender.

`stop()` (SIGTERM) wakes the chats waiting for a slot, lets each chat finish the message in
flight and record it, then hands the run's other rows back at once: nothing is sent twice
and nothing waits out a lease. If the drain is cancelled even so (its grace ran out), the
rows not in flight are handed back and a delivery that was already being recorded is still
recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import defaultdict
from collections.abc import Mapping

from bot.config import OutboxSettings
from bot.delivery.edits import EditCounts, EditPass
from bot.delivery.flow import ChatFlows, Run
from bot.delivery.outcomes import Sender
from bot.delivery.pacing import Pacer
from bot.delivery.sending import RENEW_SHARE, Batch, DrainStats, RowSender
from bot.models import ChatRef, Deliverable
from bot.store import Database
from bot.store import outbox as outbox_store

__all__ = ["DrainStats", "OutboxDrainer"]

#: Edits get this share of a drain interval's budget after a run.
RUN_SHARE = 0.97
#: A paced run keeps claimed what the platforms can send in this long. Claims take the
#: oldest rows, so this is also how far one chat can get ahead of the slowest: with 40
#: Discord channels at 1/s each, one drain interval's worth (2 s) left a channel without a
#: row at its slot about one time in eight. Below `flow.SLOT_HORIZON_S`, so that a row
#: claimed behind the others still finds a slot within it.
CLAIM_AHEAD_S = 4.0
#: A paced run stops claiming after this long and ends once its queues are sent, so that
#: edits of sent alerts (which wait for new alerts) get their turn under a steady flood.
RUN_MAX_S = 120.0
#: A run claims when at least this share of its claim-ahead is free (fewer, larger claims).
CLAIM_CHUNK_SHARE = 0.25


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
        self._rows = RowSender(db, self._senders, settings=settings, pacer=pacer)
        self._flows = (
            None
            if pacer is None
            else ChatFlows(db, self._rows, pacer=pacer, stopping=self._stopping)
        )
        self._edits = EditPass(
            db,
            self._senders,
            settings=settings,
            pacer=pacer,
            holder=holder,
            stopping=self._stopping,
        )

    @property
    def lease_s(self) -> float:
        return self._rows.lease_s

    def stop(self) -> None:
        """Stop after the messages in flight: the rest of the batch goes back at once, and no
        later drain claims anything."""
        self._stopping.set()
        if self._flows is not None:
            self._flows.wake()

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
        run = Run(stats=stats)
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
                await self._rows.hand_back_unstarted(batch)
            raise
        except BaseException:
            for worker in run.workers.values():
                worker.cancel()
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper

    async def _claim_while_room(self, run: Run, stats: DrainStats) -> None:
        """Claim whenever the queued rows fall a chunk below the claim-ahead, until a claim
        finds fewer rows than it asked for (nothing more is due), `RUN_MAX_S` has passed,
        or the bot is stopping."""
        assert self._pacer is not None and self._flows is not None
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
                run.batches[alerts[0].claim] = Batch(
                    alerts[0].claim, ids, set(ids), self._db.clock()
                )
                self._flows.dispatch(run, alerts)
            if len(alerts) < want:
                return

    async def _keep_leases(self, run: Run, stats: DrainStats) -> None:
        """While the run holds rows, renew each of its claims' leases every `RENEW_SHARE`
        of it (real time): a send that hangs does not let a claim run out under it."""
        while True:
            await asyncio.sleep(self.lease_s * RENEW_SHARE)
            for token, batch in list(run.batches.items()):
                if batch.done.issuperset(batch.ids):
                    del run.batches[token]
                else:
                    await self._rows.renew(batch, stats)

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
        batch = Batch(alerts[0].claim, ids, set(ids), self._db.clock())
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
            await self._rows.hand_back_unstarted(batch)
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await keeper

    async def _keep_lease(self, batch: Batch, stats: DrainStats) -> None:
        """While the batch runs, renew its lease every `RENEW_SHARE` of it (real time): a
        send that hangs does not let the claim run out under it."""
        while True:
            await asyncio.sleep(self.lease_s * RENEW_SHARE)
            await self._rows.renew(batch, stats)

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
        batch: Batch,
    ) -> None:
        """Unpaced: send one chat's rows of the batch in order."""
        sender = self._senders[chat.platform]
        for index, alert in enumerate(queue):
            if self.stopping:
                # Back to pending, due at once, so that it keeps its place in line ahead of
                # the chat's later alerts.
                rest = [a.id for a in queue[index:]]
                stats.stopped += len(rest)
                await self._rows.release(batch, rest, retry_at=self._db.clock(), error="stopped")
                return
            outcome = await self._rows.deliver(sender, chat, alert, batch, stats)
            if outcome is None:
                continue
            rest = [a.id for a in queue[index:]]
            stats.deferred += len(rest)
            retry_at = self._rows.retry_at(alert, outcome)
            error, counted = await self._rows.hold_back(chat, alert, len(rest), outcome, stats)
            await self._rows.release(
                batch, rest, retry_at=retry_at, error=error, count_attempt=counted
            )
            return
