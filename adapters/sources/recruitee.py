"""Recruitee careers sites: `GET https://{company}.recruitee.com/api/offers/` → `{"offers": [...]}`.

The Careers Site API needs no key and answers every published offer of one company in one
call (no paging). The field names follow clients seen in the wild, not an official schema
(see sources.md §4): `id`, `slug`, `title`, `company_name`, `description` and `requirements`
(HTML), `location` (or `city`/`state_name`/`country`), the `remote`/`hybrid`/`on_site`
flags, `careers_url` (the offer page) and `careers_apply_url`, `published_at` and
`created_at` written "2023-07-25 17:53:46 UTC", and a `salary{min, max, period, currency}`
whose amounts are strings or null when the company publishes none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.sources.json_source import BoardSource
from adapters.sources.payload import (
    as_mapping,
    as_number,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.models import Pay, Posting
from bot.postings.build import build_posting, company_domain
from bot.postings.normalize import html_to_text, period_from_text

__all__ = ["RecruiteeSource", "pay_from_salary", "remote_from_flags"]


class RecruiteeSource(BoardSource):
    kind = "recruitee"
    default_url = "https://{board}.recruitee.com/api/offers/"
    board_domains = frozenset({"recruitee.com"})
    items_key = "offers"
    item_noun = "offer"

    def posting_from(self, offer: Mapping[str, Any]) -> Posting | None:
        status = optional_str(offer, "status").lower()
        if status and status != "published":
            return None  # the public API should list only published offers; never alert others
        url = optional_str(offer, "careers_url") or require_str(offer, "careers_apply_url")
        # The numeric id is stable; the slug changes when the title is edited.
        native_id = require_str(offer, "id" if offer.get("id") is not None else "slug")
        sections = (
            html_to_text(optional_str(offer, key)) for key in ("description", "requirements")
        )
        return build_posting(
            source=self.name,
            native_id=native_id,
            url=url,
            title=require_str(offer, "title"),
            company=optional_str(offer, "company_name") or self.company,
            company_domain=company_domain(url, self.board_domains),
            location=_location(offer),
            remote=remote_from_flags(offer),
            pay=pay_from_salary(as_mapping(offer.get("salary"))),
            description="\n\n".join(section for section in sections if section),
            posted_at=parse_datetime(offer.get("published_at"))
            or parse_datetime(offer.get("created_at")),
        )


def _location(offer: Mapping[str, Any]) -> str:
    """The offer's own location line, else its city, region and country."""
    location = optional_str(offer, "location")
    if location:
        return location
    parts = (optional_str(offer, key) for key in ("city", "state_name", "country"))
    return ", ".join(part for part in parts if part)


def remote_from_flags(offer: Mapping[str, Any]) -> bool | None:
    """True for a remote offer, False for a hybrid or on-site one, None when no flag is set.

    A hybrid job is not remote work, as in the other adapters; an offer with no flag at all
    is left for the location and text to tell.
    """
    if offer.get("remote") is True:
        return True
    if offer.get("hybrid") is True or offer.get("on_site") is True:
        return False
    return None


def pay_from_salary(salary: Mapping[str, Any]) -> Pay | None:
    """`salary{min, max, period, currency}`; either bound may be null or a numeric string."""
    low, high = as_number(salary.get("min")), as_number(salary.get("max"))
    low = high if low is None or low <= 0 else low
    high = low if high is None or high <= 0 else high
    currency = optional_str(salary, "currency").upper()
    period = period_from_text(optional_str(salary, "period"))
    if low is None or high is None or low <= 0 or not currency or period is None:
        return None
    return Pay(min(low, high), max(low, high), currency, period)
