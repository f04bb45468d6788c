"""Remotive: `GET https://remotive.com/api/remote-jobs?search=...` → `{"0-legal-notice",
"job-count", "jobs": [...]}`, remote jobs from many employers.

The config entry's `board` is the search term (Remotive matches it against title and
description), e.g. board = "ai trainer"; without one the whole feed comes back. Every job is
remote; `salary` is free text, `publication_date` has no offset and is read as UTC.

Remotive's terms: poll at most about 4 times a day (more than 2 requests a minute get
blocked, and jobs appear 24 h late anyway), so give the source `interval_s` of at least
21600; and link back to Remotive, naming it as the source: the posting URL is the Remotive
job page and the source name ("remotive:ai trainer") says where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.sources.json_source import AggregatorSource
from adapters.sources.payload import optional_str, parse_datetime, require_str
from bot.models import Posting
from bot.postings.build import build_posting
from bot.postings.normalize import html_to_text

#: Remotive's advice: about 4 polls a day.
MIN_INTERVAL_S = 6 * 3600


class RemotiveSource(AggregatorSource):
    kind = "remotive"
    default_url = "https://remotive.com/api/remote-jobs"
    search_param = "search"

    def posting_from(self, job: Mapping[str, Any]) -> Posting:
        return build_posting(
            source=self.name,
            native_id=require_str(job, "id"),
            url=require_str(job, "url"),
            title=require_str(job, "title"),
            company=optional_str(job, "company_name"),
            location=optional_str(job, "candidate_required_location"),
            remote=True,
            pay_text=optional_str(job, "salary"),
            description=html_to_text(optional_str(job, "description")),
            posted_at=parse_datetime(job.get("publication_date")),
        )
