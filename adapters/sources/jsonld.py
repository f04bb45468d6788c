"""Any careers page that publishes schema.org `JobPosting`s in JSON-LD, as Google for Jobs
reads them: one posting, a list of them, or postings inside an `@graph`.

The reading is the core's own JSON-LD extractor (`bot.jsonld`, the one "is this legit?"
uses), so a posting reads the same whether someone asks about the page or a source polls
it. Here each posting's link is its own `url` (resolved against the page, kept only when it
is a web address), else the page's address. Its id is the posting's `identifier` or `@id`,
else its link; postings that would still share an id (several on one page with neither) get
one made from their title, employer and place, so no posting hides another.

A page with no `JobPosting` is a careers page with no openings today: an empty page, not an
error, unless some of its JSON-LD does not parse (a broken or cut-off page, whose postings
would otherwise vanish without a word). A body that is not a web page or a JSON document at
all is a SourceFormatError.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from datetime import UTC
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

from adapters.sources.base import check_status, conditional_get
from adapters.sources.payload import ItemError, map_items
from bot.errors import SourceFormatError
from bot.links.jsonld import job_postings, json_ld_blocks, loads, read_job_posting, text_value, walk
from bot.links.page_text import is_web_url
from bot.models import Posting
from bot.polling.source import Page, SourceState
from bot.postings.build import build_posting

__all__ = ["PAGE_ACCEPT", "JsonLdSource"]

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, application/ld+json;q=0.8, */*;q=0.1"


class JsonLdSource:
    kind: ClassVar[str] = "jsonld"

    def __init__(self, url: str, *, name: str | None = None, company: str | None = None) -> None:
        host = urlsplit(url).hostname if url else None
        if not host:
            raise ValueError(f"a jsonld source needs an absolute page url, got {url!r}")
        self.url = url
        self.name = name or f"jsonld:{host.lower()}"
        #: The employer, for postings that name no `hiringOrganization`.
        self.company = company or ""

    def __repr__(self) -> str:
        return f"JsonLdSource(name={self.name!r}, url={self.url!r})"

    def first_request(self, state: SourceState) -> httpx.Request:
        return conditional_get(self.url, state, accept=PAGE_ACCEPT)

    def parse(self, response: httpx.Response) -> Page:
        check_status(self.name, response)
        if not response.content.strip():
            raise SourceFormatError(self.name, "empty body")
        page_url = _page_url(response, self.url)
        nodes, unreadable = self._nodes(response.text)  # decoded by charset, bad bytes replaced
        jobs = job_postings(nodes)
        if not jobs and unreadable:
            # A careers page with no openings is fine; one whose JSON-LD is broken is not.
            raise SourceFormatError(
                self.name, f"no JobPosting, and {unreadable} JSON-LD block(s) do not parse"
            )
        postings = map_items(self.name, jobs, lambda job: self._posting(page_url, job, nodes))
        return Page(_unique_ids(postings))

    def _nodes(self, text: str) -> tuple[list[dict[str, Any]], int]:
        """Every JSON-LD object of an HTML page or a JSON(-LD) document, and how many of the
        page's JSON-LD blocks did not parse."""
        start = text.lstrip()[:1]
        if start in {"{", "["}:
            document = loads(text)
            if document is None:
                raise SourceFormatError(self.name, f"body is not JSON: starts {text[:60]!r}")
            return list(walk(document)), 0
        if "<" not in text[:4096]:
            raise SourceFormatError(self.name, f"not a web page: starts {text[:60]!r}")
        tree = LexborHTMLParser(text)
        blocks = list(json_ld_blocks(tree))
        unreadable = _json_ld_script_count(tree) - len(blocks)
        return [node for block in blocks for node in walk(block)], unreadable

    def _posting(self, page_url: str, job: dict[str, Any], nodes: list[dict[str, Any]]) -> Posting:
        own_url = text_value(job.get("url")).strip()
        link = urljoin(page_url, own_url) if own_url else ""
        link = link if is_web_url(link) else page_url
        extracted = read_job_posting(link, [job, *nodes], None)
        if extracted is None:  # job_postings chose it, so this is a bug, not a payload
            raise ItemError("the JobPosting could not be read")
        posting = extracted.posting
        if not posting.title:
            raise ItemError("JobPosting has no title")
        built = build_posting(
            source=self.name,
            native_id=posting.native_id,
            url=link,
            title=posting.title,
            company=posting.company or self.company,
            company_domain=posting.company_domain,
            location=posting.location,
            remote=posting.remote,
            pay=posting.pay,
            description=posting.description,
            posted_at=posting.posted_at.astimezone(UTC) if posting.posted_at else None,
        )
        # `inLanguage` says outright what build_posting would guess from the words.
        return replace(built, language=posting.language) if posting.language else built


def _page_url(response: httpx.Response, configured: str) -> str:
    """The address the page was asked for, for resolving relative links."""
    try:
        return str(response.request.url)
    except RuntimeError:
        return configured


def _json_ld_script_count(tree: LexborHTMLParser) -> int:
    """The page's `<script type="application/ld+json">` elements, parsed or not."""
    return sum(
        (script.attributes.get("type") or "").split(";")[0].strip().lower() == "application/ld+json"
        for script in tree.css("script")
    )


def _unique_ids(postings: list[Posting]) -> list[Posting]:
    """Postings whose ids collide (no `identifier`, `@id` or own `url`) get ids of their own."""
    counts = Counter(posting.native_id for posting in postings)
    if all(count == 1 for count in counts.values()):
        return postings
    unique: list[Posting] = []
    for posting in postings:
        if counts[posting.native_id] > 1:
            key = "\n".join((posting.title, posting.company, posting.location, posting.description))
            digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
            posting = replace(posting, native_id=f"{posting.url}#{digest}")
        unique.append(posting)
    return unique
