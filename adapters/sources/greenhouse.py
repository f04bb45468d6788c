"""Greenhouse Job Board API: one employer's whole board in one JSON call.

`GET /v1/boards/{board}/jobs?content=true` → `{"jobs": [...], "meta": {"total": N}}`. The
description (`content`) is entity-encoded HTML; there is no remote flag (it is read from the
location and offices); pay appears only as `pay_input_ranges` when a payload carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.sources.json_source import BoardSource
from adapters.sources.payload import (
    as_list,
    as_mapping,
    as_number,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.models import Pay, PayPeriod, Posting
from bot.postings.build import build_posting, company_domain
from bot.postings.normalize import detect_remote, html_to_text, period_from_text


class GreenhouseSource(BoardSource):
    kind = "greenhouse"
    default_url = "https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true"
    board_domains = frozenset({"greenhouse.io"})

    def posting_from(self, job: Mapping[str, Any]) -> Posting:
        url = require_str(job, "absolute_url")
        location = optional_str(as_mapping(job.get("location")), "name")
        offices = " / ".join(
            " ".join(filter(None, (optional_str(office, "name"), optional_str(office, "location"))))
            for office in map(as_mapping, as_list(job.get("offices")))
        )
        description = html_to_text(optional_str(job, "content"), entity_encoded=True)
        remote = detect_remote(location) if location else None
        if remote is None and offices:
            remote = detect_remote(offices)
        return build_posting(
            source=self.name,
            native_id=require_str(job, "id"),
            url=url,
            title=require_str(job, "title"),
            company=optional_str(job, "company_name") or self.company,
            company_domain=company_domain(url, self.board_domains),
            location=location,
            remote=remote,
            pay=pay_from_ranges(as_list(job.get("pay_input_ranges"))),
            description=description,
            posted_at=parse_datetime(job.get("first_published"))
            or parse_datetime(job.get("updated_at")),
        )


def pay_from_ranges(ranges: list[Any]) -> Pay | None:
    """The widest range over Greenhouse `pay_input_ranges` of one currency (amounts in cents).

    Greenhouse does not say the period; the range's title sometimes does ("Hourly
    range"), else the size tells: 10,000 or more is yearly, under 1,000 hourly, monthly between.
    """
    lows: list[float] = []
    highs: list[float] = []
    currency = ""
    period: PayPeriod | None = None
    for entry in map(as_mapping, ranges):
        low, high = as_number(entry.get("min_cents")), as_number(entry.get("max_cents"))
        this_currency = optional_str(entry, "currency_type").upper()
        if low is None or high is None or low <= 0 or not this_currency:
            continue
        if currency and this_currency != currency:
            continue
        currency = this_currency
        lows.append(low / 100)
        highs.append(high / 100)
        # Only the short title: a blurb's "days of PTO" would read as a daily rate.
        period = period or period_from_text(optional_str(entry, "title"))
    if not lows:
        return None
    low, high = min(lows), max(highs)
    if period is None:
        period = (
            PayPeriod.YEAR
            if high >= 10_000
            else PayPeriod.HOUR
            if high < 1_000
            else PayPeriod.MONTH
        )
    return Pay(min(low, high), max(low, high), currency, period)
