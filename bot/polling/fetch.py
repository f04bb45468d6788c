"""Sending a source's requests: the poller's side of HTTP.

Every request of every source kind leaves through `Fetcher.send`, so the operator's
User-Agent, the per-host and overall concurrency limits, the response size cap and the
translation of httpx's errors into `SourceNetworkError` hold for all of them alike. What a
response means (304, an error status, a body to parse) is the poller's
(`bot.polling.poller`).
"""

from __future__ import annotations

import asyncio
import email.utils
from collections import defaultdict
from datetime import UTC

import httpx

from bot.config import PollingSettings
from bot.errors import SourceFormatError, SourceNetworkError
from bot.polling.source import Source

__all__ = ["Fetcher", "HostLimiter", "parse_retry_after"]


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class HostLimiter:
    """At most N requests in flight per host, so 40 boards on one ATS don't hit it at once."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._semaphores: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host)
        )

    def __call__(self, host: str) -> asyncio.Semaphore:
        return self._semaphores[host]


class Fetcher:
    """Sends sources' requests through the poller's client, within its limits."""

    def __init__(self, http: httpx.AsyncClient, settings: PollingSettings) -> None:
        self._http = http
        self._settings = settings
        self._limit = HostLimiter(settings.per_host_concurrency)
        self._in_flight = asyncio.Semaphore(settings.max_concurrent_requests)

    async def send(self, source: Source, request: httpx.Request) -> httpx.Response:
        """Send with the configured User-Agent, the per-host limit, the timeout and a body
        size cap.

        Sources build their requests on their own (`parse` must stay pure), so the client's
        default headers never reach them: the operator's `polling.user_agent`, with its
        contact address, is set here, on every request of every kind (pages and detail
        calls too), over whatever the adapter put there."""
        request.headers["User-Agent"] = self._settings.user_agent
        host = request.url.host
        try:
            async with self._limit(host), self._in_flight:
                response = await self._http.send(request, stream=True)
                if response.status_code == 304:
                    # Nothing to read: no second response object (a 304 is most polls).
                    await response.aclose()
                    return response
                try:
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > self._settings.max_response_bytes:
                            raise SourceFormatError(
                                source.name, "response too large", reason="too_large"
                            )
                finally:
                    await response.aclose()
        except httpx.TimeoutException:
            raise SourceNetworkError(source.name, "timed out", reason="timeout") from None
        except httpx.HTTPError as exc:
            raise SourceNetworkError(source.name, f"{type(exc).__name__}: {exc}") from None
        return httpx.Response(
            response.status_code, headers=response.headers, content=bytes(body), request=request
        )
