"""Job-source adapters, one module per source kind, and the factory the config uses.

`build_source(kind, board=..., url=..., name=..., company=..., options=...)` turns one
`[[sources]]` entry into a Source. Which kinds exist and what each needs is the core's list,
`bot.polling.kinds`; SOURCE_KINDS here maps each kind to its implementation.
`source_transports()` gives the transports of the kinds that are not fetched over HTTP, for
the poller's client to mount.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from adapters.sources.arbeitnow import ArbeitnowSource
from adapters.sources.ashby import AshbySource
from adapters.sources.base import USER_AGENT
from adapters.sources.greenhouse import GreenhouseSource
from adapters.sources.hackernews import HackerNewsSource
from adapters.sources.himalayas import HimalayasSource
from adapters.sources.jobspy_scrape import JobSpyTransport
from adapters.sources.jobspy_source import (
    EXTRA_HINT,
    SCHEME,
    JobSpySearch,
    JobSpySource,
    jobspy_installed,
)
from adapters.sources.jsonld import JsonLdSource
from adapters.sources.lever import LeverSource
from adapters.sources.recruitee import RecruiteeSource
from adapters.sources.remoteok import RemoteOkSource
from adapters.sources.remotive import RemotiveSource
from adapters.sources.rss import RssSource
from adapters.sources.smartrecruiters import SmartRecruitersSource
from adapters.sources.workable import WorkableSource
from bot.errors import ConfigError
from bot.polling.kinds import Identity, check_entry
from bot.polling.source import Page, Source, SourceState

__all__ = [
    "SOURCE_KINDS",
    "USER_AGENT",
    "ArbeitnowSource",
    "AshbySource",
    "GreenhouseSource",
    "HackerNewsSource",
    "HimalayasSource",
    "JobSpySource",
    "JsonLdSource",
    "LeverSource",
    "Page",
    "RecruiteeSource",
    "RemoteOkSource",
    "RemotiveSource",
    "RssSource",
    "SmartRecruitersSource",
    "Source",
    "SourceState",
    "WorkableSource",
    "build_source",
    "source_transports",
]

SOURCE_KINDS: dict[str, type] = {
    source.kind: source
    for source in (
        GreenhouseSource,
        LeverSource,
        AshbySource,
        WorkableSource,
        RecruiteeSource,
        SmartRecruitersSource,
        RssSource,
        JsonLdSource,
        RemoteOkSource,
        RemotiveSource,
        HimalayasSource,
        ArbeitnowSource,
        HackerNewsSource,
        JobSpySource,
    )
}


def build_source(
    kind: str,
    *,
    board: str | None = None,
    url: str | None = None,
    name: str | None = None,
    company: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Source:
    """The source one config entry describes (what each kind needs: `bot.polling.kinds`).

    Board kinds need `board`; `url` then replaces their default endpoint (a mirror, or a
    test server). `rss` (a feed) and `jsonld` (a careers page) need `url`. Search kinds read
    an optional `board` as their search term ("ai trainer"). `jobspy` needs `board` (the
    search term) and reads its `options` (sites, location, …, see `JobSpySearch`); only it
    takes options. Raises ValueError naming what is wrong, and ConfigError when the kind's
    optional extra is not installed.
    """
    rules = check_entry(kind, board=board, url=url, company=company, options=bool(options))
    implementation = SOURCE_KINDS[rules.kind]
    if rules.identity is Identity.BOARD:
        assert board is not None
        built: Source = implementation(board, url=url, name=name, company=company)
    elif rules.identity is Identity.URL:
        assert url is not None
        built = implementation(url, name=name, company=company)
    elif rules.identity is Identity.SEARCH:
        built = implementation(search=board, url=url, name=name)
    elif rules.identity is Identity.QUERY:
        assert board is not None
        built = _jobspy_source(board, name=name, options=options)
    else:
        built = implementation(url=url, name=name)
    return built


def _jobspy_source(board: str, *, name: str | None, options: Mapping[str, Any] | None) -> Source:
    """A python-jobspy search; the extra must be installed, though it is imported only when
    a search runs."""
    source = JobSpySource(JobSpySearch.from_options(board, options), name=name)
    if not jobspy_installed():
        raise ConfigError(f"sources.{source.name}", EXTRA_HINT)
    return source


def source_transports() -> dict[str, httpx.AsyncBaseTransport]:
    """Transports for the source kinds that are not fetched over HTTP, by the URL pattern
    their requests use, for the poller's client to mount (`httpx.AsyncClient(mounts=...)`)."""
    return {f"{SCHEME}://": JobSpyTransport()}
