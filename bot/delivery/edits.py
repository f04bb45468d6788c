"""Edits of sent alerts: a job seen in another place after its alert went out is added to
the message there (`bot.store.edits` queues them, one row a sent alert).

After a drain run's new alerts, the drainer runs one edit pass: it claims due edits on the
platforms that can edit (fenced and leased like outbox rows), makes one chat's one at a time
within the same pacer budget as sends, and records each outcome. An edit that can never be
made (the message was deleted) is kept as `failed`; a transient failure is retried with
backoff up to `MAX_EDIT_ATTEMPTS` times; a 429 pauses the chat (or the platform) as a send's
does. An edit never pauses a chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import OutboxSettings
from bot.delivery.outcomes import Delivered, Editor, RateLimited, Sender, Transient
from bot.delivery.pacing import Pacer, holds_everywhere
from bot.delivery.shielded import finish, transient_delay_s
from bot.logs import ids as log_ids
from bot.metrics import count_rate_limit, count_send
from bot.models import AlertEdit, ChatRef
from bot.store import Database
from bot.store import edits as edits_store

log = logging.getLogger("vigia.outbox")
#: An edit that keeps failing (network, 5xx) is given up after this many tries.
MAX_EDIT_ATTEMPTS = 5


@dataclass(slots=True)
class EditCounts:
    edited: int = 0  # sent alerts drawn again with a place their job was seen since
    failed: int = 0  # edits the platform will never take (the message was deleted)


class EditPass:
    """Claims due edits of sent alerts and makes them, paced like sends."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        *,
        settings: OutboxSettings,
        pacer: Pacer | None,
        holder: str | None,
        stopping: asyncio.Event,
    ) -> None:
        self._db = db
        self._editors = {
            name: sender for name, sender in senders.items() if isinstance(sender, Editor)
        }
        self._settings = settings
        self._pacer = pacer
        self._holder = holder
        self._stopping = stopping

    async def run(self, *, not_after: float) -> EditCounts:
        """One claim of due edits, made: one chat's one at a time; an edit whose chat has no
        slot before `not_after` goes back, due at once."""
        counts = EditCounts()
        if not self._editors or self._stopping.is_set():
            return counts
        edits = await edits_store.claim(
            self._db,
            platforms=self._editors.keys(),
            limit=self._settings.batch_size,
            lease_s=self._settings.lease_s,
            holder=self._holder,
        )
        if not edits:
            return counts
        by_chat: dict[ChatRef, list[AlertEdit]] = defaultdict(list)
        for edit in edits:
            by_chat[edit.alert.subscription.chat].append(edit)
        try:
            await asyncio.gather(
                *(
                    self._edit_chat(self._editors[chat.platform], queue, counts, not_after)
                    for chat, queue in by_chat.items()
                )
            )
        except asyncio.CancelledError:
            # Stopped hard: hand every edit back (one in flight may be made twice, which
            # draws the same card again).
            with contextlib.suppress(Exception):
                await finish(
                    edits_store.release(self._db, edits, retry_at=self._db.clock(), error="stopped")
                )
            raise
        return counts

    async def _turn(self, chat: ChatRef, not_after: float) -> bool:
        """Wait for the chat's send slot; False when there is none before `not_after`, or
        the bot is stopping. (A wait is bounded by `not_after`; a stop that cannot wait that
        long cancels the drain, which hands the edits back.)"""
        if self._stopping.is_set():
            return False
        pacer = self._pacer
        if pacer is not None and await pacer.wait_turn(chat, not_after=not_after) is not None:
            return False
        return not self._stopping.is_set()

    async def _edit_chat(
        self, editor: Editor, queue: list[AlertEdit], counts: EditCounts, not_after: float
    ) -> None:
        for index, edit in enumerate(queue):
            chat = edit.alert.subscription.chat
            if not await self._turn(chat, not_after):
                await edits_store.release(
                    self._db,
                    queue[index:],
                    retry_at=self._db.clock(),
                    error="stopped" if self._stopping.is_set() else "paced",
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
                if await finish(edits_store.mark_edited(self._db, edit)):
                    counts.edited += 1
                continue
            if isinstance(outcome, RateLimited):
                count_rate_limit(chat.platform, outcome.retry_after_s)
                if self._pacer is not None:
                    await self._pacer.hold(
                        chat,
                        outcome.retry_after_s,
                        everywhere=holds_everywhere(self._pacer, chat, outcome),
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
            counts.failed += 1
