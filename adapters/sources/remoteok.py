"""Remote OK: `GET https://remoteok.com/api` → a JSON list whose first element is the legal
notice, not a job. Every job is remote; `salary_min`/`salary_max` are yearly USD when set.

Remote OK's terms ask for a followed link back and its name as the source: the posting URL
is the Remote OK page, and the source name ("remoteok:remoteok.com") says where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from adapters.sources.base import (
    ItemError,
    Page,
    SourceState,
    as_number,
    build_posting,
    conditional_get,
    load_json,
    map_items,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.errors import SourceFormatError
from bot.models import Pay, PayPeriod, Posting
from bot.normalize import html_to_text


class RemoteOkSource:
    kind: ClassVar[str] = "remoteok"
    default_url: ClassVar[str] = "https://remoteok.com/api"

    def __init__(self, *, url: str | None = None, name: str | None = None) -> None:
        self.url = url or self.default_url
        self.name = name or f"{self.kind}:{urlsplit(self.url).hostname}"

    def __repr__(self) -> str:
        return f"RemoteOkSource(name={self.name!r}, url={self.url!r})"

    def first_request(self, state: SourceState) -> httpx.Request:
        return conditional_get(self.url, state)

    def parse(self, response: httpx.Response) -> Page:
        payload = load_json(self.name, response)
        if not isinstance(payload, list):
            raise SourceFormatError(self.name, "expected a JSON list")
        jobs = [item for item in payload if not (isinstance(item, Mapping) and "legal" in item)]
        return Page(map_items(self.name, jobs, self._posting))

    def _posting(self, job: Any) -> Posting:
        if not isinstance(job, Mapping):
            raise ItemError("job is not an object")
        low, high = as_number(job.get("salary_min")), as_number(job.get("salary_max"))
        pay = None
        if low and low > 0:
            pay = Pay(low, max(low, high or low), "USD", PayPeriod.YEAR)
        return build_posting(
            source=self.name,
            native_id=require_str(job, "id"),
            url=optional_str(job, "url") or require_str(job, "apply_url"),
            title=require_str(job, "position"),
            company=optional_str(job, "company"),
            location=optional_str(job, "location"),
            remote=True,
            pay=pay,
            description=html_to_text(optional_str(job, "description")),
            posted_at=parse_datetime(job.get("epoch")) or parse_datetime(job.get("date")),
        )
