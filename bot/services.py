"""The platform-neutral operations behind every chat command.

Chat adapters parse their platform's command into these calls and draw the returned cards;
they hold no business rules. Every method takes the reader's language and returns text or
cards already translated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.matching import CompiledFilter
from bot.models import ChatRef, Filter, Posting, Subscription, Verdict
from bot.pipeline import utc_iso
from bot.ratelimit import SlidingWindowLimiter
from bot.render import Card, breakdown_card, verdict_card
from bot.store import Database
from bot.store import postings as postings_store
from bot.store import reports as reports_store
from bot.store import scripts as scripts_store
from bot.store import sources as sources_store
from bot.store import subscriptions as subscriptions_store

if TYPE_CHECKING:
    from bot.linkcheck import LinkChecker, LinkReport

#: Links in a chat message: http(s) URLs and bare `www.` hosts; trailing punctuation is not
#: part of the link ("see https://x.co/a." ends at "a").
_LINK_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>»”’"
#: A message with links is also checked as text when, links removed, it has this many words.
MIN_WORDS_FOR_TEXT_CHECK = 4
SUMMARY_CHARS = 300
PREVIEW_SCAN = 500
#: "Is this legit?" checks one person may ask for in a window (a message with links is one).
DEFAULT_CHECKS_PER_WINDOW = 10
DEFAULT_CHECK_WINDOW_S = 60.0


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
    """The operations behind chat commands, over the store and the checkers."""

    def __init__(
        self,
        *,
        db: Database,
        linkchecker: LinkChecker,
        configured_sources: Sequence[tuple[str, str]] = (),
        limiter: SlidingWindowLimiter | None = None,
    ) -> None:
        self._db = db
        self._linkchecker = linkchecker
        self._limiter = limiter or SlidingWindowLimiter(
            max_events=DEFAULT_CHECKS_PER_WINDOW, window_s=DEFAULT_CHECK_WINDOW_S
        )
        self._configured_sources = list(configured_sources)  # (kind, name)

    # -- "is this legit?" --------------------------------------------------------------------

    async def legit(
        self,
        *,
        url: str | None,
        text: str | None,
        language: str,
        requester: str | None = None,
    ) -> LegitResult:
        """Check one link and/or one pasted text (at least one). Never raises for bad input:
        a refused or dead link still yields a verdict from what is known, with a note.
        With a `requester` (a chat user), raises TooManyRequests past their limit."""
        if not url and not (text and text.strip()):
            raise ValueError("legit needs a url or a text")
        if requester is not None:
            self._limiter.acquire(requester)
        if url:
            report = await self._linkchecker.check_url(url, text=text or "")
        else:
            report = self._linkchecker.check_text(text or "")
        return await self._store_report(report, text=text or "", language=language)

    async def legit_message(
        self, text: str, *, language: str, max_links: int = 5, requester: str | None = None
    ) -> list[LegitResult]:
        """Check a chat message: its text as an offer (when it says more than its links), and
        each distinct link in it, at most `max_links`; the text's result comes first. A
        message counts once against its `requester`'s limit, however many links it holds."""
        if requester is not None:
            self._limiter.acquire(requester)
        links = find_links(text)[:max_links]
        remainder = _LINK_RE.sub(" ", text)
        results: list[LegitResult] = []
        if not links or len(remainder.split()) >= MIN_WORDS_FOR_TEXT_CHECK:
            results.append(await self.legit(url=None, text=text, language=language))
        for link in links:
            results.append(await self.legit(url=link, text=None, language=language))
        return results

    async def _store_report(self, report: LinkReport, *, text: str, language: str) -> LegitResult:
        if report.url:
            subject = report.url
            summary = (
                report.posting.title if report.posting and report.posting.title else report.url
            )
        else:
            subject = "text:" + hashlib.sha256(text.strip().encode()).hexdigest()[:32]
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
        return breakdown_card(check.verdict, check.id, language, subject=check.summary)

    async def card(self, check_id: int, language: str) -> Card | None:
        """The short card of a stored check again ("back" from the breakdown)."""
        check = await postings_store.get_check(self._db, check_id)
        if check is None:
            return None
        return verdict_card(
            check.verdict,
            check.id,
            language,
            subject=check.summary,
            url=check.url,
            note=(check.note or {}).get(language, ""),
            posting=check.posting,
        )

    async def report(
        self, check_id: int, *, user: str, kind: ReportKind, admin: bool = False
    ) -> bool:
        """Store a user's report on a check's link or text. True when new, False when this
        user had already reported this subject (the newer kind replaces the older).

        A chat administrator's "scam" report is a confirmation: the checked text joins the
        known scam scripts (kept in the store, so it survives restarts), and near-copies of it
        are flagged from then on. An administrator's "looks fine" withdraws that confirmation.
        """
        check = await postings_store.get_check(self._db, check_id)
        if check is None:
            raise LookupError(f"no check {check_id}")
        is_new = await reports_store.upsert_report(
            self._db, subject=check.subject, user=user, kind=kind.value, check_id=check_id
        )
        if admin and check.body:
            await self._confirm(check.subject, check.body, check_id, user=user, kind=kind)
        return is_new

    async def _confirm(
        self, subject: str, body: str, check_id: int, *, user: str, kind: ReportKind
    ) -> None:
        script_id = "confirmed:" + hashlib.sha256(subject.encode()).hexdigest()[:16]
        label = "scam" if kind is ReportKind.SCAM else "legit"
        self._linkchecker.checker.add_script(script_id, body, label)
        if kind is ReportKind.SCAM:
            await scripts_store.add_confirmed_script(
                self._db,
                script_id=script_id,
                text=body,
                label=label,
                check_id=check_id,
                confirmed_by=user,
            )
        else:
            await scripts_store.remove_confirmed_script(self._db, script_id)

    # -- subscriptions -----------------------------------------------------------------------

    async def subscribe(self, chat: ChatRef, filter: Filter, *, language: str) -> Subscription:
        CompiledFilter.of(filter)  # refuse a bad regex now, not at match time
        return await subscriptions_store.add_subscription(self._db, chat, filter, language=language)

    async def subscriptions(self, chat: ChatRef) -> list[Subscription]:
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

    # -- sources -----------------------------------------------------------------------------

    async def sources(self) -> list[SourceHealth]:
        rows = {row.name: row for row in await sources_store.list_sources(self._db)}
        names = [(kind, name) for kind, name in self._configured_sources]
        names += [
            (row.kind, row.name) for row in rows.values() if (row.kind, row.name) not in names
        ]
        health = []
        for kind, name in names:
            row = rows.get(name)
            health.append(
                SourceHealth(
                    kind=kind,
                    name=name,
                    last_poll=utc_iso(row.last_poll_at) if row else None,
                    last_status=row.last_status if row else None,
                    consecutive_failures=row.consecutive_failures if row else 0,
                    next_poll=utc_iso(row.next_poll_at) if row else None,
                    postings_seen=row.postings_seen if row else 0,
                )
            )
        return health


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
