"""Makes the digests that are due and hands them to the outbox.

Every `DIGEST_CHECK_S` (and once at start), each active subscription that takes digests is
looked at: its last digest time at or before now, in its chat's time zone, is due when no
digest covered it yet (`digest_after`). Because that is computed from the store and the clock,
a digest missed while the bot was down is made as soon as it is back, once, listing
everything gathered since the last one. A change of schedule or time zone closes the current
period at that moment (`digest_after` = now), so it never makes an extra digest at once; what
was gathered waits for the next time under the new schedule.

A digest is cut into pages by the chat platform's sender (`DigestPager`), since only the
platform knows how much one message holds; each page becomes an outbox row, sent by the drain
with the outbox's guarantees. Platforms without a running sender are left for a process that
has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from bot.delivery.digest_render import sort_entries
from bot.delivery.digest_schedule import DEFAULT_TIMEZONE, DeliveryMode, zone
from bot.errors import DeliverySyntaxError
from bot.models import Digest
from bot.store import Database
from bot.store import digests as digests_store

__all__ = ["DIGEST_CHECK_S", "DigestMaker", "DigestPager", "DigestStats"]

log = logging.getLogger("vigia.digest")
#: How often due digests are looked for: a digest leaves at most this long after its time.
DIGEST_CHECK_S = 20.0


@runtime_checkable
class DigestPager(Protocol):
    """How many postings of a digest go in each message on a platform (a chat sender)."""

    def digest_pages(self, digest: Digest, language: str) -> list[int]: ...


@dataclass(slots=True)
class DigestStats:
    digests: int = 0  # digests made (one per subscription)
    pages: int = 0  # outbox rows they became
    postings: int = 0  # postings they list
    merged: int = 0  # postings left out: they reach the chat another way


class DigestMaker:
    def __init__(
        self,
        db: Database,
        pagers: Mapping[str, object],
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._db = db
        self._pagers = {
            platform: pager for platform, pager in pagers.items() if isinstance(pager, DigestPager)
        }
        self._clock = clock or db.clock

    async def run_once(self) -> DigestStats:
        """Make every digest that is due now."""
        stats = DigestStats()
        now = self._clock()
        for candidate in await digests_store.candidates(self._db):
            pager = self._pagers.get(candidate.chat.platform)
            if pager is None:
                continue
            slot = self._due_slot(candidate, now)
            if slot is not None:
                await self._make(candidate, pager, slot, now, stats)
        if stats.digests:
            log.info(
                "made %d digest(s): %d posting(s) in %d message(s), %d left out as already sent",
                stats.digests,
                stats.postings,
                stats.pages,
                stats.merged,
            )
        return stats

    def _due_slot(self, candidate: digests_store.DigestCandidate, now: float) -> float | None:
        """The time of the digest owed now, or None when none is."""
        try:
            mode = DeliveryMode.parse(candidate.delivery)
        except DeliverySyntaxError:
            log.error("subscription %d has an unreadable delivery mode", candidate.subscription_id)
            return None
        if not mode.is_digest:  # switched to instant with postings still held: send them now
            return now if candidate.has_held else None
        slot = mode.latest_slot(zone(candidate.timezone), datetime.fromtimestamp(now, UTC))
        if slot is None:
            return None
        slot_at = slot.timestamp()
        after = candidate.digest_after
        return slot_at if after is None or slot_at > after else None

    async def _make(
        self,
        candidate: digests_store.DigestCandidate,
        pager: DigestPager,
        slot_at: float,
        now: float,
        stats: DigestStats,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.lock(f"digest:{candidate.subscription_id}")
            # Another process may have made it, or the subscription changed, meanwhile.
            found = await digests_store.candidates(conn, candidate.subscription_id)
            fresh = found[0] if found else None
            if fresh is None or fresh.digest_after != candidate.digest_after:
                return
            if fresh.delivery != candidate.delivery or fresh.timezone != candidate.timezone:
                return
            stats.merged += await digests_store.merge_reached(
                conn, candidate.subscription_id, candidate.chat
            )
            held = await digests_store.held_postings(conn, candidate.subscription_id)
            since = candidate.digest_since if candidate.digest_since is not None else slot_at
            if held:
                order = sort_entries([h.entry for h in held])
                ids = {id(h.entry): h.outbox_id for h in held}
                digest = Digest(
                    delivery=candidate.delivery,
                    timezone=candidate.timezone or DEFAULT_TIMEZONE,
                    since_at=since,
                    slot_at=slot_at,
                    page=1,
                    pages=1,
                    total=len(order),
                    entries=tuple(order),
                )
                sizes = pager.digest_pages(digest, candidate.language) or [len(order)]
                pages: list[list[int]] = []
                start = 0
                for size in sizes:
                    pages.append([ids[id(entry)] for entry in order[start : start + size]])
                    start += size
                if start < len(order):  # a pager that fell short: the rest on one more page
                    pages.append([ids[id(entry)] for entry in order[start:]])
                pages = [page for page in pages if page]
                await digests_store.save_pages(
                    conn,
                    subscription_id=candidate.subscription_id,
                    digest=digest,
                    pages=pages,
                    now=now,
                )
                stats.digests += 1
                stats.pages += len(pages)
                stats.postings += len(order)
            await digests_store.close_period(conn, candidate.subscription_id, slot_at=slot_at)
