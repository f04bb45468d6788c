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

__all__ = ["SOURCE_KINDS", "Identity", "KindRules", "check_entry", "source_name"]


class Identity(StrEnum):
    """What names one source of a kind in the config."""

    BOARD = "board"  # an employer's board slug (a `url` may replace the endpoint)
    URL = "url"  # the feed or page address
    SEARCH = "search"  # an aggregator: `board` is an optional search term
    NONE = "none"  # an aggregator read whole: neither board nor search term


@dataclass(frozen=True, slots=True)
class KindRules:
    kind: str
    identity: Identity
    takes_company: bool = True  # False where each job names its own employer
    default_host: str = ""  # names the source when neither board nor url does
    min_interval_s: int = 0  # the source's own terms ("a few polls a day")


SOURCE_KINDS: dict[str, KindRules] = {
    rules.kind: rules
    for rules in (
        KindRules("greenhouse", Identity.BOARD),
        KindRules("lever", Identity.BOARD),
        KindRules("ashby", Identity.BOARD),
        KindRules("workable", Identity.BOARD),
        KindRules("rss", Identity.URL),
        KindRules("remoteok", Identity.NONE, takes_company=False, default_host="remoteok.com"),
        # Remotive's terms: about 4 requests a day; more than 2 a minute get blocked.
        KindRules(
            "remotive",
            Identity.SEARCH,
            takes_company=False,
            default_host="remotive.com",
            min_interval_s=21_600,
        ),
        KindRules("himalayas", Identity.SEARCH, takes_company=False, default_host="himalayas.app"),
    )
}


def check_entry(
    kind: str,
    *,
    board: str | None,
    url: str | None,
    company: str | None,
    interval_s: int | None = None,
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
        if not url:
            raise ValueError(f"an {rules.kind} source needs a url (the feed address)")
        if board:
            raise ValueError(f"an {rules.kind} source takes no board; give its url")
    if rules.identity is Identity.NONE and board:
        raise ValueError(f"a {rules.kind} source takes no board or company")
    if company and not rules.takes_company:
        raise ValueError(f"a {rules.kind} source takes no company; each job names its own")
    # The factory builds sources without an interval (tests, one-off polls); the config
    # always has one, and is where the source's terms are enforced.
    if interval_s is not None and interval_s < rules.min_interval_s:
        raise ValueError(f"a {rules.kind} source needs interval_s >= {rules.min_interval_s}")
    return rules


def source_name(kind: str, *, board: str | None, url: str | None, name: str | None) -> str:
    """The unique name a source is known by in the store, logs and filters."""
    if name:
        return name
    if board:
        return f"{kind}:{board}"
    rules = SOURCE_KINDS.get(kind)
    host = urlsplit(url).hostname if url else (rules.default_host if rules else "")
    return f"{kind}:{host}"
