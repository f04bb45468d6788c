"""Hacker News "Ask HN: Who is hiring?" threads, through the Algolia HN Search API.

Two steps, walked through `Page.next_request` so `parse` stays pure:

1. `GET https://hn.algolia.com/api/v1/search_by_date?tags=story,author_whoishiring` → the
   whoishiring account's stories, newest first; the newest titled "Ask HN: Who is hiring?"
   is the month's thread (the account also posts "Who wants to be hired?" and "Freelancer?").
2. `GET .../search_by_date?tags=comment,story_{id}&hitsPerPage=1000&page=N` → the thread's
   comments (`objectID`, `comment_text` as HTML, `parent_id`, `story_id`, `created_at_i`),
   page after page while `page + 1 < nbPages` (the pipeline stops at `max_pages`).

Only top-level comments are job posts (`parent_id` == the story's id); replies are skipped.
There are no job fields: the first line reads `Company | Role | Location | REMOTE | $pay …`
by the thread's convention, and is read by what each part looks like (see `read_first_line`).
A top-level comment whose first line is not in that shape is skipped and counted. The
posting's link is the comment on news.ycombinator.com. A domain the poster writes is not
taken as the employer's: anyone can type one.

Which step a response answers is read from its own request (`tags` names `story_{id}` for the
comments). Algolia allows about 10,000 requests an hour per address [obs]; a poll is 2 or 3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from adapters.sources.base import conditional_get, with_query
from adapters.sources.payload import (
    ItemError,
    as_list,
    as_number,
    load_json,
    map_items,
    parse_datetime,
    require_str,
)
from bot.errors import SourceFormatError
from bot.models import Posting
from bot.polling.source import Page, SourceState
from bot.postings.build import build_posting
from bot.postings.normalize import detect_remote, html_to_text, parse_pay

__all__ = ["COMMENTS_PER_PAGE", "FirstLine", "HackerNewsSource", "read_first_line"]

#: Algolia's largest page; a thread has a few hundred top-level comments.
COMMENTS_PER_PAGE = 1000
#: Stories asked for in step 1: a month's three whoishiring threads, with room to spare.
STORIES_PER_PAGE = 20
HIRING_TITLE = "ask hn: who is hiring"
ITEM_URL = "https://news.ycombinator.com/item?id={id}"
_STORY_TAG_RE = re.compile(r"(?:^|,)story_(\d{1,12})(?:,|$)")
_SEPARATOR = "|"
#: A part that only says where the work is done: "REMOTE", "Onsite", "Remote or Onsite".
_WHERE_WORDS = (
    r"(?:100%\s*)?(?:remote|on-?site|in[- ]office|hybrid)(?:[- ](?:ok|only|first|friendly))?"
)
_WHERE_RE = re.compile(rf"^{_WHERE_WORDS}(?:\s*(?:/|,|\+|or|and|&)\s*{_WHERE_WORDS})*$", re.I)
#: A part that is a link or a bare domain: "https://acme.com/jobs", "acme.io".
_LINK_RE = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.I)
#: A part that is the kind of contract, not a role or a place.
_TERMS_RE = re.compile(
    r"^(?:full[- ]?time|part[- ]?time|contract(?:or)?|freelance|intern(?:ship)?s?|ft|pt|"
    r"permanent|temporary|visa\b.*|h-?1b\b.*|equity\b.*|no visa\b.*|"
    r"\d+\s*h(?:ours)?\s*/\s*w(?:ee)?k)"
    r"(?:\s*(?:/|,|or|and|&|\+)\s*(?:full[- ]?time|part[- ]?time|contract(?:or)?|freelance))*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class FirstLine:
    """What a "Who is hiring?" post's first line says."""

    company: str
    role: str
    location: str = ""
    remote: bool | None = None
    pay_text: str = ""


class HackerNewsSource:
    kind: ClassVar[str] = "hn"
    default_url: ClassVar[str] = "https://hn.algolia.com/api/v1/search_by_date"

    def __init__(self, *, url: str | None = None, name: str | None = None) -> None:
        self.url = url or self.default_url
        self.name = name or f"hn:{urlsplit(self.url).hostname}"

    def __repr__(self) -> str:
        return f"HackerNewsSource(name={self.name!r}, url={self.url!r})"

    def first_request(self, state: SourceState) -> httpx.Request:
        url = with_query(self.url, tags="story,author_whoishiring", hitsPerPage=STORIES_PER_PAGE)
        return conditional_get(url, state)

    def parse(self, response: httpx.Response) -> Page:
        payload = load_json(self.name, response)
        if not isinstance(payload, Mapping) or not isinstance(payload.get("hits"), list):
            raise SourceFormatError(self.name, "expected an object with a 'hits' list")
        request_url = _request_url(response, self.url)
        story_id = _story_of(request_url)
        if story_id is None:
            return Page([], self._comments_request(request_url, self._thread(payload), 0))
        return self._comments_page(request_url, payload, story_id)

    def _thread(self, payload: Mapping[str, Any]) -> str:
        """The id of the newest "Ask HN: Who is hiring?" story among the hits."""
        for hit in as_list(payload.get("hits")):
            if not isinstance(hit, Mapping):
                continue
            title = hit.get("title")
            story_id = hit.get("objectID")
            if (
                isinstance(title, str)
                and title.strip().lower().startswith(HIRING_TITLE)
                and isinstance(story_id, str | int)
                and str(story_id).isdigit()
            ):
                return str(story_id)
        count = len(as_list(payload.get("hits")))
        raise SourceFormatError(
            self.name, f"no 'Ask HN: Who is hiring?' story among the {count} newest"
        )

    def _comments_page(self, request_url: str, payload: Mapping[str, Any], story_id: str) -> Page:
        hits = as_list(payload.get("hits"))
        postings = map_items(self.name, hits, lambda hit: self._posting(hit, story_id))
        page, pages = as_number(payload.get("page")), as_number(payload.get("nbPages"))
        if page is None or pages is None or not hits or page + 1 >= pages:
            return Page(postings)
        return Page(postings, self._comments_request(request_url, story_id, int(page) + 1))

    def _comments_request(self, request_url: str, story_id: str, page: int) -> httpx.Request:
        url = with_query(
            request_url, tags=f"comment,story_{story_id}", hitsPerPage=COMMENTS_PER_PAGE, page=page
        )
        return conditional_get(url, SourceState())

    def _posting(self, hit: Any, story_id: str) -> Posting | None:
        """A top-level comment as a posting; None for a reply."""
        if not isinstance(hit, Mapping):
            raise ItemError("comment is not an object")
        if str(hit.get("parent_id")) != story_id or str(hit.get("story_id", story_id)) != story_id:
            return None
        comment_id = require_str(hit, "objectID")
        text = html_to_text(require_str(hit, "comment_text"))
        first = read_first_line(text)
        if first is None:
            raise ItemError("first line is not 'Company | Role | …'")
        return build_posting(
            source=self.name,
            native_id=comment_id,
            url=ITEM_URL.format(id=comment_id),
            title=first.role,
            company=first.company,
            location=first.location,
            remote=first.remote,
            pay_text=first.pay_text,
            description=text,
            posted_at=parse_datetime(hit.get("created_at_i"))
            or parse_datetime(hit.get("created_at")),
        )


def read_first_line(text: str) -> FirstLine | None:
    """`Company | Role | Location | REMOTE | $pay | …` from a post's first line; None when
    the line has no company and role.

    Each part after the company is read by what it looks like: where the work is done
    ("REMOTE", "Onsite or Remote"), pay ("$150k-$180k", "€40/h"), a link, contract terms
    ("Full-time", "VISA"); of the rest, the first is the role and the next the location.
    """
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")[:500]
    parts = [part.strip() for part in line.split(_SEPARATOR)]
    if len(parts) < 2 or not parts[0]:
        return None
    where: list[str] = []
    pay_text = ""
    texts: list[str] = []
    for part in parts[1:]:
        if not part or _LINK_RE.match(part) or _TERMS_RE.match(part):
            continue
        if _WHERE_RE.match(part):
            where.append(part)
        elif not pay_text and parse_pay(part) is not None:
            pay_text = part
        else:
            texts.append(part)
    if not texts:
        return None
    return FirstLine(
        company=parts[0],
        role=texts[0],
        location=texts[1] if len(texts) > 1 else "",
        remote=detect_remote(" / ".join(where)) if where else None,
        pay_text=pay_text,
    )


def _request_url(response: httpx.Response, configured: str) -> str:
    try:
        return str(response.request.url)
    except RuntimeError:  # a response built without its request: read it as step 1
        return configured


def _story_of(request_url: str) -> str | None:
    """The story id a comments request asked for (`tags=comment,story_123`), else None."""
    tags = dict(parse_qsl(urlsplit(request_url).query)).get("tags", "")
    found = _STORY_TAG_RE.search(tags)
    return found.group(1) if found else None
