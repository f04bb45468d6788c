"""Lever Postings API: `GET /v0/postings/{site}?mode=json` → a JSON list of postings.

The payload names no company (the configured `company`, or the title-cased site slug, is
used), dates are epoch milliseconds, and pay is a structured `salaryRange` when the employer
publishes one. Lever pages with `skip`/`limit`; by default the whole board is one request (as
the API allows), which keeps conditional GET simple. With `page_size` set, each full page
names the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack
from urllib.parse import parse_qsl, urlsplit

import httpx

from adapters.sources.base import conditional_get, with_query
from adapters.sources.json_source import BoardSource, SourceOptions
from adapters.sources.payload import (
    as_list,
    as_mapping,
    as_number,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.models import Pay, PayPeriod, Posting
from bot.polling.source import SourceState
from bot.postings.build import build_posting
from bot.postings.normalize import html_to_text

#: Lever `salaryRange.interval` → (period, factor turning the amount into that period).
_INTERVALS: dict[str, tuple[PayPeriod, float]] = {
    "per-hour-wage": (PayPeriod.HOUR, 1.0),
    "per-day-wage": (PayPeriod.DAY, 1.0),
    "per-week-salary": (PayPeriod.WEEK, 1.0),
    "bi-week-salary": (PayPeriod.WEEK, 0.5),  # paid every two weeks
    "semi-month-salary": (PayPeriod.MONTH, 2.0),  # paid twice a month
    "per-month-salary": (PayPeriod.MONTH, 1.0),
    "bi-month-salary": (PayPeriod.MONTH, 0.5),  # paid every two months
    "per-year-salary": (PayPeriod.YEAR, 1.0),
}
_WORKPLACE_REMOTE = {"remote": True, "on-site": False, "hybrid": False}


class LeverSource(BoardSource):
    kind = "lever"
    default_url = "https://api.lever.co/v0/postings/{board}?mode=json"
    board_domains = frozenset({"lever.co"})
    item_noun = "posting"

    def __init__(
        self, board: str, *, page_size: int | None = None, **options: Unpack[SourceOptions]
    ) -> None:
        super().__init__(board, **options)
        if page_size is not None and page_size < 1:
            raise ValueError(f"lever page_size must be at least 1, got {page_size}")
        self.page_size = page_size

    def first_request(self, state: SourceState) -> httpx.Request:
        url = (
            self.url
            if self.page_size is None
            else with_query(self.url, skip=0, limit=self.page_size)
        )
        return conditional_get(url, state, accept=self.accept)

    def next_request(self, response: httpx.Response, payload: Any) -> httpx.Request | None:
        """A full page (counting skipped bad items too) may have a successor."""
        if self.page_size is None or len(payload) < self.page_size:
            return None
        request_url = self.request_url(response)
        skip_text = dict(parse_qsl(urlsplit(request_url).query)).get("skip", "0")
        skip = int(skip_text) if skip_text.isdigit() else 0
        return self.page_request(
            with_query(request_url, skip=skip + self.page_size, limit=self.page_size)
        )

    def items_of(self, payload: Any) -> list[Any]:
        if not isinstance(payload, list):
            detail = payload.get("error") if isinstance(payload, Mapping) else None
            raise self.format_error(
                f"expected a JSON list of postings{f' (server said {detail!r})' if detail else ''}"
            )
        return payload

    def posting_from(self, item: Mapping[str, Any]) -> Posting:
        categories = as_mapping(item.get("categories"))
        location = optional_str(categories, "location")
        if not location:
            location = ", ".join(str(x) for x in as_list(categories.get("allLocations")) if x)
        workplace = optional_str(item, "workplaceType").lower()
        url = optional_str(item, "hostedUrl") or require_str(item, "applyUrl")
        return build_posting(
            source=self.name,
            native_id=require_str(item, "id"),
            url=url,
            title=require_str(item, "text"),
            company=self.company,
            location=location,
            remote=_WORKPLACE_REMOTE.get(workplace),
            pay=pay_from_salary_range(as_mapping(item.get("salaryRange"))),
            pay_text=optional_str(item, "salaryDescriptionPlain")
            or html_to_text(optional_str(item, "salaryDescription")),
            description=_description(item),
            posted_at=parse_datetime(item.get("createdAt"), epoch_unit_s=0.001),
        )


def _description(item: Mapping[str, Any]) -> str:
    """Opening, body, the titled lists and the closing text, as one plain text."""
    parts: list[str] = []
    body_html = optional_str(item, "description")
    parts.append(html_to_text(body_html) if body_html else optional_str(item, "descriptionPlain"))
    for entry in map(as_mapping, as_list(item.get("lists"))):
        heading = optional_str(entry, "text")
        content = html_to_text(f"<ul>{optional_str(entry, 'content')}</ul>")
        parts.append("\n".join(filter(None, (heading, content))))
    additional_html = optional_str(item, "additional")
    parts.append(
        html_to_text(additional_html) if additional_html else optional_str(item, "additionalPlain")
    )
    return "\n\n".join(part for part in parts if part)


def pay_from_salary_range(salary: Mapping[str, Any]) -> Pay | None:
    """Pay from Lever's `salaryRange{min,max,currency,interval}`; None if incomplete or one-time."""
    low, high = as_number(salary.get("min")), as_number(salary.get("max"))
    currency = optional_str(salary, "currency").upper()
    interval = _INTERVALS.get(optional_str(salary, "interval").lower())
    if interval is None or not currency or (low is None and high is None):
        return None
    period, factor = interval
    low = high if low is None or low <= 0 else low
    high = low if high is None or high <= 0 else high
    if low is None or high is None or low <= 0:
        return None
    return Pay(min(low, high) * factor, max(low, high) * factor, currency, period)
