"""An httpx transport that sends through aiohttp, for polling many job sources.

Sources speak httpx (requests are built and responses parsed as `httpx` objects, see the
`Source` port in `bot.polling.source`), but httpcore's connection pool spends CPU on pool
bookkeeping for every request, which dominates a poll cycle in which every board answers 304.
aiohttp does the same exchange for about half the CPU (`bench/transport.py`: 1.9x at 1,000
and 10,000 boards, README "Performance notes"). Only the poller uses this transport;
user-supplied links go through `bot.links.safefetch`.

Every connection goes through the same address guard as link checks
(`bot.links.addresses.AddressGuard`): a job source, or a redirect it answers with, that
points at a loopback, private, link-local or metadata address is refused before a byte is
sent, with `AddressRefused`. The guard is aiohttp's resolver, so each name is looked up once
and the connection goes to the addresses that were checked; IP literals, which aiohttp does
not resolve, are checked here before the request. aiohttp decompresses with a bounded buffer
per chunk and the body is counted as it is decompressed, so a gzip bomb stops at the cap.
"""

from __future__ import annotations

import socket

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import FetchFailed, FetchRefused
from bot.links.addresses import AddressGuard, ip_literal

__all__ = ["AddressRefused", "AiohttpTransport", "GuardedResolver", "SourceClient"]

#: Hosts whose literal check is remembered (sources are a few thousand hosts at most).
MAX_HOSTS_KEPT = 65_536


class _RedirectCookies(httpx.Cookies):
    """Cookies read only from redirects: what a board sets on a 200 or a 304 is never sent
    back (the poller's requests are built without the client's cookies), but a redirect
    chain that needs one (a consent or session hop) still gets it, as before."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if response.is_redirect and "set-cookie" in response.headers:
            super().extract_cookies(response)


class SourceClient(httpx.AsyncClient):
    """The poller's httpx client: cookies read from redirects only.

    httpx reads every response's Set-Cookie through `http.cookiejar`, wrapping the request
    and the response in `urllib` objects first, even when there is no cookie: a fifth of the
    CPU a board answering 304 costs. Sources are public APIs and feeds polled anonymously;
    only a redirect's cookie can matter (httpx sends the client's cookies on the redirected
    request), so only redirects are read."""

    @property
    def cookies(self) -> httpx.Cookies:
        jar: httpx.Cookies | None = getattr(self, "_source_cookies", None)
        if jar is None:
            jar = self._source_cookies = _RedirectCookies()
        return jar

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        return None  # sources set none


class AddressRefused(httpx.ConnectError):
    """A request to an address sources may not reach; nothing was sent to it."""


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, answering only with addresses the guard allows."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await self._guard.addresses(host, port)
        return [
            ResolveResult(
                hostname=host,
                host=str(ip),
                port=port,
                family=socket.AF_INET if ip.version == 4 else socket.AF_INET6,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for ip in addresses
        ]

    async def close(self) -> None:
        return None


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        *,
        limit: int,
        limit_per_host: int,
        max_body_bytes: int,
        guard: AddressGuard | None = None,
    ) -> None:
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._max_body_bytes = max_body_bytes
        #: Public addresses only unless the caller says otherwise (tests allow loopback).
        self._guard = guard or AddressGuard()
        self._session: aiohttp.ClientSession | None = None
        #: host → whether it is a name, or an address the guard allows.
        self._literal_allowed: dict[str, bool] = {}

    def _client(self) -> aiohttp.ClientSession:
        # Created lazily: a ClientSession must be made inside the running event loop.
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._limit,
                limit_per_host=self._limit_per_host,
                ttl_dns_cache=300,
                resolver=GuardedResolver(self._guard),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=True,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,  # a proxy would resolve names itself, past the guard
            )
        return self._session

    def _check_literal(self, request: httpx.Request) -> None:
        host = request.url.host
        allowed = self._literal_allowed.get(host)
        if allowed is None:
            # Parsing the host as an address on every request was a tenth of a 304's CPU;
            # whether a host is an allowed literal never changes.
            literal = ip_literal(host)
            allowed = literal is None or self._guard.allowed(literal)
            if len(self._literal_allowed) >= MAX_HOSTS_KEPT:
                self._literal_allowed.clear()
            self._literal_allowed[host] = allowed
        if not allowed:
            raise _refused(request, host)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._check_literal(request)
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
        except FetchRefused as refusal:
            raise _refused(request, refusal.params.get("host", request.url.host)) from None
        except FetchFailed as failure:  # the guard could not resolve the name
            raise httpx.ConnectError(
                f"cannot resolve {failure.params.get('host', request.url.host)}", request=request
            ) from None
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _refused(request: httpx.Request, host: str) -> AddressRefused:
    return AddressRefused(
        f"{host} is a private, loopback or link-local address; sources may not reach it",
        request=request,
    )
