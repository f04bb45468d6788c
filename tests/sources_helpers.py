"""A local payload server and payload generators for source, pipeline and benchmark tests.

Use the fixture by importing it into a test module (pytest finds fixtures by name there):

    from tests.sources_helpers import PayloadServer, greenhouse_board_payload, payload_server

    async def test_poll(payload_server: PayloadServer) -> None:
        url = payload_server.serve("/v1/boards/acme/jobs", greenhouse_board_payload("acme", 50),
                                   headers={"ETag": '"v1"'})
        ...  # point a source at `url`, send its request with httpx, parse the response

The server listens on 127.0.0.1 on a port the OS picks, answers each path with the status,
headers and body it was given (404 for unknown paths), answers 304 when a request's
If-None-Match / If-Modified-Since matches the route's ETag / Last-Modified, and records
every request it receives so a test can check the headers a source sent.
"""

from __future__ import annotations

import contextlib
import html
import json
import random
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.models import Posting
from bot.polling.source import Page, Source, SourceState

SOURCES_DATA_DIR = Path(__file__).parent / "data" / "sources"


def sample_bytes(name: str) -> bytes:
    """A payload file from tests/data/sources."""
    return (SOURCES_DATA_DIR / name).read_bytes()


# -- sending requests and checking what comes back ------------------------------------------

_TAG_OR_ENTITY = re.compile(r"<[a-zA-Z/!][^>]*>|&[a-zA-Z]+;|&#\d+;")


async def fetch(request: httpx.Request) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
        return await client.send(request)


async def poll(source: Source, state: SourceState | None = None) -> Page:
    response = await fetch(source.first_request(state or SourceState()))
    assert response.status_code == 200
    return source.parse(response)


async def poll_all(source: Source, *, max_pages: int = 50) -> list[Posting]:
    """Every posting of a poll that follows each page's `next_request`, as the poller does."""
    page = await poll(source)
    postings = list(page.postings)
    pages = 1
    while page.next_request is not None and pages < max_pages:
        reply = await fetch(page.next_request)
        assert reply.status_code == 200, f"{reply.request.url} answered {reply.status_code}"
        page = source.parse(reply)
        postings.extend(page.postings)
        pages += 1
    return postings


def by_id(postings: list[Posting]) -> dict[str, Posting]:
    return {posting.native_id: posting for posting in postings}


def assert_fields(posting: Posting, **expected: object) -> None:
    """Each named field of `posting` equals its expected value (all compared at once, so a
    failure shows every field that differs)."""
    assert {name: getattr(posting, name) for name in expected} == expected


def assert_plain(text: str) -> None:
    assert text, "description is empty"
    assert not _TAG_OR_ENTITY.search(text), f"markup left in {text!r}"


def response(
    body: bytes | str,
    *,
    status: int = 200,
    content_type: str = "application/json",
    request: httpx.Request | None = None,
) -> httpx.Response:
    """A response as the poller hands it to `parse`: `request` is the one it answers (a plain
    GET of a local address unless given)."""
    data = body.encode() if isinstance(body, str) else body
    request = request or httpx.Request("GET", "http://127.0.0.1/test")
    return httpx.Response(
        status, content=data, headers={"Content-Type": content_type}, request=request
    )


# -- the server ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # keys lower-cased

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class PayloadServer:
    """Routes `path` (or `path?query`, which wins) → (status, headers, body)."""

    base_url: str = ""
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    received: list[ReceivedRequest] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        """Answer `path` with this payload from now on; returns its absolute URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, dict(headers or {}), data)
        return self.url(path)

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        return [request for request in self.received if request.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append(
            ReceivedRequest(
                request.method,
                request.path,
                request.query_string,
                {key.lower(): value for key, value in request.headers.items()},
            )
        )
        route = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if route is None:
            return web.json_response({"ok": False, "error": "Document not found"}, status=404)
        status, headers, body = route
        if _not_modified(request, headers):
            kept = {k: v for k, v in headers.items() if k.lower() in {"etag", "last-modified"}}
            return web.Response(status=304, headers=kept)
        return web.Response(status=status, headers=headers, body=body)


def _not_modified(request: web.Request, headers: Mapping[str, str]) -> bool:
    lowered = {key.lower(): value for key, value in headers.items()}
    etag, last_modified = lowered.get("etag"), lowered.get("last-modified")
    if_none_match = request.headers.get("If-None-Match")
    if etag and if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")}
    if_modified_since = request.headers.get("If-Modified-Since")
    return bool(last_modified and if_modified_since == last_modified)


@contextlib.asynccontextmanager
async def local_server(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]], *, method: str = "*"
) -> AsyncIterator[int]:
    """Serve every path with `handler` on 127.0.0.1, on a port the OS picks (yielded), until
    the block ends."""
    app = web.Application()
    app.router.add_route(method, "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


@pytest.fixture
async def payload_server() -> AsyncIterator[PayloadServer]:
    """A running PayloadServer on 127.0.0.1, stopped after the test."""
    server = PayloadServer()
    async with local_server(server._handle) as port:
        server.base_url = f"http://127.0.0.1:{port}"
        yield server


# -- generated payloads ----------------------------------------------------------------------

RELEVANT_TITLES = (
    "AI Trainer - Spanish",
    "RLHF Data Annotator",
    "Evaluador de IA",
    "AI Writing Evaluator (English)",
    "Entrenador de IA - Español",
    "Data Annotation Specialist - Coding",
    "AI Tutor - Mathematics",
    "Anotador de datos para IA",
)
IRRELEVANT_TITLES = (
    "Senior Accountant",
    "Office Manager",
    "Account Executive, Mid-Market",
    "Backend Engineer (Go)",
    "Payroll Specialist",
    "Recruiting Coordinator",
    "Warehouse Associate",
    "Product Designer",
)
_LOCATIONS = (
    "Remote",
    "Remote - LATAM",
    "Remoto, México",
    "Madrid, Spain",
    "New York, NY",
    "San Francisco, CA",
    "Buenos Aires, Argentina",
    "Anywhere",
)
_EN_PAY = ("$20-$40/hour", "USD 25 per hour", "$120,000 - $150,000 a year", "$900 per week")
_ES_PAY = ("20 a 30 USD por hora", "1.500 € al mes", "€18/h")


def _content(title: str, spanish: bool, pay: str | None) -> str:
    """Greenhouse-style content: HTML, entity-encoded once, as the real API sends it."""
    if spanish:
        body = (
            f"<p>Buscamos una persona para el puesto de <strong>{title}</strong>. "
            "Trabajarás con nuestro equipo para mejorar la calidad de las respuestas.</p>"
            "<ul><li>Revisar y corregir textos</li><li>Seguir las guías del proyecto</li></ul>"
        )
        if pay:
            body += f"<p>Pago: {pay}.</p>"
    else:
        body = (
            f"<p>We are hiring a <strong>{title}</strong> to join our team. You will work "
            "with the people who build and ship our products.</p>"
            "<ul><li>Own your work from start to end</li><li>Write clear notes &amp; docs</li></ul>"
        )
        if pay:
            body += f"<p>Compensation: {pay}.</p>"
    return html.escape(body, quote=False)


def greenhouse_board_payload(
    board: str, n_jobs: int, *, relevant_every: int = 2, seed: int = 0
) -> bytes:
    """A realistic Greenhouse `jobs?content=true` payload with `n_jobs` jobs.

    Job i (from 0) has an AI-trainer title when `relevant_every > 0` and `i % relevant_every
    == 0` (so 2 → half of them, 1 → all, 0 → none), and an unrelated title otherwise. Ids are
    unique per board and stable for the same arguments; so is every other field, given `seed`.
    """
    rng = random.Random(f"{board}:{seed}")
    base_id = 10_000_000 + (zlib.crc32(board.encode()) % 1000) * 100_000
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    jobs = []
    for index in range(n_jobs):
        relevant = relevant_every > 0 and index % relevant_every == 0
        title = rng.choice(RELEVANT_TITLES if relevant else IRRELEVANT_TITLES)
        spanish = any(word in title for word in ("IA", "Español", "Spanish"))
        pay = rng.choice(_ES_PAY if spanish else _EN_PAY) if rng.random() < 0.6 else None
        job_id = base_id + index
        updated = start - timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
        jobs.append(
            {
                "id": job_id,
                "internal_job_id": job_id + 7,
                "title": title,
                "updated_at": updated.isoformat(),
                "requisition_id": f"R-{index}",
                "location": {"name": rng.choice(_LOCATIONS)},
                "absolute_url": f"https://boards.greenhouse.io/{board}/jobs/{job_id}",
                "metadata": None,
                "content": _content(title, spanish, pay),
                "departments": [
                    {"id": 1, "name": "Operations", "parent_id": None, "child_ids": []}
                ],
                "offices": [],
            }
        )
    return json.dumps({"jobs": jobs, "meta": {"total": n_jobs}}).encode()
