"""SmartRecruiters Posting API: one company's postings from the list, then each one's detail.

List: `GET https://api.smartrecruiters.com/v1/companies/{company}/postings?limit=100&offset=N`
→ `{limit, offset, totalFound, content: [...]}`. Its items are partial ("to get full object
use `ref`"): `id`, `name`, `company{identifier, name}`, `releasedDate`,
`location{city, region, country, remote, hybrid, fullLocation}`, `ref`, but no description
and no job page. Detail (`ref`, i.e. `.../postings/{id}`): the same posting plus
`jobAd.sections.{jobDescription, qualifications, additionalInformation, companyDescription}`
(`{title, text}`, HTML), `postingUrl` (the public job page), `applyUrl` and `active`. The
detail field names are [obs] in sources.md: seen in other clients, not in the reference.

One poll is a walk through `Page.next_request`, so `parse` stays pure: a list page, the detail
of each of its postings in turn, the next list page, and so on. Each request carries what is
left to do (the postings waiting for their detail, the next list page, the detail budget) in
its `extensions`, and `parse` reads that back from the response's request. The walk is
bounded twice: at most `max_details` detail calls a poll (default 10, newest postings first;
the others are given from the list alone, without a description, and a new posting is
nearly always among the newest), and the pipeline's `max_pages` counts every request.

A detail that is not the posting asked for, or not an object, leaves the list's fields; a
detail with `active: false` (withdrawn since the list) gives no posting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Unpack
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import httpx

from adapters.sources.base import conditional_get, with_query
from adapters.sources.json_source import BoardSource, SourceOptions
from adapters.sources.payload import (
    as_mapping,
    as_number,
    load_json,
    map_items,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.models import Posting
from bot.polling.source import Page, SourceState
from bot.postings.build import build_posting, company_domain
from bot.postings.normalize import html_to_text

__all__ = ["DETAILS_PER_POLL", "PAGE_SIZE", "SmartRecruitersSource"]

#: The most postings one list call returns (the API's cap on `limit`).
PAGE_SIZE = 100
#: Detail calls in one poll, by default: the newest postings get their description.
DETAILS_PER_POLL = 10
#: The request extension that carries the rest of a poll's walk.
_WALK = "vigia.smartrecruiters.walk"
#: Longest posting id that gets a detail call (real ids are 15 digits or a UUID); a longer
#: one would make an address httpx refuses, so that posting is given from the list.
_MAX_ID_CHARS = 100
#: Job-ad sections in the order a reader wants them: the role first, the company blurb last.
_SECTIONS = ("jobDescription", "qualifications", "additionalInformation", "companyDescription")
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Walk:
    """What is left of a poll after the request that carries it."""

    #: The list item this request fetches the detail of; None when it fetches a list page.
    posting: Mapping[str, Any] | None
    #: List items whose detail comes after this one, in order.
    waiting: tuple[Mapping[str, Any], ...]
    #: The list page after the current one, or None on the last.
    next_list_url: str | None
    #: Detail calls the poll may still make after the ones already planned.
    details_left: int


class SmartRecruitersSource(BoardSource):
    kind = "smartrecruiters"
    default_url = "https://api.smartrecruiters.com/v1/companies/{board}/postings"
    board_domains = frozenset({"smartrecruiters.com"})
    items_key = "content"
    item_noun = "posting"

    def __init__(
        self,
        board: str,
        *,
        max_details: int = DETAILS_PER_POLL,
        **options: Unpack[SourceOptions],
    ) -> None:
        super().__init__(board, **options)
        if max_details < 0:
            raise ValueError(f"smartrecruiters max_details must be 0 or more, got {max_details}")
        self.max_details = max_details

    def first_request(self, state: SourceState) -> httpx.Request:
        url = with_query(self.url, limit=PAGE_SIZE, offset=0)
        return conditional_get(url, state, accept=self.accept)

    def parse(self, response: httpx.Response) -> Page:
        walk = _walk_of(response)
        payload = load_json(self.name, response)
        if walk is None or walk.posting is None:
            budget = self.max_details if walk is None else walk.details_left
            return self._list_page(response, payload, budget)
        return self._detail_page(payload, walk)

    # -- the list --------------------------------------------------------------------------

    def _list_page(self, response: httpx.Response, payload: Any, budget: int) -> Page:
        """The postings beyond the detail budget now; the rest after their detail calls."""
        pairs: list[tuple[Mapping[str, Any], Posting]] = []

        def summary(item: Any) -> Posting | None:
            listed = self.as_item(item)
            posting = self._posting(listed, {})
            if posting is not None:
                pairs.append((listed, posting))
            return posting

        kept = {id(posting) for posting in map_items(self.name, self.items_of(payload), summary)}
        readable = [(listed, posting) for listed, posting in pairs if id(posting) in kept]
        # The newest get the detail budget; an id too long for an address never does.
        candidates = sorted(
            (pair for pair in readable if len(pair[1].native_id) <= _MAX_ID_CHARS),
            key=lambda pair: pair[1].posted_at or _OLDEST,
            reverse=True,
        )
        to_detail = tuple(listed for listed, _ in candidates[:budget])
        detailed = {id(listed) for listed in to_detail}
        given_now = [posting for listed, posting in readable if id(listed) not in detailed]
        walk = _Walk(
            posting=None,
            waiting=to_detail,
            next_list_url=self._next_list_url(response, payload),
            details_left=budget - len(to_detail),
        )
        return Page(given_now, self._continue(walk))

    def _next_list_url(self, response: httpx.Response, payload: Any) -> str | None:
        """The list page after this one while `offset` + this page's items < `totalFound`."""
        count = len(self.items_of(payload))
        request_url = self.request_url(response)
        asked = dict(parse_qsl(urlsplit(request_url).query)).get("offset", "")
        offset = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 10 else None
        if offset is None:
            offset = int(as_number(payload.get("offset")) or 0)
        total = as_number(payload.get("totalFound"))
        if count == 0 or total is None or offset + count >= total:
            return None
        return with_query(request_url, limit=PAGE_SIZE, offset=offset + count)

    # -- the details -----------------------------------------------------------------------

    def _detail_page(self, payload: Any, walk: _Walk) -> Page:
        """The posting `walk` asked the detail of, with what the detail adds, then the rest."""
        listed = walk.posting
        assert listed is not None
        detail = as_mapping(payload)
        if str(detail.get("id", listed.get("id"))) != str(listed.get("id")):
            detail = {}  # another posting's detail: keep to what the list said
        postings = map_items(self.name, [listed], lambda item: self._posting(item, detail))
        return Page(postings, self._continue(walk))

    def _continue(self, walk: _Walk) -> httpx.Request | None:
        """The next request of the walk: the next detail, else the next list page, else none."""
        if walk.waiting:
            listed, *rest = walk.waiting
            request = self.page_request(_detail_url(self.url, listed))
            request.extensions[_WALK] = replace(walk, posting=listed, waiting=tuple(rest))
            return request
        if walk.next_list_url is None:
            return None
        request = self.page_request(walk.next_list_url)
        request.extensions[_WALK] = _Walk(None, (), None, walk.details_left)
        return request

    # -- one posting -----------------------------------------------------------------------

    def _posting(self, listed: Mapping[str, Any], detail: Mapping[str, Any]) -> Posting | None:
        """A posting from its list item, with what its detail adds; None once withdrawn.

        Required fields come from the list item (a detail can only add to it), so an odd
        detail never makes a readable posting unreadable.
        """
        if detail.get("active") is False:
            return None
        native_id = require_str(listed, "id")
        title = optional_str(detail, "name") or require_str(listed, "name")
        company = as_mapping(detail.get("company")) or as_mapping(listed.get("company"))
        identifier = optional_str(company, "identifier") or self.board
        url = (
            optional_str(detail, "postingUrl")
            or optional_str(detail, "applyUrl")
            or f"https://jobs.smartrecruiters.com/{quote(identifier)}/{quote(native_id)}"
        )
        location = as_mapping(detail.get("location")) or as_mapping(listed.get("location"))
        return build_posting(
            source=self.name,
            native_id=native_id,
            url=url,
            title=title,
            company=optional_str(company, "name") or self.company,
            company_domain=company_domain(url, self.board_domains),
            location=_place(location),
            remote=True if location.get("remote") is True else _not_remote(location),
            description=_job_ad(as_mapping(detail.get("jobAd"))),
            posted_at=parse_datetime(detail.get("releasedDate"))
            or parse_datetime(listed.get("releasedDate")),
        )


def _walk_of(response: httpx.Response) -> _Walk | None:
    """The walk the answered request carries; None for a poll's first request."""
    try:
        walk = response.request.extensions.get(_WALK)
    except RuntimeError:  # a response built without its request: read it as a first page
        return None
    return walk if isinstance(walk, _Walk) else None


def _detail_url(list_url: str, listed: Mapping[str, Any]) -> str:
    """Where a posting's detail is: its `ref` when that is on the list's own host (the API
    itself), else `{list path}/{id}` there, so a mirror or a test server is asked, and a
    payload never sends the poller to another host."""
    parts = urlsplit(list_url)
    ref = optional_str(listed, "ref")
    if ref:
        ref_parts = urlsplit(ref)
        if ref_parts.scheme == parts.scheme and ref_parts.netloc == parts.netloc:
            return ref
    path = parts.path.rstrip("/") + "/" + quote(require_str(listed, "id"), safe="")
    return urlunsplit(parts._replace(path=path, query="", fragment=""))


def _place(location: Mapping[str, Any]) -> str:
    """`fullLocation`, else city, region and country ("Madrid, MD, ES")."""
    full = optional_str(location, "fullLocation")
    if full:
        return full
    country = optional_str(location, "country").upper()
    parts = (optional_str(location, "city"), optional_str(location, "region"), country)
    return ", ".join(part for part in parts if part)


def _not_remote(location: Mapping[str, Any]) -> bool | None:
    """False for a hybrid posting; otherwise unknown, for the text to tell."""
    return False if location.get("hybrid") is True else None


def _job_ad(job_ad: Mapping[str, Any]) -> str:
    """The job ad's sections as one text, each under its title."""
    sections = as_mapping(job_ad.get("sections"))
    parts: list[str] = []
    for key in _SECTIONS:
        section = as_mapping(sections.get(key))
        text = html_to_text(optional_str(section, "text"))
        if text:
            title = optional_str(section, "title")
            parts.append(f"{title}\n{text}" if title and not text.startswith(title) else text)
    return "\n\n".join(parts)
