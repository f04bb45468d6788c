"""The source-adapter contract, and building the requests and checking the responses of it.

A source builds requests and parses responses, and never sends anything itself: the pipeline
owns the HTTP client, timeouts, retries and status handling. Keeping `parse` pure (a response
in, postings out) lets every adapter be tested on recorded payloads, and lets the pipeline
treat all sources alike. Anything a payload gets wrong becomes a `SourceFormatError`, the one
error `parse` raises, so the scheduler backs off that source and the others go on.

Reading payloads is `adapters.sources.payload`, building postings `adapters.sources.posting`,
and the shared bases of the JSON kinds `adapters.sources.json_source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from bot.errors import SourceFormatError
from bot.models import Posting

__all__ = [
    "FEED_ACCEPT",
    "JSON_ACCEPT",
    "USER_AGENT",
    "Page",
    "Source",
    "SourceState",
    "check_status",
    "conditional_get",
    "with_query",
]

USER_AGENT = "Vigia/0.1 (+https://github.com/vigia-bot/vigia)"
JSON_ACCEPT = "application/json"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


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
    kind: ClassVar[str]
    name: str  # unique config name, default f"{kind}:{board}" (rss: f"rss:{host}")

    def first_request(self, state: SourceState) -> httpx.Request: ...

    def parse(self, response: httpx.Response) -> Page: ...


# -- requests --------------------------------------------------------------------------------


def conditional_get(url: str, state: SourceState, *, accept: str = JSON_ACCEPT) -> httpx.Request:
    """A GET of `url` with Vigia's User-Agent, and the validators `state` holds.

    A server that honours them answers 304 when nothing changed, which saves it and us the
    whole board.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return httpx.Request("GET", url, headers=headers)


def with_query(url: str, **params: str | int) -> str:
    """`url` with `params` set in its query string, other parameters kept in their order."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query.extend((key, str(value)) for key, value in params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- responses -------------------------------------------------------------------------------


def check_status(source: str, response: httpx.Response) -> None:
    """Refuse a non-2xx response: statuses are the pipeline's job, never parsed as a payload."""
    if not 200 <= response.status_code < 300 or response.status_code == 204:
        raise SourceFormatError(
            source, f"parse() was given HTTP {response.status_code}; only 2xx bodies are parsed"
        )
