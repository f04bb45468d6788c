""" "Is this legit?" as chat commands ask it: a link, a pasted text or a whole message,
checked, stored (so its buttons work after a restart) and drawn as a translated card."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.delivery.cards import Card
from bot.delivery.message_cards import (
    CheckedPart,
    message_breakdown_card,
    message_card,
    overall_verdict,
)
from bot.delivery.render import breakdown_card, verdict_card
from bot.logs import ids as log_ids
from bot.models import ChatRef, Verdict
from bot.services.ratelimit import SlidingWindowLimiter
from bot.store import Database
from bot.store import check_items as check_items_store
from bot.store import postings as postings_store

if TYPE_CHECKING:
    from bot.links.checker import LegitChecker
    from bot.links.report import LinkReport

__all__ = ["CheckService", "LegitResult", "find_links"]

log = logging.getLogger("vigia.checks")

#: Links in a chat message: http(s) URLs and bare `www.` hosts; trailing punctuation is not
#: part of the link ("see https://x.co/a." ends at "a").
_LINK_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>»”’"
#: A message with links is also checked as text when, links removed, it has this many words.
MIN_WORDS_FOR_TEXT_CHECK = 4
SUMMARY_CHARS = 300
#: "Is this legit?" checks one person may ask for in a window (a message with links is one).
DEFAULT_CHECKS_PER_WINDOW = 10
DEFAULT_CHECK_WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class LegitResult:
    """The answer to one "is this legit?": a card to show and the stored check behind it.
    A message with several links is one result whose `parts` are the checks of its links
    (and of its text)."""

    check_id: int
    verdict: Verdict
    card: Card
    url: str | None
    fetched: bool  # False when the page could not be read and the verdict rests on the URL/text
    parts: tuple[LegitResult, ...] = ()


class CheckService:
    """Checks links and texts for chat users, within each user's limit, and redraws the
    stored checks when their buttons are pressed."""

    def __init__(
        self,
        *,
        db: Database,
        linkchecker: LegitChecker,
        limiter: SlidingWindowLimiter | None = None,
    ) -> None:
        self._db = db
        self._linkchecker = linkchecker
        self._limiter = limiter or SlidingWindowLimiter(
            max_events=DEFAULT_CHECKS_PER_WINDOW, window_s=DEFAULT_CHECK_WINDOW_S
        )

    async def legit(
        self,
        *,
        url: str | None,
        text: str | None,
        language: str,
        requester: str | None = None,
        deadline_s: float | None = None,
        chat: ChatRef | None = None,
    ) -> LegitResult:
        """Check one link and/or one pasted text (at least one). Never raises for bad input:
        a refused or dead link still yields a verdict from what is known, with a note.
        With a `requester` (a chat user), raises TooManyRequests past their limit. With a
        `deadline_s`, a page slower than that is judged from its link alone, and says so."""
        if not url and not (text and text.strip()):
            raise ValueError("legit needs a url or a text")
        if requester is not None:
            self._limiter.acquire(requester)
        if url:
            report = await self._linkchecker.check_url(url, text=text or "", deadline_s=deadline_s)
        else:
            report = self._linkchecker.check_text(text or "")
        result = await self._store_report(report, text=text or "", language=language)
        _logged(result, chat)
        return result

    async def legit_message(
        self,
        text: str,
        *,
        language: str,
        max_links: int = 5,
        requester: str | None = None,
        deadline_s: float | None = None,
        chat: ChatRef | None = None,
    ) -> LegitResult:
        """Check a chat message: its text as an offer (when it says more than its links), and
        each distinct link in it, at most `max_links`, read side by side. One part gives its
        own card; several give one card for the message, with a line per part. A message
        counts once against its `requester`'s limit, however many links it holds."""
        if requester is not None:
            self._limiter.acquire(requester)
        links = find_links(text)[:max_links]
        remainder = _LINK_RE.sub(" ", text)
        checks: list[Coroutine[Any, Any, LegitResult]] = []
        if not links or len(remainder.split()) >= MIN_WORDS_FOR_TEXT_CHECK:
            checks.append(self.legit(url=None, text=text, language=language, chat=chat))
        for link in links:
            checks.append(
                self.legit(url=link, text=None, language=language, deadline_s=deadline_s, chat=chat)
            )
        parts = list(await asyncio.gather(*checks))
        if len(parts) == 1:
            return parts[0]
        result = await self._store_message(text, parts, language=language)
        _logged(result, chat)
        return result

    async def _store_message(
        self, text: str, parts: list[LegitResult], *, language: str
    ) -> LegitResult:
        """The check of a whole message, over the stored checks of its parts. Reports on it
        are reports on the message's text, as when the text alone is checked."""
        overall = overall_verdict([part.verdict for part in parts])
        summary = _shorten(text, SUMMARY_CHARS)
        async with self._db.transaction() as conn:
            check_id = await postings_store.insert_check(
                conn,
                subject=_text_subject(text),
                url=None,
                summary=summary,
                verdict=overall,
                posting_id=None,
                note=None,
                now=self._db.clock(),
                body=text.strip(),
            )
            await check_items_store.add_items(conn, check_id, [part.check_id for part in parts])
        card = message_card(
            overall,
            tuple(CheckedPart(p.url, p.verdict, p.card.footer if p.url else "") for p in parts),
            check_id,
            language,
            subject=summary,
        )
        fetched = all(part.fetched for part in parts if part.url)
        return LegitResult(check_id, overall, card, None, fetched, tuple(parts))

    async def _store_report(self, report: LinkReport, *, text: str, language: str) -> LegitResult:
        if report.url:
            subject = report.url
            summary = (
                report.posting.title if report.posting and report.posting.title else report.url
            )
        else:
            subject = _text_subject(text)
            summary = text.strip()
        summary = _shorten(summary, SUMMARY_CHARS)
        described = report.posting.description if report.posting and report.fetched else ""
        body = "\n".join(part for part in (described, text.strip()) if part)
        notes = (
            {lang: report.note(lang) for lang in ("es", "en")}
            if not report.fetched and report.url
            else None
        )
        async with self._db.transaction() as conn:
            check_id = await postings_store.insert_check(
                conn,
                subject=subject,
                url=report.url,
                summary=summary,
                verdict=report.verdict,
                posting_id=None,
                note=notes,
                now=self._db.clock(),
                body=body,
            )
        card = verdict_card(
            report.verdict,
            check_id,
            language,
            subject=summary,
            url=report.url,
            note=(notes or {}).get(language, ""),
            posting=report.posting if report.fetched else None,
        )
        return LegitResult(check_id, report.verdict, card, report.url, report.fetched)

    async def why(self, check_id: int, language: str) -> Card | None:
        """The full breakdown of a stored check, or None when the id is unknown."""
        check = await postings_store.get_check(self._db, check_id)
        if check is None:
            return None
        parts = await self._parts(check_id, language)
        if parts:
            return message_breakdown_card(
                check.verdict, parts, check.id, language, subject=check.summary
            )
        return breakdown_card(check.verdict, check.id, language, subject=check.summary)

    async def card(self, check_id: int, language: str) -> Card | None:
        """The short card of a stored check again ("back" from the breakdown)."""
        check = await postings_store.get_check(self._db, check_id)
        if check is None:
            return None
        parts = await self._parts(check_id, language)
        if parts:
            return message_card(check.verdict, parts, check.id, language, subject=check.summary)
        return verdict_card(
            check.verdict,
            check.id,
            language,
            subject=check.summary,
            url=check.url,
            note=(check.note or {}).get(language, ""),
            posting=check.posting,
        )

    async def _parts(self, check_id: int, language: str) -> tuple[CheckedPart, ...]:
        """The parts of a message check, as its card shows them; () for a single check."""
        parts: list[CheckedPart] = []
        for item_id in await check_items_store.items_of(self._db, check_id):
            item = await postings_store.get_check(self._db, item_id)
            if item is not None:
                note = (item.note or {}).get(language, "")
                parts.append(CheckedPart(item.url, item.verdict, note))
        return tuple(parts)


def _logged(result: LegitResult, chat: ChatRef | None) -> None:
    """One line a stored check, with its id (and the chat's) as fields: what was asked (the
    person's text, the link they sent) is theirs and is never logged."""
    log.info(
        "check %d: %s, risk %d/100%s%s",
        result.check_id,
        result.verdict.level.value,
        result.verdict.risk,
        f", {len(result.parts)} parts" if result.parts else "",
        "" if result.fetched else ", page not read",
        extra=log_ids(check=result.check_id, chat=chat),
    )


def _text_subject(text: str) -> str:
    """What reports on a pasted text (or a whole message) are keyed on."""
    return "text:" + hashlib.sha256(text.strip().encode()).hexdigest()[:32]


def find_links(text: str) -> list[str]:
    """Distinct links in a message, in order, without trailing punctuation; `www.` gets https."""
    links: list[str] = []
    for match in _LINK_RE.finditer(text):
        link = match.group(0).rstrip(_TRAILING)
        if link.lower().startswith("www."):
            link = "https://" + link
        if link not in links:
            links.append(link)
    return links


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
