"""A chat's subscriptions: made, listed, paused, moved, previewed, in its language, and
delivered at its pace (each alert at once, or a digest daily or weekly in its time zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.delivery.digest_render import local_time
from bot.delivery.digest_schedule import (
    DEFAULT_TIMEZONE,
    DeliveryMode,
    canonical_timezone,
    zone,
)
from bot.i18n import t
from bot.models import ChatRef, Filter, Posting, Subscription, Verdict
from bot.postings.matching import CompiledFilter
from bot.store import Database
from bot.store import postings as postings_store
from bot.store import subscriptions as subscriptions_store

__all__ = ["PreviewItem", "SubscriptionService"]

PREVIEW_SCAN = 500


@dataclass(frozen=True, slots=True)
class PreviewItem:
    posting: Posting
    verdict: Verdict


class SubscriptionService:
    def __init__(self, *, db: Database) -> None:
        self._db = db

    async def subscribe(
        self,
        chat: ChatRef,
        filter: Filter,
        *,
        language: str,
        delivery: DeliveryMode | None = None,
    ) -> Subscription:
        CompiledFilter.of(filter)  # refuse a bad regex now, not at match time
        return await subscriptions_store.add_subscription(
            self._db, chat, filter, language=language, delivery=str(delivery or DeliveryMode())
        )

    # -- pace: delivery modes and time zones ---------------------------------------------------

    async def set_delivery(
        self, chat: ChatRef, mode: DeliveryMode, subscription_id: int | None = None
    ) -> int:
        """Give one subscription of the chat (or all) a delivery mode; how many have it now."""
        return await subscriptions_store.set_delivery(
            self._db, chat, str(mode), subscription_id
        )

    async def set_timezone(self, chat: ChatRef, name: str) -> str:
        """Set the chat's time zone from an IANA name in any case (`america/lima`); returns
        it as zoneinfo spells it. Raises UnknownTimezone."""
        canonical = canonical_timezone(name)
        await subscriptions_store.set_chat_timezone(self._db, chat, canonical)
        return canonical

    async def timezone(self, chat: ChatRef) -> str:
        """The chat's time zone, UTC until it chooses one."""
        return await subscriptions_store.chat_timezone(self._db, chat) or DEFAULT_TIMEZONE

    def local_now(self, timezone: str, language: str) -> str:
        """The time it is now in a zone, as a chat reads it."""
        return local_time(self._db.clock(), timezone, language)

    def pace(self, subscription: Subscription, timezone: str, language: str) -> str:
        """How a subscription's alerts come, in words, with its next digest's local time:
        "a digest every day at 08:00 · next digest mar 15 ene 08:00"."""
        mode = DeliveryMode.parse(subscription.delivery)
        described = mode.describe(language)
        now = datetime.fromtimestamp(self._db.clock(), UTC)
        upcoming = mode.next_slot(zone(timezone), now)
        if upcoming is None:
            return described
        when = local_time(upcoming.timestamp(), timezone, language)
        return f"{described} · {t('delivery.next', language, when=when)}"

    async def of_chat(self, chat: ChatRef) -> list[Subscription]:
        return await subscriptions_store.chat_subscriptions(self._db, chat)

    async def unsubscribe(self, chat: ChatRef, subscription_id: int | None = None) -> int:
        """Remove one subscription of the chat, or all when no id; the number removed."""
        return await subscriptions_store.delete_subscriptions(self._db, chat, subscription_id)

    async def set_paused(self, chat: ChatRef, paused: bool) -> int:
        return await subscriptions_store.set_chat_paused(self._db, chat, paused)

    async def set_language(self, chat: ChatRef, language: str) -> int:
        """Remember the chat's language (it survives restarts and applies to later
        subscriptions); returns how many existing subscriptions were switched to it."""
        return await subscriptions_store.set_chat_language(self._db, chat, language)

    async def chat_language(self, chat: ChatRef) -> str | None:
        """The language a chat chose with a language command, if it ever did."""
        return await subscriptions_store.chat_language(self._db, chat)

    async def migrate_chat(self, old: ChatRef, new: ChatRef) -> int:
        """Move a chat's subscriptions, and with them its pending alerts, to a new chat id."""
        return await subscriptions_store.move_chat(self._db, old, new)

    async def preview(self, filter: Filter, limit: int = 3) -> list[PreviewItem]:
        """The last `limit` stored postings this filter would have let through."""
        compiled = CompiledFilter.of(filter)
        items: list[PreviewItem] = []
        for posting, verdict in await postings_store.recent_relevant(self._db, limit=PREVIEW_SCAN):
            if compiled.wants(posting, verdict):
                items.append(PreviewItem(posting, verdict))
                if len(items) == limit:
                    break
        return items
