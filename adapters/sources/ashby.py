"""Ashby public job board: `GET /posting-api/job-board/{board}?includeCompensation=true`.

`{"apiVersion": "1", "jobs": [...]}`, the whole board at once. Jobs with `isListed: false`
are hidden from the public board and skipped here too. Pay comes from the structured
compensation tiers (the Salary components), else from the summary text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from adapters.sources.json_source import BoardSource
from adapters.sources.payload import (
    ItemError,
    as_list,
    as_mapping,
    as_number,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.models import Pay, PayPeriod, Posting
from bot.postings.build import build_posting
from bot.postings.normalize import html_to_text, period_from_text

_WORKPLACE_REMOTE = {"remote": True, "onsite": False, "on-site": False, "hybrid": False}


class AshbySource(BoardSource):
    kind = "ashby"
    default_url = "https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true"
    board_domains = frozenset({"ashbyhq.com"})

    def posting_from(self, job: Mapping[str, Any]) -> Posting | None:
        if job.get("isListed") is False:
            return None
        url = require_str(job, "jobUrl")
        # `id` is seen in practice but not documented; the job URL's last segment is its id.
        native_id = optional_str(job, "id") or urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        if not native_id:
            raise ItemError("job has neither an id nor a job URL path")
        description_html = optional_str(job, "descriptionHtml")
        description = (
            html_to_text(description_html)
            if description_html
            else optional_str(job, "descriptionPlain")
        )
        compensation = as_mapping(job.get("compensation"))
        remote: bool | None = None
        if isinstance(job.get("isRemote"), bool):
            remote = job["isRemote"]
        workplace = _WORKPLACE_REMOTE.get(optional_str(job, "workplaceType").lower())
        if workplace is not None and not remote:
            remote = workplace
        return build_posting(
            source=self.name,
            native_id=native_id,
            url=url,
            title=require_str(job, "title"),
            company=self.company,
            location=optional_str(job, "location"),
            remote=remote,
            pay=pay_from_compensation(compensation),
            pay_text=optional_str(compensation, "scrapeableCompensationSalarySummary")
            or optional_str(compensation, "compensationTierSummary"),
            description=description,
            posted_at=parse_datetime(job.get("publishedAt")),
        )


def pay_from_compensation(compensation: Mapping[str, Any]) -> Pay | None:
    """The span of every Salary component over all tiers sharing the first one's currency
    and interval ("1 YEAR", "1 HOUR"); equity, bonus and "NONE" intervals are not pay."""
    lows: list[float] = []
    highs: list[float] = []
    key: tuple[str, PayPeriod] | None = None
    for tier in map(as_mapping, as_list(compensation.get("compensationTiers"))):
        for component in map(as_mapping, as_list(tier.get("components"))):
            if optional_str(component, "compensationType").lower() != "salary":
                continue
            currency = optional_str(component, "currencyCode").upper()
            period = period_from_text(optional_str(component, "interval"))
            low, high = as_number(component.get("minValue")), as_number(component.get("maxValue"))
            low = low if low is not None else high
            high = high if high is not None else low
            if not currency or period is None or low is None or high is None or low <= 0:
                continue
            if key is None:
                key = (currency, period)
            elif key != (currency, period):
                continue
            lows.append(low)
            highs.append(high)
    if key is None:
        return None
    return Pay(min(lows), max(max(highs), min(lows)), key[0], key[1])
