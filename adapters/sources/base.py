"""What every source adapter shares: building its requests and checking its responses.

The contract itself (`Source`, `Page`, `SourceState`) is the core's, in `bot.polling.source`;
adapters implement it. Reading payloads is `adapters.sources.payload`, building postings
`bot.postings.build`, and the shared bases of the JSON kinds `adapters.sources.json_source`.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from bot.errors import SourceFormatError
from bot.polling.source import SourceState

__all__ = [
    "FEED_ACCEPT",
    "JSON_ACCEPT",
    "USER_AGENT",
    "check_status",
    "conditional_get",
    "parsed_url",
    "with_query",
]

USER_AGENT = "Vigia/0.1 (+https://github.com/vigia-bot/vigia)"
JSON_ACCEPT = "application/json"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


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
    return httpx.Request("GET", parsed_url(url), headers=headers)


@functools.lru_cache(maxsize=65_536)
def parsed_url(url: str) -> httpx.URL:
    """`url` parsed once: httpx parses and checks a URL string on every request it is given,
    a good share of what a poll answered 304 costs. (An `httpx.URL` never changes.)"""
    return httpx.URL(url)


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
