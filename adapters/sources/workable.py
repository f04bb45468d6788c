"""Workable public account widget: the whole account's jobs in one JSON call.

`GET https://apply.workable.com/api/v1/widget/accounts/{board}?details=true` →
`{"name", "description", "jobs": [...]}` (the www.workable.com/api/accounts URL redirects
here). `telecommuting` is the remote flag, `published_on` a bare date; no pay is published,
so it can only come from the description text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.sources.json_source import BoardSource
from adapters.sources.payload import (
    as_list,
    as_mapping,
    map_items,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.models import Posting
from bot.postings.build import build_posting, company_domain
from bot.postings.normalize import html_to_text


class WorkableSource(BoardSource):
    kind = "workable"
    default_url = "https://apply.workable.com/api/v1/widget/accounts/{board}?details=true"
    board_domains = frozenset({"workable.com"})

    def postings_from(self, payload: Any) -> list[Posting]:
        """The account's name (top level) is every job's company."""
        jobs = self.items_of(payload)
        company = optional_str(payload, "name") or self.company
        return map_items(self.name, jobs, lambda job: self._posting(self.as_item(job), company))

    def _posting(self, job: Mapping[str, Any], company: str) -> Posting:
        url = optional_str(job, "url") or require_str(job, "application_url")
        location = ", ".join(
            part
            for part in (optional_str(job, "city"), optional_str(job, "state"),
                         optional_str(job, "country"))
            if part
        )  # fmt: skip
        if not location:
            first = as_mapping(next(iter(as_list(job.get("locations"))), None))
            location = ", ".join(
                part
                for part in (optional_str(first, "city"), optional_str(first, "country"))
                if part
            )
        telecommuting = job.get("telecommuting")
        description_html = optional_str(job, "full_description") or optional_str(job, "description")
        return build_posting(
            source=self.name,
            native_id=require_str(job, "shortcode"),
            url=url,
            title=require_str(job, "title"),
            company=company,
            company_domain=company_domain(url, self.board_domains),
            location=location,
            remote=telecommuting if isinstance(telecommuting, bool) and telecommuting else None,
            description=html_to_text(description_html),
            posted_at=parse_datetime(job.get("published_on"))
            or parse_datetime(job.get("created_at")),
        )
