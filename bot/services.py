"""The platform-neutral operations behind every chat command.

Chat adapters parse their platform's command into these calls and draw the returned cards;
they hold no business rules. Every method takes the reader's language and returns text or
cards already translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.models import ChatRef, Filter, Posting, Subscription, Verdict
from bot.render import Card


class ReportKind(StrEnum):
    SCAM = "scam"
    FINE = "fine"


@dataclass(frozen=True, slots=True)
class LegitResult:
    """The answer to one "is this legit?": a card to show and the stored check behind it."""

    check_id: int
    verdict: Verdict
    card: Card
    url: str | None
    fetched: bool  # False when the page could not be read and the verdict rests on the URL/text


@dataclass(frozen=True, slots=True)
class SourceHealth:
    kind: str
    name: str
    last_poll: str | None  # ISO 8601, UTC
    last_status: str | None  # "200", "304", "error: ...", None before the first poll
    consecutive_failures: int
    next_poll: str | None
    postings_seen: int


@dataclass(frozen=True, slots=True)
class PreviewItem:
    posting: Posting
    verdict: Verdict


class Services:
    """Implemented by the lead on top of the store, the scam checker and the link checker.

    Signatures here are the contract the chat adapters build against.
    """

    async def legit(self, *, url: str | None, text: str | None, language: str) -> LegitResult:
        """Check one link and/or one pasted text (at least one). Never raises for bad input:
        a refused or dead link still yields a verdict from what is known, with a note."""
        raise NotImplementedError

    async def legit_message(self, text: str, *, language: str, max_links: int = 5) -> list[LegitResult]:
        """Check a chat message: its text as an offer, and each link in it (at most `max_links`).
        The first result is the text's own; one more per link."""
        raise NotImplementedError

    async def why(self, check_id: int, language: str) -> Card | None:
        """The full breakdown of a stored check, or None when the id is unknown."""
        raise NotImplementedError

    async def card(self, check_id: int, language: str) -> Card | None:
        """The short card of a stored check again ("back" from the breakdown)."""
        raise NotImplementedError

    async def report(self, check_id: int, *, user: str, kind: ReportKind) -> bool:
        """Store a user's report on a check's link or text. True when new, False when this
        user had already reported this subject (the newer kind replaces the older)."""
        raise NotImplementedError

    async def subscribe(self, chat: ChatRef, filter: Filter, *, language: str) -> Subscription:
        raise NotImplementedError

    async def subscriptions(self, chat: ChatRef) -> list[Subscription]:
        raise NotImplementedError

    async def unsubscribe(self, chat: ChatRef, subscription_id: int | None = None) -> int:
        """Remove one subscription of the chat, or all when no id; the number removed."""
        raise NotImplementedError

    async def set_paused(self, chat: ChatRef, paused: bool) -> int:
        raise NotImplementedError

    async def set_language(self, chat: ChatRef, language: str) -> int:
        raise NotImplementedError

    async def preview(self, filter: Filter, limit: int = 3) -> list[PreviewItem]:
        """The last `limit` stored postings this filter would have let through."""
        raise NotImplementedError

    async def sources(self) -> list[SourceHealth]:
        raise NotImplementedError

    async def migrate_chat(self, old: ChatRef, new: ChatRef) -> int:
        """Move a chat's subscriptions and pending alerts to a new chat id."""
        raise NotImplementedError
