"""The platform-neutral operations behind every chat command, one service per job.

Chat adapters parse their platform's command into these calls and draw the returned cards;
they hold no business rules. Every method takes the reader's language and returns text or
cards already translated. `Services` hands an adapter all four at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.checks import CheckService, LegitResult, find_links
from bot.services.ratelimit import SlidingWindowLimiter, TooManyRequests
from bot.services.reports import ReportKind, ReportService
from bot.services.sources import SourceHealth, SourceHealthService
from bot.services.subscriptions import PreviewItem, SubscriptionService
from bot.store import Database

if TYPE_CHECKING:
    from bot.links.checker import LegitChecker

__all__ = [
    "CheckService",
    "LegitResult",
    "PreviewItem",
    "ReportKind",
    "ReportService",
    "Services",
    "SourceHealth",
    "SourceHealthService",
    "SubscriptionService",
    "TooManyRequests",
    "find_links",
]


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a chat adapter may ask of the core."""

    checks: CheckService
    reports: ReportService
    subscriptions: SubscriptionService
    sources: SourceHealthService

    @classmethod
    def build(
        cls,
        *,
        db: Database,
        linkchecker: LegitChecker,
        configured_sources: Sequence[tuple[str, str]] = (),
        limiter: SlidingWindowLimiter | None = None,
    ) -> Services:
        return cls(
            checks=CheckService(db=db, linkchecker=linkchecker, limiter=limiter),
            reports=ReportService(db=db, checker=linkchecker.checker),
            subscriptions=SubscriptionService(db=db),
            sources=SourceHealthService(db=db, configured=configured_sources),
        )
