"""LinkedIn, Indeed, ZipRecruiter, Glassdoor and Google Jobs through python-jobspy (kind
`jobspy`), an optional extra: `pip install ".[jobspy]"`.

python-jobspy is not an HTTP API but a scraper: `jobspy.scrape_jobs(...)` blocks for seconds
to minutes and returns a pandas DataFrame. So the source is split in two, as every source is:

- the fetch is `adapters.sources.jobspy_scrape.JobSpyTransport`, an httpx transport the
  poller's client mounts for `jobspy://` addresses: it runs `scrape_jobs` in a worker thread
  (the event loop never waits on it) and answers with the result rows as a JSON list, or
  raises one of its `SourceError`s when a site blocks the scrape or finds nothing;
- this module's `parse` is pure, like every other source's: rows in (columns `id`, `site`,
  `job_url`, `job_url_direct`, `title`, `company`, `location`, `date_posted`, `is_remote`,
  `min_amount`, `max_amount`, `currency`, `interval`, `description`, …), postings out,
  through the same `build_posting`.

The request's address carries the whole search (`JobSpySearch.url`), so the poller's
timings, backoff and unchanged-body check treat it like any other source.

The sites' terms forbid scraping and they block it often (sources.md §7), so the kind is
opt-in, polled hourly by default, and every failure only backs the source off. python-jobspy
is imported only when a search runs, never at start-up.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode

import httpx

from adapters.sources.base import JSON_ACCEPT, USER_AGENT
from adapters.sources.payload import (
    as_number,
    load_json,
    map_items,
    optional_str,
    parse_datetime,
    require_str,
)
from bot.errors import SourceFormatError
from bot.models import Pay, PayPeriod, Posting
from bot.polling.source import Page, SourceState
from bot.postings.build import build_posting, company_domain
from bot.postings.normalize import html_to_text

__all__ = [
    "DEFAULT_INTERVAL_S",
    "EXTRA_HINT",
    "SCHEME",
    "SITES",
    "JobSpySearch",
    "JobSpySource",
    "jobspy_installed",
]

#: The address scheme of a scrape request; the poller's client mounts the transport on it.
SCHEME = "jobspy"
#: The sites python-jobspy scrapes that this kind offers (its `Site` values).
SITES = frozenset({"linkedin", "indeed", "zip_recruiter", "glassdoor", "google"})
#: Hourly by default: the sites block frequent scrapers, and new jobs appear at that pace.
DEFAULT_INTERVAL_S = 3600
EXTRA_HINT = 'the jobspy kind needs python-jobspy: pip install ".[jobspy]"'
#: python-jobspy's `interval` column → the pay period.
_INTERVALS = {
    "hourly": PayPeriod.HOUR,
    "daily": PayPeriod.DAY,
    "weekly": PayPeriod.WEEK,
    "monthly": PayPeriod.MONTH,
    "yearly": PayPeriod.YEAR,
}
#: Job boards and applicant-tracking hosts: a `job_url_direct` there names no employer.
_NOT_EMPLOYER_DOMAINS = frozenset(
    {
        "linkedin.com", "indeed.com", "ziprecruiter.com", "glassdoor.com", "google.com",
        "greenhouse.io", "lever.co", "ashbyhq.com", "workable.com", "smartrecruiters.com",
        "recruitee.com", "myworkdayjobs.com", "icims.com", "jobvite.com", "bamboohr.com",
        "breezy.hr", "applytojob.com", "taleo.net", "successfactors.com",
    }
)  # fmt: skip


def jobspy_installed() -> bool:
    """Whether python-jobspy can be imported, without importing it (pandas is slow to load)."""
    try:
        return importlib.util.find_spec("jobspy") is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class JobSpySearch:
    """One python-jobspy search: what `scrape_jobs` is asked, with Vigia's defaults."""

    search_term: str
    sites: tuple[str, ...] = ("indeed", "linkedin")
    location: str | None = None
    results_wanted: int = 20
    #: Only jobs posted this recently. Indeed then ignores `is_remote` (a jobspy limitation).
    hours_old: int | None = 72
    country_indeed: str = "usa"
    is_remote: bool = False
    #: Google Jobs reads only this, written as in its own search box; default: the term.
    google_search_term: str | None = None

    def __post_init__(self) -> None:
        if not self.search_term.strip():
            raise ValueError("a jobspy search needs a search term (the source's board)")
        unknown = sorted(set(self.sites) - SITES)
        if unknown or not self.sites:
            known = ", ".join(sorted(SITES))
            raise ValueError(f"jobspy sites must be some of {known}; got {list(self.sites)}")
        if not 1 <= self.results_wanted <= 200:
            raise ValueError(f"jobspy results_wanted must be 1 to 200, got {self.results_wanted}")
        if self.hours_old is not None and self.hours_old < 1:
            raise ValueError(f"jobspy hours_old must be at least 1, got {self.hours_old}")

    @classmethod
    def from_options(cls, search_term: str, options: Mapping[str, Any] | None) -> JobSpySearch:
        """The search a config entry describes; unknown option names are a ValueError."""
        options = dict(options or {})
        known = {field.name for field in fields(cls)} - {"search_term"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown jobspy option(s) {unknown}; known: {sorted(known)}")
        if "sites" in options:
            options["sites"] = tuple(options["sites"])
        return cls(" ".join(search_term.split()), **options)

    def url(self, source: str) -> str:
        """The scrape request's address: the whole search, and the source it is for."""
        query: dict[str, str | int] = {
            "source": source,
            "search_term": self.search_term,
            "site_name": ",".join(self.sites),
            "results_wanted": self.results_wanted,
            "country_indeed": self.country_indeed,
            "is_remote": "true" if self.is_remote else "false",
        }
        if self.location:
            query["location"] = self.location
        if self.hours_old is not None:
            query["hours_old"] = self.hours_old
        if self.google_search_term:
            query["google_search_term"] = self.google_search_term
        return f"{SCHEME}://scrape/?{urlencode(query)}"

    @classmethod
    def from_url(cls, url: str) -> tuple[str, JobSpySearch]:
        """(source name, search) back from `url`; ValueError for an address `url` did not make."""
        _, _, query = url.partition("?")
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            hours_old = params.get("hours_old")
            search = cls(
                search_term=params["search_term"],
                sites=tuple(site for site in params["site_name"].split(",") if site),
                location=params.get("location") or None,
                results_wanted=int(params["results_wanted"]),
                hours_old=int(hours_old) if hours_old else None,
                country_indeed=params["country_indeed"],
                is_remote=params.get("is_remote") == "true",
                google_search_term=params.get("google_search_term") or None,
            )
        except KeyError as missing:
            raise ValueError(f"not a jobspy search address: no {missing}") from None
        return params.get("source") or f"{SCHEME}:{search.search_term}", search

    def scrape_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `jobspy.scrape_jobs` for this search."""
        return {
            "site_name": list(self.sites),
            "search_term": self.search_term,
            "google_search_term": self.google_search_term
            or (f"{self.search_term} jobs" if "google" in self.sites else None),
            "location": self.location,
            "results_wanted": self.results_wanted,
            "hours_old": self.hours_old,
            "country_indeed": self.country_indeed,
            "is_remote": self.is_remote,
            "description_format": "html",  # one HTML-to-text path for every source
            "verbose": 2,  # every log line, so a 403 logged at INFO is seen (and kept quiet)
        }


class JobSpySource:
    kind: ClassVar[str] = "jobspy"

    def __init__(self, search: JobSpySearch, *, name: str | None = None) -> None:
        self.search = search
        self.name = name or f"{self.kind}:{search.search_term}"

    def __repr__(self) -> str:
        return f"JobSpySource(name={self.name!r}, sites={list(self.search.sites)!r})"

    def first_request(self, state: SourceState) -> httpx.Request:
        """The scrape, as a request the mounted transport answers (no validators: a scrape
        has none; the poller's unchanged-body check still spares an identical result)."""
        headers = {"User-Agent": USER_AGENT, "Accept": JSON_ACCEPT}
        return httpx.Request("GET", self.search.url(self.name), headers=headers)

    def parse(self, response: httpx.Response) -> Page:
        rows = load_json(self.name, response)
        if not isinstance(rows, list):
            raise SourceFormatError(self.name, "expected a JSON list of result rows")
        return Page(map_items(self.name, rows, self._posting))

    def _posting(self, row: Any) -> Posting:
        if not isinstance(row, Mapping):
            raise ValueError("result row is not an object")
        url = optional_str(row, "job_url") or require_str(row, "job_url_direct")
        description = optional_str(row, "description")
        return build_posting(
            source=self.name,
            native_id=optional_str(row, "id") or url,
            url=url,
            title=require_str(row, "title"),
            company=optional_str(row, "company"),
            company_domain=company_domain(
                optional_str(row, "job_url_direct"), _NOT_EMPLOYER_DOMAINS
            ),
            location=optional_str(row, "location"),
            # `is_remote: false` is python-jobspy's default, not the site's word.
            remote=True if row.get("is_remote") is True else None,
            pay=pay_from_row(row),
            description=html_to_text(description) if "<" in description else description,
            posted_at=parse_datetime(row.get("date_posted")),
        )


def pay_from_row(row: Mapping[str, Any]) -> Pay | None:
    """`min_amount`..`max_amount` in `currency` per `interval`; None when incomplete."""
    period = _INTERVALS.get(optional_str(row, "interval").lower())
    low, high = as_number(row.get("min_amount")), as_number(row.get("max_amount"))
    low = high if low is None or low <= 0 else low
    high = low if high is None or high <= 0 else high
    if period is None or low is None or high is None or low <= 0:
        return None
    return Pay(min(low, high), max(low, high), optional_str(row, "currency").upper(), period)
