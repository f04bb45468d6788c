"""Job-source adapters, one module per source kind, and the factory the config uses.

`build_source(kind, board=..., url=..., name=..., company=...)` turns one `[[sources]]` entry
into a Source; SOURCE_KINDS lists the kinds it knows.
"""

from __future__ import annotations

from adapters.sources.ashby import AshbySource
from adapters.sources.base import USER_AGENT, Page, Source, SourceState
from adapters.sources.greenhouse import GreenhouseSource
from adapters.sources.himalayas import HimalayasSource
from adapters.sources.lever import LeverSource
from adapters.sources.remoteok import RemoteOkSource
from adapters.sources.remotive import RemotiveSource
from adapters.sources.rss import RssSource
from adapters.sources.workable import WorkableSource

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
_BOARD_KINDS = frozenset({"greenhouse", "lever", "ashby", "workable"})
#: Aggregators whose `board` is an optional search term ("ai trainer").
_SEARCH_KINDS: dict[str, type[RemotiveSource | HimalayasSource]] = {
    "remotive": RemotiveSource,
    "himalayas": HimalayasSource,
}


def build_source(
    kind: str,
    *,
    board: str | None = None,
    url: str | None = None,
    name: str | None = None,
    company: str | None = None,
) -> Source:
    """The source one config entry describes.

    Board kinds (greenhouse, lever, ashby, workable) need `board`; `url` then replaces their
    default endpoint (a mirror, or a test server). `rss` needs `url`. `remotive` and
    `himalayas` read an optional `board` as their search term ("ai trainer") and take no
    company (each job names its own); `remoteok` takes neither board nor company. Raises
    ValueError naming what is wrong.
    """
    kind = kind.strip().lower()
    if kind not in SOURCE_KINDS:
        known = ", ".join(sorted(SOURCE_KINDS))
        raise ValueError(f"unknown source kind {kind!r}; known kinds: {known}")
    if kind in _BOARD_KINDS:
        if not board or not board.strip():
            raise ValueError(f"a {kind} source needs a board (the employer's board slug)")
        board_source: Source = SOURCE_KINDS[kind](board, url=url, name=name, company=company)
        return board_source
    if kind == "rss":
        if not url:
            raise ValueError("an rss source needs a url (the feed address)")
        if board:
            raise ValueError("an rss source takes no board; give its url")
        return RssSource(url, name=name, company=company)
    if company:
        raise ValueError(f"a {kind} source takes no company; each job names its own")
    if kind in _SEARCH_KINDS:
        return _SEARCH_KINDS[kind](search=board, url=url, name=name)
    if board:
        raise ValueError(f"a {kind} source takes no board or company")
    return RemoteOkSource(url=url, name=name)
