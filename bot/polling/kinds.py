"""The kinds of job source, and what each config entry of a kind must give: the one list.

The core says which kinds exist and what identifies each; `adapters.sources` holds one
implementation per kind (a test checks the two agree). Config validation and the factory
that builds sources both ask `check_entry`, so an entry the config accepts is one the
factory can build, and its error names the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

__all__ = [
    "SOURCE_KINDS",
    "Identity",
    "KindRules",
    "check_entry",
    "poll_interval_s",
    "source_name",
]


class Identity(StrEnum):
    """What names one source of a kind in the config."""

    BOARD = "board"  # an employer's board slug (a `url` may replace the endpoint)
    URL = "url"  # the feed or page address
    SEARCH = "search"  # an aggregator: `board` is an optional search term
    NONE = "none"  # an aggregator read whole: neither board nor search term
    QUERY = "query"  # a search of other sites: `board` is the search term, and required


@dataclass(frozen=True, slots=True)
class KindRules:
    kind: str
    identity: Identity
    takes_company: bool = True  # False where each job names its own employer
    default_host: str = ""  # names the source when neither board nor url does
    min_interval_s: int = 0  # the source's own terms ("a few polls a day")
    default_interval_s: int = 0  # polled at least this far apart unless the entry says
    takes_options: bool = False  # a `[sources.<kind>]` table of the kind's own settings


SOURCE_KINDS: dict[str, KindRules] = {
    rules.kind: rules
    for rules in (
        KindRules("greenhouse", Identity.BOARD),
        KindRules("lever", Identity.BOARD),
        KindRules("ashby", Identity.BOARD),
        KindRules("workable", Identity.BOARD),
        KindRules("recruitee", Identity.BOARD),
        KindRules("smartrecruiters", Identity.BOARD),
        KindRules("rss", Identity.URL),
        KindRules("jsonld", Identity.URL),  # a careers page with schema.org JobPostings
        KindRules("remoteok", Identity.NONE, takes_company=False, default_host="remoteok.com"),
        # Remotive's terms: about 4 requests a day; more than 2 a minute get blocked.
        KindRules(
            "remotive",
            Identity.SEARCH,
            takes_company=False,
            default_host="remotive.com",
            min_interval_s=21_600,
            default_interval_s=21_600,
        ),
        KindRules("himalayas", Identity.SEARCH, takes_company=False, default_host="himalayas.app"),
        KindRules(
            "arbeitnow", Identity.NONE, takes_company=False, default_host="www.arbeitnow.com"
        ),
        # Hacker News "Who is hiring?": the month's thread, through the Algolia HN API.
        KindRules("hn", Identity.NONE, takes_company=False, default_host="hn.algolia.com"),
        # LinkedIn, Indeed, ZipRecruiter, Glassdoor and Google Jobs through python-jobspy:
        # they block frequent scrapers, so hourly unless the entry says.
        KindRules(
            "jobspy",
            Identity.QUERY,
            takes_company=False,
            default_interval_s=3_600,
            takes_options=True,
        ),
    )
}


def check_entry(
    kind: str,
    *,
    board: str | None,
    url: str | None,
    company: str | None,
    interval_s: int | None = None,
    options: bool = False,
) -> KindRules:
    """The rules of `kind` when the entry gives what they need; ValueError saying what is
    missing or extra otherwise."""
    rules = SOURCE_KINDS.get(kind.strip().lower())
    if rules is None:
        raise ValueError(f"unknown source kind {kind!r}; known kinds: {', '.join(SOURCE_KINDS)}")
    board = board.strip() if board else None
    if rules.identity is Identity.BOARD and not board:
        raise ValueError(f"a {rules.kind} source needs a board (the employer's board slug)")
    if rules.identity is Identity.URL:
        what = "careers page" if rules.kind == "jsonld" else "feed"
        if not url:
            raise ValueError(f"{_a(rules.kind)} source needs a url (the {what} address)")
        if board:
            raise ValueError(f"{_a(rules.kind)} source takes no board; give its url")
    if rules.identity is Identity.NONE and board:
        raise ValueError(f"a {rules.kind} source takes no board or company")
    if rules.identity is Identity.QUERY:
        if not board:
            raise ValueError(f"a {rules.kind} source needs a board (the search term)")
        if url:
            raise ValueError(f"a {rules.kind} source takes no url; it searches other sites")
    if options and not rules.takes_options:
        takers = ", ".join(k for k, r in SOURCE_KINDS.items() if r.takes_options)
        raise ValueError(f"a {rules.kind} source takes no search options; only {takers} does")
    if company and not rules.takes_company:
        raise ValueError(f"a {rules.kind} source takes no company; each job names its own")
    # The factory builds sources without an interval (tests, one-off polls); the config
    # always has one, and is where the source's terms are enforced.
    if interval_s is not None and interval_s < rules.min_interval_s:
        raise ValueError(f"a {rules.kind} source needs interval_s >= {rules.min_interval_s}")
    return rules


def _a(kind: str) -> str:
    """'an rss', 'a jsonld': the kind with its article, for messages."""
    return f"{'an' if kind[0] in 'aeiou' or kind == 'rss' else 'a'} {kind}"


def poll_interval_s(kind: str, configured_s: int | None, default_s: int) -> int:
    """How often a source is polled: its entry's `interval_s`, else the polling default, but
    never more often than its kind's own default (Remotive's few polls a day)."""
    if configured_s is not None:
        return configured_s
    rules = SOURCE_KINDS.get(kind)
    return max(default_s, rules.default_interval_s if rules else 0)


def source_name(kind: str, *, board: str | None, url: str | None, name: str | None) -> str:
    """The unique name a source is known by in the store, logs and filters."""
    if name:
        return name
    if board:
        return f"{kind}:{board}"
    rules = SOURCE_KINDS.get(kind)
    host = urlsplit(url).hostname if url else (rules.default_host if rules else "")
    return f"{kind}:{host}"
