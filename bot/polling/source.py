"""The port every job source implements: build requests, parse responses, nothing more.

A source never sends anything itself: the poller owns the HTTP client, timeouts, retries and
status handling. Keeping `parse` pure (a response in, postings out) lets every adapter be
tested on recorded payloads and lets the poller treat all sources alike. Anything a payload
gets wrong becomes a `SourceFormatError`, the one error `parse` raises, so that source is
backed off and the others go on. Paging and detail calls stay pure too: a parsed page may
name the next request to make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import httpx

from bot.models import Posting

__all__ = ["Page", "Source", "SourceState"]


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the last successful response told us, replayed as validators on the next poll."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_response(cls, response: httpx.Response) -> SourceState:
        """The validators a 2xx response carries, for the pipeline to store."""
        return cls(response.headers.get("ETag"), response.headers.get("Last-Modified"))


@dataclass(frozen=True, slots=True)
class Page:
    postings: list[Posting]
    next_request: httpx.Request | None = None  # next page, or None


@runtime_checkable
class Source(Protocol):
    name: str  # unique config name, default f"{kind}:{board}" (rss: f"rss:{host}")

    @property
    def kind(self) -> str:
        """The source kind (`bot.polling.kinds`); a class attribute in the adapters."""
        ...

    def first_request(self, state: SourceState) -> httpx.Request: ...

    def parse(self, response: httpx.Response) -> Page: ...
