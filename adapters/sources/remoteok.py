"""Remote OK: `GET https://remoteok.com/api` → a JSON list whose first element is the legal
notice, not a job. Every job is remote; `salary_min`/`salary_max` are yearly USD when set.

Remote OK's terms ask for a followed link back and its name as the source: the posting URL
is the Remote OK page, and the source name ("remoteok:remoteok.com") says where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.sources.json_source import AggregatorSource
from adapters.sources.payload import as_number, optional_str, parse_datetime, require_str
from bot.models import Pay, PayPeriod, Posting
from bot.postings.build import build_posting
from bot.postings.normalize import html_to_text


class RemoteOkSource(AggregatorSource):
    kind = "remoteok"
    default_url = "https://remoteok.com/api"

    def items_of(self, payload: Any) -> list[Any]:
        if not isinstance(payload, list):
            raise self.format_error("expected a JSON list")
        return [item for item in payload if not (isinstance(item, Mapping) and "legal" in item)]

    def posting_from(self, job: Mapping[str, Any]) -> Posting:
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
