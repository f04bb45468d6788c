"""A poll of a real source over a loopback socket, through to the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.http.aiohttp_transport import AiohttpTransport, SourceClient
from bot.links.addresses import AddressGuard
from bot.store import Database
from bot.store import sources as sources_store
from tests.conftest import FakeClock
from tests.pipeline_helpers import (
    greenhouse,
    greenhouse_jobs,
    make_poller,
    posting_titles,
    subscribe_console,
    table_count,
)
from tests.sources_helpers import PayloadServer

PATH = "/v1/boards/acme/jobs"
TRAINER = {"id": 1, "title": "AI Trainer - Spanish"}
ACCOUNTANT = {"id": 2, "title": "Senior Accountant", "content": "&lt;p&gt;Ledgers.&lt;/p&gt;"}
ANNOTATOR = {"id": 3, "title": "RLHF Data Annotator"}
SCAM = {
    "id": 4,
    "title": "AI Data Annotator - start today",
    "content": "Pay a $50 registration fee in USDT to unlock your tasks. Contact us on Telegram.",
}


def transport(max_body_bytes: int = 20_000_000) -> AiohttpTransport:
    return AiohttpTransport(
        limit=8,
        limit_per_host=4,
        max_body_bytes=max_body_bytes,
        guard=AddressGuard(allow_loopback=True),  # the boards are served on 127.0.0.1
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The client the bot polls with: httpx over the aiohttp transport, keeping no cookies."""
    async with SourceClient(timeout=5, transport=transport(), follow_redirects=True) as client:
        yield client


async def test_first_poll_records_without_alerting_then_new_postings_alert(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    url = payload_server.serve(PATH, greenhouse_jobs([TRAINER, ACCOUNTANT]))
    source = greenhouse(url)
    poller = make_poller(db, http, clock)

    first = await poller.poll(source, interval_s=600)
    assert (first.new, first.relevant, first.alerts) == (2, 1, 0)
    assert await table_count(db, "outbox") == 0

    payload_server.serve(PATH, greenhouse_jobs([TRAINER, ACCOUNTANT, ANNOTATOR]))
    clock.advance(600)
    second = await poller.poll(source, interval_s=600)
    assert posting_titles(second.new_postings) == ["RLHF Data Annotator"]
    assert (second.new, second.relevant, second.alerts) == (1, 1, 1)
    assert await table_count(db, "outbox") == 1


async def test_alert_on_first_poll_when_configured(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER, ANNOTATOR])))
    result = await make_poller(db, http, clock, alert_on_first_poll=True).poll(
        source, interval_s=600
    )
    assert result.alerts == 2


async def test_irrelevant_postings_are_counted_not_alerted(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([ACCOUNTANT])))
    poller = make_poller(db, http, clock, alert_on_first_poll=True)
    result = await poller.poll(source, interval_s=600)
    assert (result.new, result.relevant, result.alerts) == (1, 0, 0)
    assert await table_count(db, "postings", "relevant = 0") == 1


async def test_scam_posting_is_held_back_from_a_cautious_subscription(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    from bot.models import RiskLevel

    await subscribe_console(db, max_risk=RiskLevel.OK)
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER, SCAM])))
    result = await make_poller(db, http, clock, alert_on_first_poll=True).poll(
        source, interval_s=600
    )
    assert result.relevant == 2
    assert result.alerts == 1  # the fee-and-crypto posting is scored and kept out


async def test_etag_replayed_and_304_costs_no_parsing(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    url = payload_server.serve(PATH, greenhouse_jobs([TRAINER]), headers={"ETag": '"v1"'})
    source = greenhouse(url)
    poller = make_poller(db, http, clock)
    await poller.poll(source, interval_s=600)
    clock.advance(600)
    result = await poller.poll(source, interval_s=600)

    assert result.status == "304"
    assert source.parses == 1
    assert payload_server.received[-1].header("If-None-Match") == '"v1"'


async def test_a_board_s_cookie_is_not_kept(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """Boards are polled anonymously: the poller's client keeps no cookie a board sets (httpx
    would read each one through `http.cookiejar`, a fifth of what a 304 costs), and the
    polls go on as ever."""
    headers = {"ETag": '"v1"', "Set-Cookie": "session=abc; Path=/"}
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER]), headers=headers))
    poller = make_poller(db, http, clock)
    assert (await poller.poll(source, interval_s=600)).status == "200"
    clock.advance(600)
    assert (await poller.poll(source, interval_s=600)).status == "304"
    assert not http.cookies
    assert [request.header("Cookie") for request in payload_server.received] == [None, None]


async def test_a_redirect_s_cookie_still_reaches_the_page_it_leads_to(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """A consent or session hop (a redirect that sets a cookie the next page wants) works
    as it did: only cookies set on a redirect are kept."""
    target = payload_server.serve("/v1/boards/moved/jobs", greenhouse_jobs([TRAINER]))
    payload_server.serve(
        PATH, b"", status=302, headers={"Location": target, "Set-Cookie": "consent=yes; Path=/"}
    )
    poller = make_poller(db, http, clock)
    assert (await poller.poll(greenhouse(payload_server.url(PATH)), interval_s=600)).new == 1
    [hop, page] = payload_server.received
    assert (hop.header("Cookie"), page.header("Cookie")) == (None, "consent=yes")


async def test_unchanged_body_without_validators_is_not_parsed_again(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER])))
    poller = make_poller(db, http, clock)
    await poller.poll(source, interval_s=600)
    clock.advance(600)
    result = await poller.poll(source, interval_s=600)
    assert result.status == "unchanged"
    assert source.parses == 1
    row = await sources_store.get_source(db, source.name)
    assert row is not None and row.last_status == "unchanged" and row.last_poll_at == clock.now


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, b"oops", "HTTP 500"),
        (200, b"{not json", "not JSON"),
        (200, b"", "empty body"),
        (200, b"[1, 2, 3]", ""),
        (200, b"<html><body>Maintenance</body></html>", "not JSON"),
    ],
)
async def test_bad_responses_back_off_and_write_nothing(
    db: Database,
    http: httpx.AsyncClient,
    clock: FakeClock,
    payload_server: PayloadServer,
    status: int,
    body: bytes,
    expected: str,
) -> None:
    await subscribe_console(db)
    source = greenhouse(payload_server.serve(PATH, body, status=status))
    result = await make_poller(db, http, clock).poll(source, interval_s=600)

    assert result.status.startswith("error")
    assert expected in result.status
    assert await table_count(db, "postings") == 0
    row = await sources_store.get_source(db, source.name)
    assert row is not None and row.consecutive_failures == 1
    assert row.next_poll_at == clock.now + 600


async def test_backoff_doubles_is_capped_and_resets_on_success(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = greenhouse(payload_server.serve(PATH, b"down", status=503))
    poller = make_poller(db, http, clock, max_backoff_s=3000)
    delays = []
    for _ in range(5):
        await poller.poll(source, interval_s=600)
        row = await sources_store.get_source(db, source.name)
        assert row is not None and row.next_poll_at is not None
        delays.append(row.next_poll_at - clock.now)
        clock.advance(delays[-1])
    assert delays == [600, 1200, 2400, 3000, 3000]

    payload_server.serve(PATH, greenhouse_jobs([TRAINER]))
    result = await poller.poll(source, interval_s=600)
    row = await sources_store.get_source(db, source.name)
    assert result.status == "200" and row is not None and row.consecutive_failures == 0


async def test_source_is_not_polled_before_its_backoff_ends(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = greenhouse(payload_server.serve(PATH, b"down", status=500))
    poller = make_poller(db, http, clock)
    await poller.poll(source, interval_s=600)
    clock.advance(599)
    assert (await poller.poll(source, interval_s=600)).status == "skipped"
    assert len(payload_server.requests_to(PATH)) == 1


async def test_retry_after_is_honoured(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = greenhouse(
        payload_server.serve(PATH, b"slow down", status=429, headers={"Retry-After": "5400"})
    )
    await make_poller(db, http, clock).poll(source, interval_s=600)
    row = await sources_store.get_source(db, source.name)
    assert row is not None and row.next_poll_at == clock.now + 5400


async def test_a_failing_source_does_not_stop_the_others(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    good = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER])))
    bad = greenhouse(
        payload_server.serve("/v1/boards/broken/jobs", b"{", status=200), board="broken"
    )
    poller = make_poller(db, http, clock)
    results = await asyncio.gather(
        poller.poll(bad, interval_s=600), poller.poll(good, interval_s=600)
    )
    assert results[0].status.startswith("error")
    assert results[1].new == 1


async def test_timeout_is_a_failure_not_a_crash(db: Database, clock: FakeClock) -> None:
    from aiohttp import web

    release = asyncio.Event()

    async def answer_when_the_test_ends(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get(PATH, answer_when_the_test_ends)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        async with httpx.AsyncClient(timeout=0.2, transport=transport()) as http:
            source = greenhouse(f"http://{host}:{port}{PATH}")
            result = await make_poller(db, http, clock).poll(source, interval_s=600)
    finally:
        release.set()
        await runner.cleanup()
    assert result.status == "error: timed out"
    row = await sources_store.get_source(db, source.name)
    assert row is not None and row.consecutive_failures == 1


async def test_the_same_job_on_two_boards_alerts_once(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    job = {**TRAINER, "url": "https://jobs.example.org/ai-trainer-1"}
    one = greenhouse(payload_server.serve(PATH, greenhouse_jobs([job])))
    two = greenhouse(
        payload_server.serve("/v1/boards/mirror/jobs", greenhouse_jobs([{**job, "id": 99}])),
        board="mirror",
    )
    poller = make_poller(db, http, clock, alert_on_first_poll=True)
    await poller.poll(one, interval_s=600)
    second = await poller.poll(two, interval_s=600)
    assert second.new == 1 and second.alerts == 0
    assert await table_count(db, "outbox") == 1


async def test_one_source_is_never_polled_twice_at_once(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER])))
    poller = make_poller(db, http, clock)
    results = await asyncio.gather(*(poller.poll(source, interval_s=600) for _ in range(3)))
    assert sorted(r.status for r in results) == ["200", "skipped", "skipped"]


async def test_an_oversized_response_is_refused_while_it_is_read(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = greenhouse(payload_server.serve(PATH, greenhouse_jobs([TRAINER] * 1) + b" " * 200_000))
    async with httpx.AsyncClient(timeout=5, transport=transport(max_body_bytes=100_000)) as http:
        result = await make_poller(db, http, clock).poll(source, interval_s=600)
    assert result.status.startswith("error") and "larger than 100000 bytes" in result.status
    assert await table_count(db, "postings") == 0


async def test_redirects_of_a_moved_board_are_followed(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    payload_server.serve("/v1/boards/new/jobs", greenhouse_jobs([TRAINER]))
    old = payload_server.serve(PATH, b"", status=301, headers={"Location": "/v1/boards/new/jobs"})
    result = await make_poller(db, http, clock).poll(greenhouse(old), interval_s=600)
    assert result.new == 1


async def test_a_failure_is_not_overwritten_by_an_earlier_unchanged_poll_of_the_same_source(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """Unchanged polls are written when a burst of polls ends; a failure of the same source in
    the meantime must survive that write, or its backoff would reset."""
    from aiohttp import web

    release = asyncio.Event()

    async def slow_board(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(body=greenhouse_jobs([]), content_type="application/json")

    app = web.Application()
    app.router.add_get("/v1/boards/slow/jobs", slow_board)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        url = payload_server.serve(PATH, greenhouse_jobs([TRAINER]), headers={"ETag": '"1"'})
        source = greenhouse(url)
        poller = make_poller(db, http, clock)
        await poller.poll(source, interval_s=600)
        slow = greenhouse(f"http://{host}:{port}/v1/boards/slow/jobs", board="slow")
        burst = asyncio.create_task(poller.poll(slow, interval_s=600))  # keeps the burst open

        assert (await poller.poll(source, interval_s=600, force=True)).status == "304"
        payload_server.serve(PATH, b"down", status=500)
        failed = await poller.poll(source, interval_s=600, force=True)
        release.set()
        await burst  # the burst ends: the buffered unchanged polls are written now
    finally:
        release.set()
        await runner.cleanup()
    assert failed.status.startswith("error")
    row = await sources_store.get_source(db, source.name)
    assert row is not None and row.consecutive_failures == 1
