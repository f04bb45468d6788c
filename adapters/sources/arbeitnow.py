"""Arbeitnow: `GET https://www.arbeitnow.com/api/job-board-api?page=N` → `{"data": [...],
"links": {"next": ...}, "meta": {...}}`, jobs from many (mostly European) employers.

A Laravel-style paged list: each page names the next in `links.next` (null on the last).
Only that link's `page` number is taken and set on the URL this page answered, so a mirror
or a test server is paged on itself and a payload can never send the poller to another host;
a next page that is not after this one ends the poll. The pipeline stops after `max_pages`.

Fields, as typed clients read them (sources.md §5, not an official schema): `slug` (the id),
`title`, `company_name`, `location`, `remote` (bool), `description` (HTML), `url` (the
Arbeitnow job page, kept as the posting's link back), `created_at` (epoch seconds). No pay is
published, so it can only come from the text. No search parameter is documented, so the
relevance filter does the sorting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from adapters.sources.base import with_query
from adapters.sources.json_source import AggregatorSource
from adapters.sources.payload import as_mapping, optional_str, parse_datetime, require_str
from bot.models import Posting
from bot.postings.build import build_posting
from bot.postings.normalize import html_to_text

__all__ = ["ArbeitnowSource"]


class ArbeitnowSource(AggregatorSource):
    kind = "arbeitnow"
    default_url = "https://www.arbeitnow.com/api/job-board-api"
    items_key = "data"

    def next_request(self, response: httpx.Response, payload: Any) -> httpx.Request | None:
        """The page `links.next` names, on this page's own URL; None on the last page."""
        next_link = as_mapping(payload.get("links")).get("next")
        if not isinstance(next_link, str) or not next_link.strip():
            return None
        next_page = _page_number(next_link)
        request_url = self.request_url(response)
        if next_page is None or next_page <= (_page_number(request_url) or 1):
            return None  # a link that does not move forward would loop
        return self.page_request(with_query(request_url, page=next_page))

    def posting_from(self, job: Mapping[str, Any]) -> Posting:
        return build_posting(
            source=self.name,
            native_id=require_str(job, "slug"),
            url=require_str(job, "url"),
            title=require_str(job, "title"),
            company=optional_str(job, "company_name"),
            location=optional_str(job, "location"),
            # `remote: false` only says the employer did not tick the box: leave it to the text.
            remote=True if job.get("remote") is True else None,
            description=html_to_text(optional_str(job, "description")),
            posted_at=parse_datetime(job.get("created_at")),
        )


def _page_number(url: str) -> int | None:
    """The `page` query parameter of `url` as a positive number, or None."""
    try:
        value = dict(parse_qsl(urlsplit(url).query)).get("page", "")
    except ValueError:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        return None
    return int(value) or None
