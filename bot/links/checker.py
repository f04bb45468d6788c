""" "Is this legit?": a verdict for a link, a saved page or a pasted offer.

A link is fetched through the `SafeFetcher`, the posting read from the page (`bot.links.extract`)
and scored by the scam checker. A link that cannot be read — refused, dead, too slow — still
gets a verdict, from what is known without the page (the address, its domain, the text the
user sent), and the report says that the page could not be read and why: scam links are
often dead within days, and "could not check" would leave the user with nothing.

Verdicts of pages that were read are cached per canonical URL for `cache_ttl_s`, so a link
pasted into ten chats is fetched once. A failed fetch is not cached: the next ask retries.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import FetchFailed, FetchRefused
from bot.failures import posting_failed
from bot.links.extract import ExtractedPosting, extract_posting
from bot.links.report import LinkReport, Problem
from bot.links.safefetch import SafeFetcher
from bot.metrics import count_link_check
from bot.models import Posting, Verdict
from bot.postings.normalize import MAX_URL_CHARS
from bot.postings.normalize import canonical_url as _canonical_url
from bot.serialize import posting_from_dict, posting_to_dict, signal_to_dict, verdict_from_dict
from bot.store import linkchecks
from bot.store.database import Database

if TYPE_CHECKING:
    from bot.scam import ScamChecker

__all__ = ["MAX_DOCUMENT_BYTES", "LegitChecker", "canonical_url", "with_scheme"]

#: Saved documents larger than this are read only this far: enough for any job page.
MAX_DOCUMENT_BYTES = 10_000_000
#: Cache rows carry this; a row of another version is ignored rather than misread.
CACHE_FORMAT = 1
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:(?!\d)")
_DOCUMENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/plain",
    ".eml": "text/plain",
}


class LegitChecker:
    """Answers "is this legit?" for a link, a saved page or a pasted text, and remembers
    the answers about pages it read."""

    def __init__(
        self,
        *,
        fetcher: SafeFetcher,
        checker: ScamChecker,
        db: Database | None,
        cache_ttl_s: float = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetcher = fetcher
        self._checker = checker
        self._db = db
        self._cache_ttl_s = cache_ttl_s
        self._clock = clock
        #: Page readings that outlived their deadline and are finishing for the cache.
        self._background: set[asyncio.Future[LinkReport]] = set()

    @property
    def checker(self) -> ScamChecker:
        """The scam checker every verdict comes from (chat reports grow its scripts)."""
        return self._checker

    async def check_url(
        self, url: str, *, text: str = "", deadline_s: float | None = None
    ) -> LinkReport:
        """The verdict for a link, plus any text the user sent with it. Never raises for a
        bad, refused or dead link: that becomes a verdict from what is known, with a note;
        a failure inside becomes an unscored verdict ("we could not check this").

        With `deadline_s` (an answer that cannot wait, such as Telegram's inline mode), a
        page not read by then gives the verdict of the link alone, with a note saying the
        page was too slow. Its reading goes on in the background and fills the cache, so
        asking again a moment later gets the verdict of the page."""
        if deadline_s is None:
            return await self._guarded(url, text)
        reading = asyncio.ensure_future(self._guarded(url, text))
        try:
            return await asyncio.wait_for(asyncio.shield(reading), deadline_s)
        except TimeoutError:
            self._background.add(reading)
            reading.add_done_callback(self._background.discard)
            canonical = canonical_url(with_scheme(url))
            try:
                slow = FetchFailed(canonical, "slow")
                slow.params["seconds"] = f"{deadline_s:g}"
                return await self._unread(canonical, text, slow)
            except Exception as error:  # the person asking gets an answer, never silence
                posting_failed("check", "link", "url", error)
                return LinkReport(canonical[:2048] or None, Verdict.unscored(), None, False)

    async def aclose(self) -> None:
        """Stop the readings left running after their deadline (at shutdown)."""
        for reading in list(self._background):
            reading.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    async def _guarded(self, url: str, text: str) -> LinkReport:
        started = time.perf_counter()
        try:
            report = await self._check_url(url, text)
        except Exception as error:  # the person asking gets an answer, never silence
            posting_failed("check", "link", "url", error)
            count_link_check("error", time.perf_counter() - started)
            return LinkReport(url.strip()[:2048] or None, Verdict.unscored(), None, False)
        outcome = "cached" if report.cached else "read" if report.fetched else "unread"
        count_link_check(outcome, time.perf_counter() - started)
        return report

    async def _check_url(self, url: str, text: str) -> LinkReport:
        canonical = canonical_url(with_scheme(url))
        # A link longer than any page's is refused by the fetcher; it is no cache key either.
        cached = await self._cached(canonical, text) if len(canonical) <= MAX_URL_CHARS else None
        if cached is not None:
            return cached
        try:
            page = await self._fetcher.fetch(canonical)
        except (FetchRefused, FetchFailed) as problem:
            return await self._unread(canonical, text, problem)
        # Parsing up to 2 MB of HTML takes milliseconds to tens of them: off the event loop.
        extracted = await asyncio.to_thread(
            extract_posting, page.url, page.body, page.content_type, charset=page.charset
        )
        # The links that led to the page (a shortener, a tracker) are evidence too: the scam
        # checker reads links in the text, and the posting's own URL is the final one.
        hops = _hops_text(canonical, page.redirects, page.url)
        plain = await self._scored_online(extracted, hops)
        verdict = plain
        if text.strip():
            verdict = await self._scored_online(extracted, _join_text(text, hops))
        report = LinkReport(
            canonical, verdict, extracted.posting, True, how=extracted.how, final_url=page.url
        )
        if self._db is not None and self._cache_ttl_s > 0:
            # The cache holds the verdict of the page alone (online reputation included): one
            # user's words must not colour another user's answer.
            entry = _cache_entry(replace(report, verdict=plain), extracted.company_profile, hops)
            await linkchecks.put_cached(self._db, canonical, entry, now=self._clock())
        return report

    def check_document(self, path: str | Path) -> LinkReport:
        """The verdict for a saved HTML page or text file; no network. Its address is the one
        the page declares (canonical link, `og:url`, JSON-LD `url`), if any: good enough to
        flag a look-alike domain, but only claimed, so it never earns a "verified employer"
        mark (a scam page can declare an employer's real address). Raises OSError when the
        file cannot be read."""
        file = Path(path)
        with file.open("rb") as handle:
            body = handle.read(MAX_DOCUMENT_BYTES)
        content_type = _DOCUMENT_TYPES.get(file.suffix.lower(), "")
        extracted = extract_posting("", body, content_type)
        verdict = dataclasses.replace(self._score(extracted, ""), verified_employer=None)
        url = extracted.posting.url or None
        return LinkReport(
            canonical_url(url) if url else None, verdict, extracted.posting, True, how=extracted.how
        )

    def check_text(self, text: str) -> LinkReport:
        """The verdict for a pasted offer or recruiter's message, with no link. Never raises:
        a failure inside becomes an unscored verdict."""
        try:
            extracted = extract_posting("", text.encode("utf-8", "replace"), "text/plain")
        except Exception as error:  # the person asking gets an answer, never silence
            posting_failed("check", "text", "text", error)
            return LinkReport(None, Verdict.unscored(), None, False, how="text")
        return LinkReport(None, self._score(extracted, ""), extracted.posting, False, how="text")

    # -- internals ---------------------------------------------------------------------------

    async def _scored_online(self, extracted: ExtractedPosting, text: str) -> Verdict:
        """The offline verdict plus online reputation (a no-op unless it is configured)."""
        return await self._checker.check_online(extracted.posting, self._score(extracted, text))

    def _score(self, extracted: ExtractedPosting, text: str) -> Verdict:
        return self._checker.check(
            extracted.posting, company_profile=extracted.company_profile, extra_text=text
        )

    async def _unread(self, canonical: str, text: str, problem: Problem) -> LinkReport:
        """A verdict from the address and the user's words alone (the address cut to the
        longest a link may be: it is stored and shown)."""
        canonical = canonical[:MAX_URL_CHARS]
        known = Posting(
            source="link",
            native_id=canonical,
            url=canonical,
            title="",
            description=text.strip(),
        )
        verdict = self._checker.check(known, company_profile="", extra_text="")
        verdict = await self._checker.check_online(known, verdict)
        return LinkReport(canonical, verdict, None, False, problem=problem)

    async def _cached(self, canonical: str, text: str) -> LinkReport | None:
        if self._db is None or self._cache_ttl_s <= 0:
            return None
        entry = await linkchecks.get_cached(
            self._db, canonical, max_age_s=self._cache_ttl_s, now=self._clock()
        )
        if entry is None or entry.get("format") != CACHE_FORMAT:
            return None
        try:
            posting = posting_from_dict(entry["posting"])
            verdict = verdict_from_dict(entry)
        except (KeyError, TypeError, ValueError):
            return None  # a damaged row is a miss, not an error
        if text.strip():
            extracted = ExtractedPosting(posting, str(entry.get("company_profile", "")), "text")
            hops = str(entry.get("hops", ""))
            verdict = await self._scored_online(extracted, _join_text(text, hops))
        return LinkReport(
            canonical,
            verdict,
            posting,
            True,
            how=entry.get("how"),
            cached=True,
            final_url=entry.get("final_url"),
        )


def _hops_text(start: str, redirects: tuple[str, ...], final: str) -> str:
    """The URLs before the final one, one a line ("" when there was no redirect)."""
    hops: list[str] = []
    for hop in (start, *redirects):
        if hop != final and hop not in hops:
            hops.append(hop)
    return "\n".join(hops)


def _join_text(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part.strip())


def canonical_url(url: str) -> str:
    """The cache key and displayed form of a link: lower-case scheme and host, no fragment,
    no tracking parameters (`utm_*`, `fbclid`, `gclid`...), no default port (the rules of
    `bot.postings.normalize.canonical_url`, shared with job sources). Never raises: a malformed link
    comes back stripped, for the fetcher to refuse with a reason."""
    try:
        return _canonical_url(url)
    except ValueError:
        return url.strip()


def with_scheme(url: str) -> str:
    """`https://` in front of a bare `www.example.com/job`; a URL with a scheme (even a bad
    one, which the fetcher then refuses) is left alone."""
    url = url.strip()
    if SCHEME_RE.match(url):
        return url
    return f"https:{url}" if url.startswith("//") else f"https://{url}"


def _cache_entry(report: LinkReport, company_profile: str, hops: str) -> dict[str, Any]:
    verdict = report.verdict
    return {
        "format": CACHE_FORMAT,
        "url": report.url,
        "risk": verdict.risk,
        "level": verdict.level.value,
        "reasons": [signal_to_dict(signal) for signal in verdict.reasons],
        "verified_employer": verdict.verified_employer,
        "matched_script": verdict.matched_script,
        "posting": posting_to_dict(report.posting) if report.posting else None,
        "company_profile": company_profile,
        "hops": hops,
        "how": report.how,
        "final_url": report.final_url,
    }
