"""A chat's subscriptions: made, listed, paused, moved, previewed, in its language."""

from __future__ import annotations

from dataclasses import dataclass

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

    async def subscribe(self, chat: ChatRef, filter: Filter, *, language: str) -> Subscription:
        CompiledFilter.of(filter)  # refuse a bad regex now, not at match time
        return await subscriptions_store.add_subscription(self._db, chat, filter, language=language)

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
