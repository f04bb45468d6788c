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
