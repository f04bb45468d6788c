"""Test doubles and a local web site for the safe fetcher and the link checker.

Nothing here reaches beyond 127.0.0.1: the resolver is a dictionary, the guard transport
fails the test on any request it is handed, and the local site is an aiohttp server on an
ephemeral port of the loopback interface.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.store import Database, open_database
from tests.sources_helpers import local_server

PAGES_DIR = Path(__file__).parent / "data" / "pages"


def page_bytes(name: str) -> bytes:
    return (PAGES_DIR / name).read_bytes()


class FakeResolver:
    """Answers from a table; a name missing from it fails like an unknown host."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return self.table[host]


class MustNotSendTransport(httpx.AsyncBaseTransport):
    """For refusal tests: a request reaching the network layer is a failed test."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pytest.fail(f"a request was sent to {request.url} although it had to be refused")


class LoopbackOnlyTransport(httpx.AsyncBaseTransport):
    """The real transport, but only towards 127.0.0.1; records every request it sends."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(retries=0)
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            pytest.fail(f"a request left the loopback interface: {request.url}")
        self.sent.append(request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class HangingTransport(httpx.AsyncBaseTransport):
    """A server that never answers, for the overall deadline."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class ScriptedTransport(httpx.AsyncBaseTransport):
    """Answers by the request's Host header, so a test can play sites on public addresses
    without any socket; records the (pinned IP, Host, SNI) of each request."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self._handler = handler
        self.seen: list[tuple[str, str, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sni = request.extensions.get("sni_hostname")
        self.seen.append((request.url.host, request.headers["host"], sni))
        answer = self._handler(request)
        # Streamed, as a network transport answers: the fetcher reads the raw bytes itself.
        return httpx.Response(
            answer.status_code,
            headers=answer.headers,
            stream=_Streamed(answer.content),
            request=request,
        )


class _Streamed(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False  # stream without Content-Length
    gzip: bool = False


class LocalSite:
    """A tiny web site on 127.0.0.1 whose pages a test declares."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, Route(status=status, headers={"Location": location}))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(request.path_qs)
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        body = gzip.compress(route.body) if route.gzip else route.body
        headers = dict(route.headers)
        if route.gzip:
            headers["Content-Encoding"] = "gzip"
        if route.chunked:
            response = web.StreamResponse(status=route.status, headers=headers)
            response.content_type = route.content_type.split(";")[0]
            response.enable_chunked_encoding()
            await response.prepare(request)
            for start in range(0, len(body), 16_384):
                await response.write(body[start : start + 16_384])
            await response.write_eof()
            return response
        headers["Content-Type"] = route.content_type
        return web.Response(status=route.status, body=body, headers=headers)


@pytest.fixture
async def local_site() -> AsyncIterator[LocalSite]:
    site = LocalSite()
    async with local_server(site.handle, method="GET") as port:
        site.port = port
        yield site


@pytest.fixture
async def link_db() -> AsyncIterator[Database]:
    """A migrated in-memory store."""
    db = await open_database(":memory:")
    try:
        yield db
    finally:
        await db.close()
