"""RSS 2.0 and Atom job feeds (We Work Remotely and any board that offers one), via feedparser.

feedparser is deliberately lenient, so leniency is bounded here: a document that is not a
feed at all, a broken feed with no entries, or a feed cut off mid-document is a
SourceFormatError; a valid feed with no items is simply an empty page.

Many job feeds name no employer in their own fields and write item titles as "Company: Job
title" instead (We Work Remotely does). The company is then taken from the title: always for
We Work Remotely's jobs, and for any other feed whose items mostly read that way (see
`company_in_titles`), but never when the source is configured with a company or the item
names an author or a company of its own.
"""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import feedparser
import httpx

from adapters.sources.base import FEED_ACCEPT, check_status, conditional_get
from adapters.sources.payload import map_items
from bot.errors import ItemError, SourceFormatError
from bot.models import Posting
from bot.polling.source import Page, SourceState
from bot.postings.build import build_posting, company_domain, domain_of
from bot.postings.normalize import detect_remote, html_to_text

#: Parse problems that do not put the entries in doubt (a wrong declared encoding, say).
_BENIGN_BOZO = (
    feedparser.CharacterEncodingOverride,
    feedparser.NonXMLContentType,
)
_CLOSING_ROOT_RE = re.compile(rb"</(?:[\w-]+:)?(?:rss|feed|RDF)>\s*$")
#: Feeds whose item titles read "Company: Job title", whatever the other items look like.
_COMPANY_IN_TITLE_DOMAINS = frozenset({"weworkremotely.com"})
#: "Company: Job title": a short prefix without a colon, then the title.
_COMPANY_TITLE_RE = re.compile(r"^\s*(?P<company>[^:\n]{2,80}?)\s*:\s+(?P<title>\S.*)$", re.DOTALL)
#: Title prefixes that are labels, not employers ("Remote: Data annotator").
_LABEL_PREFIXES = frozenset(
    {
        "remote", "remoto", "remota", "urgent", "urgente", "hiring", "now hiring", "new",
        "nuevo", "nueva", "job", "jobs", "empleo", "vacante", "vacancy", "oferta", "wanted",
        "se busca", "freelance", "contract", "contrato", "part-time", "part time", "full-time",
        "full time", "update", "updated", "closed", "re", "fwd", "featured", "sponsored",
    }
)  # fmt: skip
#: Share of a feed's titles (of items naming no author or company) that must read "Company:
#: Job title", and the fewest such items, before the feed is taken to be written that way.
COMPANY_TITLE_SHARE = 0.8
COMPANY_TITLE_MIN_ITEMS = 2
#: Feeds that only carry remote jobs.
_REMOTE_ONLY_DOMAINS = frozenset({"weworkremotely.com", "remotive.com", "remoteok.com"})


class RssSource:
    kind: ClassVar[str] = "rss"

    def __init__(self, url: str, *, name: str | None = None, company: str | None = None) -> None:
        host = urlsplit(url).hostname if url else None
        if not host:
            raise ValueError(f"an rss source needs an absolute feed url, got {url!r}")
        self.url = url
        self.host = host.lower()
        self.name = name or f"rss:{self.host}"
        self.company = company or ""

    def __repr__(self) -> str:
        return f"RssSource(name={self.name!r}, url={self.url!r})"

    def first_request(self, state: SourceState) -> httpx.Request:
        return conditional_get(self.url, state, accept=FEED_ACCEPT)

    def parse(self, response: httpx.Response) -> Page:
        check_status(self.name, response)
        body = response.content
        if not body.strip():
            raise SourceFormatError(self.name, "empty body")
        # A stream, never bytes or str: feedparser would treat a str as a URL or file path.
        try:
            feed = feedparser.parse(
                io.BytesIO(body),
                response_headers={"content-type": response.headers.get("Content-Type", "")},
            )
        except Exception as exc:  # feedparser's own failures are a bad feed, whatever their type
            raise SourceFormatError(self.name, f"feed parser failed: {exc!r}") from exc
        problem = feed.get("bozo_exception") if feed.get("bozo") else None
        entries = list(feed.get("entries") or [])
        if not feed.get("version"):
            # Shown in `sources`: the body's size, never its bytes (an internal page's).
            found = problem or f"{len(body)} bytes of something else"
            raise SourceFormatError(self.name, f"not an RSS or Atom feed: {found}")
        if problem is not None and not isinstance(problem, _BENIGN_BOZO):
            if not entries:
                raise SourceFormatError(self.name, f"broken feed: {problem}")
            if not _CLOSING_ROOT_RE.search(body):
                raise SourceFormatError(self.name, f"feed cut off: {problem}")
        split_titles = not self.company and company_in_titles(entries)
        return Page(map_items(self.name, entries, lambda e: self._posting(e, split_titles)))

    def _posting(self, entry: Any, split_titles: bool) -> Posting:
        link = str(entry.get("link") or "").strip()
        if not link:
            raise ItemError("entry has no link")
        title = str(entry.get("title") or "").strip()
        if not title:
            raise ItemError("entry has no title")
        # Known boards are recognised by their job links, so a mirror of their feed works too.
        link_domain = domain_of(link)
        remote_only = link_domain in _REMOTE_ONLY_DOMAINS
        company = self.company or _entry_company(entry)
        if link_domain in _COMPANY_IN_TITLE_DOMAINS and ": " in title:
            named_company, _, title = title.partition(": ")
            company = company or named_company.strip()
        elif split_titles and not company and not _entry_author(entry):
            shaped = _company_and_title(title)
            if shaped is not None:
                company, title = shaped
        location = str(entry.get("region") or entry.get("location") or "").strip()
        description = html_to_text(_entry_html(entry))
        return build_posting(
            source=self.name,
            native_id=str(entry.get("id") or link),
            url=link,
            title=title,
            company=company,
            company_domain=None if remote_only else company_domain(link, frozenset()),
            location=location,
            remote=True if remote_only else detect_remote(location, description, title=title),
            description=description,
            posted_at=_entry_time(entry),
        )


def company_in_titles(entries: list[Any]) -> bool:
    """Whether a feed writes its titles "Company: Job title": at least
    `COMPANY_TITLE_MIN_ITEMS` of the items that name no author or company do, and they are at
    least `COMPANY_TITLE_SHARE` of those items. One title with a colon proves nothing ("AI
    Trainer: Spanish"); a feed written that way shows it on item after item.
    """
    titles = [
        str(entry.get("title") or "")
        for entry in entries
        if not _entry_author(entry) and not _entry_company(entry)
    ]
    shaped = sum(_company_and_title(title) is not None for title in titles)
    return shaped >= COMPANY_TITLE_MIN_ITEMS and shaped >= COMPANY_TITLE_SHARE * len(titles)


def _company_and_title(title: str) -> tuple[str, str] | None:
    """("Pearl Data", "AI Writing Evaluator") from "Pearl Data: AI Writing Evaluator"; None
    for a title of another shape or with a label before its colon ("Remote: …")."""
    found = _COMPANY_TITLE_RE.match(title)
    if found is None:
        return None
    company = found.group("company").strip()
    if company.casefold() in _LABEL_PREFIXES:
        return None
    return company, found.group("title").strip()


def _entry_author(entry: Any) -> str:
    """The item's author (`<author>`, `<dc:creator>`), if it names one."""
    return str(entry.get("author") or "").strip()


def _entry_company(entry: Any) -> str:
    """The item's own company element (`<company>`, `<job:company>`), if it has one."""
    for key in entry:
        if key == "company" or str(key).endswith("_company"):
            value = entry.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _entry_html(entry: Any) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") if hasattr(content, "get") else None
        if value:
            return str(value)
    return str(entry.get("summary") or entry.get("description") or "")


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get skips feedparser's deprecated updated→published key aliasing (and its warning)
        value = dict.get(entry, key)
        if isinstance(value, time.struct_time):
            return datetime(*value[:6], tzinfo=UTC)
    return None
