"""Polls that end together are written together, and one bad poll does not cost the others
theirs; a big payload is scored off the event loop, without full garbage collections."""

from __future__ import annotations

import asyncio
import gc
import threading

import httpx

from adapters.http.aiohttp_transport import AiohttpTransport
from bot.links.addresses import AddressGuard
from bot.models import Posting, RiskLevel, Verdict
from bot.polling.cpu import SLICE_POSTINGS
from bot.polling.gc_pause import no_full_collections
from bot.polling.json_pieces import PIECES_MIN_BYTES
from bot.polling.writes import PollWrite, Written, write_batch
from bot.postings.matching import Matcher
from bot.store import Database
from tests.conftest import FakeClock
from tests.pipeline_helpers import greenhouse, make_poller, subscribe_console, table_count
from tests.sources_helpers import PayloadServer, greenhouse_board_payload


def posting(source: str, native_id: str) -> Posting:
    return Posting(
        source=source,
        native_id=native_id,
        url=f"https://jobs.example.com/{source}/{native_id}",
        title=f"AI Trainer {native_id}",  # no two alike: twins on two boards alert once
        company=f"Acme {source}",
        description="Rank model answers.",
    )


def poll_write(source: str, ids: list[str], *, verdicts: bool = True) -> PollWrite:
    postings = [posting(source, native_id) for native_id in ids]
    verdict = Verdict(0, RiskLevel.OK, ())
    return PollWrite(
        source=source,
        scored=[(p, True) for p in postings],
        verdicts={p.native_id: verdict for p in postings} if verdicts else {},
        alerting=True,
        status="200",
        etag=None,
        last_modified=None,
        body_sha256=source,
        next_poll_at=0.0,
    )


async def test_many_polls_finishing_together_share_transactions(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    sources = [
        greenhouse(
            payload_server.serve(f"/v1/boards/b{n}/jobs", greenhouse_board_payload(f"b{n}", 4)),
            board=f"b{n}",
        )
        for n in range(24)
    ]
    transactions = 0
    real_transaction = db.transaction

    def counted_transaction():  # type: ignore[no-untyped-def]
        nonlocal transactions
        transactions += 1
        return real_transaction()

    transport = AiohttpTransport(
        limit=32,
        limit_per_host=32,
        max_body_bytes=1_000_000,
        guard=AddressGuard(allow_loopback=True),  # the boards are served on 127.0.0.1
    )
    async with httpx.AsyncClient(transport=transport) as http:
        poller = make_poller(db, http, clock, alert_on_first_poll=True)
        await poller.preload(sources)  # as the scheduler does at start
        db.transaction = counted_transaction  # type: ignore[method-assign]
        results = await asyncio.gather(*(poller.poll(s, interval_s=600) for s in sources))
    db.transaction = real_transaction  # type: ignore[method-assign]

    assert [r.status for r in results] == ["200"] * 24
    assert await table_count(db, "postings") == 24 * 4
    assert await table_count(db, "sources", "first_poll_done = 1") == 24
    assert sum(r.alerts for r in results) == await table_count(db, "outbox") > 0
    assert 1 <= transactions < 24  # fewer transactions than polls


async def test_a_poll_that_cannot_be_written_does_not_cost_the_others(db: Database) -> None:
    from bot.store import sources as sources_store

    await sources_store.ensure_sources(db, [("good1", "greenhouse"), ("bad", "greenhouse")])
    await sources_store.ensure_sources(db, [("good2", "greenhouse")])
    await subscribe_console(db)
    writes = [
        poll_write("good1", ["1", "2"]),
        poll_write("bad", ["3"], verdicts=False),  # a relevant posting without its verdict
        poll_write("good2", ["4"]),
    ]
    results = await write_batch(db, writes, matcher=Matcher())

    assert isinstance(results[0], Written) and results[0].relevant == 2
    assert isinstance(results[1], KeyError)
    assert isinstance(results[2], Written) and results[2].alerts == 1
    assert await table_count(db, "postings") == 3
    assert await table_count(db, "postings", "source = 'bad'") == 0
    assert await table_count(db, "sources", "first_poll_done = 1") == 2


async def test_a_big_payload_is_parsed_and_scored_off_the_event_loop(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """A payload of several slices of relevant postings is parsed and scored on the worker
    thread, slice by slice, while the loop keeps turning (on the loop, it held it
    throughout): the loop turns while the postings are being scored, not only before and
    after."""
    slices = 5
    url = payload_server.serve(
        "/v1/boards/big/jobs",
        greenhouse_board_payload("big", slices * SLICE_POSTINGS, relevant_every=1),
    )
    source = greenhouse(url, board="big")
    loop_thread = threading.get_ident()
    scored_on: set[int] = set()
    turns = 0
    turns_seen_while_scoring: set[int] = set()
    done = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal turns
        while not done.is_set():
            await asyncio.sleep(0.001)  # a turn of the loop, without spinning it
            turns += 1

    async with httpx.AsyncClient(timeout=30) as http:
        poller = make_poller(db, http, clock)
        checker = poller._checker
        real_check = checker.check

        def check(posting: Posting, **kwargs: str) -> Verdict:
            scored_on.add(threading.get_ident())
            turns_seen_while_scoring.add(turns)
            return real_check(posting, **kwargs)

        checker.check = check  # type: ignore[method-assign]
        beat = asyncio.create_task(heartbeat())
        result = await poller.poll(source, interval_s=600)
        done.set()
        await beat
        await poller.aclose()
    total = slices * SLICE_POSTINGS
    assert result.status == "200" and result.new == total and result.relevant == total
    assert scored_on and loop_thread not in scored_on
    # the loop turned between the slices at the least: scoring saw the count move each time
    assert len(turns_seen_while_scoring) >= slices


async def test_full_garbage_collections_wait_while_a_big_payload_is_in_memory(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """A full collection walks every object alive, holding the interpreter; while the
    objects of a payload over a megabyte are alive it would stop the loop again and again.
    Full collections wait until the poll is over; a small board changes nothing."""
    big = greenhouse_board_payload("big", 1600, relevant_every=400)
    assert len(big) >= PIECES_MIN_BYTES
    sources = {
        "big": greenhouse(payload_server.serve("/v1/boards/big/jobs", big), board="big"),
        "small": greenhouse(
            payload_server.serve("/v1/boards/small/jobs", greenhouse_board_payload("small", 4)),
            board="small",
        ),
    }
    before = gc.get_threshold()
    thresholds: dict[str, set[tuple[int, int, int]]] = {"big": set(), "small": set()}

    async with httpx.AsyncClient(timeout=30) as http:
        poller = make_poller(db, http, clock)
        real_check = poller._checker.check

        def check(posting: Posting, **kwargs: str) -> Verdict:
            thresholds[posting.source.split(":")[1]].add(gc.get_threshold())
            return real_check(posting, **kwargs)

        poller._checker.check = check  # type: ignore[method-assign]
        for name in ("small", "big"):
            result = await poller.poll(sources[name], interval_s=600)
            assert result.status == "200"
        # Not yet: the caller still holds the poll's result (its postings) in this step.
        assert gc.get_threshold()[2] >= 1 << 30
        del result
        await poller.aclose()
        _run_pending_resume()
    assert thresholds["small"] == {before}
    assert thresholds["big"] and all(t[:2] == before[:2] for t in thresholds["big"])
    assert all(t[2] >= 1 << 30 for t in thresholds["big"])  # no full collection
    assert gc.get_threshold() == before


def _run_pending_resume() -> None:
    """Run the pending resume of full collections now, as the loop would when it is due."""
    import bot.polling.gc_pause as cpu

    handle = cpu._resume_handle
    assert handle is not None
    handle.cancel()
    cpu._resume_full_collections()


async def test_full_collections_resume_a_while_after_the_big_payload_from_the_loop() -> None:
    """On the loop, the `with` block's end does not bring full collections back in the same
    step (the poll's result is still alive then); the loop brings them back later."""
    import bot.polling.gc_pause as cpu

    before = gc.get_threshold()
    with no_full_collections():
        pass
    assert gc.get_threshold()[2] >= 1 << 30
    handle = cpu._resume_handle
    assert handle is not None and handle.when() > asyncio.get_running_loop().time()
    with no_full_collections():  # a new big payload meanwhile: the pending resume is off
        assert cpu._resume_handle is None
    assert cpu._resume_handle is not None
    _run_pending_resume()
    assert gc.get_threshold() == before


def test_full_collections_resume_when_the_last_big_payload_is_done() -> None:
    before = gc.get_threshold()
    with no_full_collections():
        with no_full_collections():
            assert gc.get_threshold()[2] >= 1 << 30
        assert gc.get_threshold()[2] >= 1 << 30  # the outer one still holds them
    assert gc.get_threshold() == before
