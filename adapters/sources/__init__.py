"""Job-source adapters, one module per source kind, and the factory the config uses.

`build_source(kind, board=..., url=..., name=..., company=...)` turns one `[[sources]]` entry
into a Source. Which kinds exist and what each needs is the core's list,
`bot.polling.kinds`; SOURCE_KINDS here maps each kind to its implementation.
"""

from __future__ import annotations

from adapters.sources.ashby import AshbySource
from adapters.sources.base import USER_AGENT
from adapters.sources.greenhouse import GreenhouseSource
from adapters.sources.himalayas import HimalayasSource
from adapters.sources.lever import LeverSource
from adapters.sources.remoteok import RemoteOkSource
from adapters.sources.remotive import RemotiveSource
from adapters.sources.rss import RssSource
from adapters.sources.workable import WorkableSource
from bot.polling.kinds import Identity, check_entry
from bot.polling.source import Page, Source, SourceState

__all__ = [
    "SOURCE_KINDS",
    "USER_AGENT",
    "AshbySource",
    "GreenhouseSource",
    "HimalayasSource",
    "LeverSource",
    "Page",
    "RemoteOkSource",
    "RemotiveSource",
    "RssSource",
    "Source",
    "SourceState",
    "WorkableSource",
    "build_source",
]

SOURCE_KINDS: dict[str, type] = {
    source.kind: source
    for source in (
        GreenhouseSource,
        LeverSource,
        AshbySource,
        WorkableSource,
        RssSource,
        RemoteOkSource,
        RemotiveSource,
        HimalayasSource,
    )
}


def build_source(
    kind: str,
    *,
    board: str | None = None,
    url: str | None = None,
    name: str | None = None,
    company: str | None = None,
) -> Source:
    """The source one config entry describes (what each kind needs: `bot.polling.kinds`).

    Board kinds need `board`; `url` then replaces their default endpoint (a mirror, or a
    test server). `rss` needs `url`. Search kinds read an optional `board` as their search
    term ("ai trainer"). Raises ValueError naming what is wrong.
    """
    rules = check_entry(kind, board=board, url=url, company=company)
    implementation = SOURCE_KINDS[rules.kind]
    if rules.identity is Identity.BOARD:
        assert board is not None
        built: Source = implementation(board, url=url, name=name, company=company)
    elif rules.identity is Identity.URL:
        assert url is not None
        built = implementation(url, name=name, company=company)
    elif rules.identity is Identity.SEARCH:
        built = implementation(search=board, url=url, name=name)
    else:
        built = implementation(url=url, name=name)
    return built
