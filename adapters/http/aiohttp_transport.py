"""An httpx transport that sends through aiohttp, for polling many job sources.

Sources speak httpx (requests are built and responses parsed as `httpx` objects, see
DESIGN.md), but httpcore's connection pool spends about a millisecond of CPU per request on
pool bookkeeping, which dominated a poll cycle in which every board answered 304. aiohttp,
already installed as discord.py's HTTP client, does the same exchange for a fraction of that.
Only the poller uses this transport; user-supplied links go through `bot.links.safefetch`.
"""

from __future__ import annotations

import aiohttp
import httpx


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, limit: int, limit_per_host: int, max_body_bytes: int) -> None:
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._max_body_bytes = max_body_bytes
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Created lazily: a ClientSession must be made inside the running event loop.
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._limit, limit_per_host=self._limit_per_host, ttl_dns_cache=300
            )
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=True, cookie_jar=aiohttp.DummyCookieJar()
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        total_s = max((v for v in timeout.values() if v is not None), default=None)
        try:
            async with self._client().request(
                request.method,
                str(request.url),
                headers=[(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"],
                data=await request.aread() or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=total_s),
            ) as response:
                body = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    body += chunk
                    if len(body) > self._max_body_bytes:
                        raise httpx.ReadError(
                            f"response larger than {self._max_body_bytes} bytes", request=request
                        )
                headers = [
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
                ]
                return httpx.Response(
                    response.status, headers=headers, content=bytes(body), request=request
                )
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
