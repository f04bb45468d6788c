"""Himalayas: `GET https://himalayas.app/jobs/api/search?q=...` → `{"jobs": [...], ...}`,
remote jobs from many employers, 20 a page.

The config entry's `board` is the search term (`q`), e.g. board = "ai trainer"; Himalayas
asks for specific searches rather than crawling the whole feed, and answers heavy paging
with 429. Fields follow Himalayas' data dictionary: `guid`, `title`, `companyName`,
`locationRestrictions[]`, `minSalary`/`maxSalary`/`currency` (yearly unless a
`salaryPeriod` says otherwise), `description` (sanitised HTML, else `excerpt`),
`applicationLink`, `pubDate` (epoch milliseconds). Every job is remote.

Paging differs between API versions, so both are followed: a `nextCursor` string (sent back
as `cursor`), else `limit=20&offset=N` as sources.md documents it, N advancing by the page's
job count while that stays below `totalCount`. The offset is the one the payload echoes, else
the one the request asked for; without a `totalCount`, a full page of 20 may have a successor
and a shorter one is the last. The pipeline stops after its `max_pages`. Himalayas asks for
attribution: the source name ("himalayas:ai trainer") says where a posting came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from adapters.sources.base import conditional_get, with_query
from adapters.sources.json_source import AggregatorSource
from adapters.sources.payload import as_list, as_number, optional_str, parse_datetime, require_str
from bot.models import Pay, PayPeriod, Posting
from bot.polling.source import SourceState
from bot.postings.build import build_posting
from bot.postings.normalize import html_to_text, period_from_text

#: Himalayas sends at most 20 jobs a page whatever `limit` asks for.
PAGE_SIZE = 20


class HimalayasSource(AggregatorSource):
    kind = "himalayas"
    default_url = "https://himalayas.app/jobs/api/search"
    search_param = "q"

    def first_request(self, state: SourceState) -> httpx.Request:
        return conditional_get(with_query(self.url, limit=PAGE_SIZE), state, accept=self.accept)

    def next_request(self, response: httpx.Response, payload: Any) -> httpx.Request | None:
        """The cursor's page when the payload names one, else the next offset, else None."""
        jobs = as_list(payload.get("jobs"))
        if not jobs:
            return None
        cursor = payload.get("nextCursor")
        if isinstance(cursor, str | int) and not isinstance(cursor, bool) and str(cursor):
            return self.page_request(with_query(self.request_url(response), cursor=str(cursor)))
        request_url = self.request_url(response)
        offset = as_number(payload.get("offset"))
        if offset is None:
            offset = _query_offset(request_url)
        total = as_number(payload.get("totalCount"))
        if total is None:
            if len(jobs) < PAGE_SIZE:
                return None
        elif offset + len(jobs) >= total:
            return None
        next_offset = int(offset) + len(jobs)
        return self.page_request(with_query(request_url, offset=next_offset, limit=PAGE_SIZE))

    def posting_from(self, job: Mapping[str, Any]) -> Posting:
        guid = require_str(job, "guid")
        url = optional_str(job, "applicationLink") or (guid if guid.startswith("http") else "")
        if not url:
            raise ValueError("job has neither an applicationLink nor a link as its guid")
        description_html = optional_str(job, "description")
        return build_posting(
            source=self.name,
            native_id=guid,
            url=url,
            title=require_str(job, "title"),
            company=optional_str(job, "companyName"),
            location=", ".join(
                place.strip()
                for place in as_list(job.get("locationRestrictions"))
                if isinstance(place, str) and place.strip()
            ),
            remote=True,
            pay=pay_from_salary(job),
            description=html_to_text(description_html)
            if description_html
            else optional_str(job, "excerpt"),
            posted_at=parse_datetime(job.get("pubDate"), epoch_unit_s=0.001),
        )


def _query_offset(url: str) -> float:
    """The `offset` a request asked for; 0 when it asked for none (the first page)."""
    asked = dict(parse_qsl(urlsplit(url).query)).get("offset", "")
    return float(asked) if asked.isascii() and asked.isdigit() and len(asked) < 10 else 0.0


def pay_from_salary(job: Mapping[str, Any]) -> Pay | None:
    """`minSalary`..`maxSalary` in `currency`; yearly unless `salaryPeriod` names a period."""
    low, high = as_number(job.get("minSalary")), as_number(job.get("maxSalary"))
    currency = (optional_str(job, "currency") or optional_str(job, "salaryCurrency")).upper()
    low = high if low is None or low <= 0 else low
    high = low if high is None or high <= 0 else high
    if not currency or low is None or high is None or low <= 0:
        return None
    period = period_from_text(optional_str(job, "salaryPeriod")) or PayPeriod.YEAR
    return Pay(min(low, high), max(low, high), currency, period)
