"""The scheduler: every source polled once per interval (never every other), jitter that does
not accumulate, a warning when the work does not fit, a stop that cancels cleanly; the drain
and housekeeping jobs beside it.

Time is a fake clock that moves only while no poll is in progress (each request to the local
board server moves it by the time a fetch takes), so the gaps asserted are exact.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from adapters.sources import build_source
from bot.config import OutboxSettings, PollingSettings, RelevanceSettings
from bot.delivery.drain import OutboxDrainer
from bot.metrics import REGISTRY
from bot.polling.poller import Poller
from bot.polling.scheduler import PollScheduler, build_scheduler
from bot.polling.source import Source
from bot.postings.relevance import RelevanceFilter
from bot.scam import ScamChecker
from bot.store import Database
from tests.conftest import FakeClock
from tests.sources_helpers import greenhouse_board_payload, local_server


@pytest.fixture
def migrated_target(tmp_path: Path) -> str:
    """SQLite only: these tests time polls with a clock that each fetch moves, so they assert
    an interleaving of fetches that a database server's real round trips would reorder. The
    store's behaviour under polling is tested on both engines in test_pipeline."""
    return str(tmp_path / "vigia.db")


async def housekeeping() -> None:
    return None


def make_poller(db: Database, http: httpx.AsyncClient, clock: FakeClock) -> Poller:
    return Poller(
        db=db,
        http=http,
        checker=ScamChecker(),
        relevance=RelevanceFilter(RelevanceSettings().keywords),
        settings=PollingSettings(),
        clock=clock,
    )


class Boards:
    """Greenhouse boards on a local server that answer 304 after the first fetch, record the
    (fake) time of every request and take `fetch_s` of fake time each."""

    def __init__(
        self, clock: FakeClock, fetch_s: float, on_request: Callable[[], object] | None = None
    ) -> None:
        self.clock = clock
        self.fetch_s = fetch_s
        self.on_request = on_request
        self.times: dict[str, list[float]] = defaultdict(list)
        self.base_url = ""
        self.block: asyncio.Event | None = None
        self.requested = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        board = request.path.split("/")[3]  # /v1/boards/{board}/jobs
        self.times[board].append(self.clock.now)
        self.clock.advance(self.fetch_s)
        self.requested.set()
        if self.on_request is not None:
            self.on_request()
        if self.block is not None:
            await self.block.wait()
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        body = greenhouse_board_payload(board, 3, seed=len(board))
        return web.Response(body=body, content_type="application/json", headers={"ETag": '"v1"'})

    def source(self, board: str) -> Source:
        url = f"{self.base_url}/v1/boards/{board}/jobs"
        return build_source("greenhouse", board=board, url=url, name=None, company=board)

    def polled(self) -> int:
        """How many times the least-polled board has been polled."""
        return min((len(times) for times in self.times.values()), default=0)

    async def wait_for_polls(self, each: int, boards: int) -> None:
        while self.polled() < each or len(self.times) < boards:
            self.requested.clear()
            await self.requested.wait()

    def gaps(self) -> list[float]:
        return [b - a for times in self.times.values() for a, b in itertools.pairwise(times)]


@asynccontextmanager
async def boards_server(
    clock: FakeClock, fetch_s: float, on_request: Callable[[], object] | None = None
) -> AsyncIterator[Boards]:
    boards = Boards(clock, fetch_s, on_request)
    async with local_server(boards.handle) as port:
        boards.base_url = f"http://127.0.0.1:{port}"
        yield boards


def stepped_sleep(clock: FakeClock, scheduler: list[PollScheduler]):  # type: ignore[no-untyped-def]
    """The scheduler's sleep: wait until no poll is running, then move the clock."""

    async def sleep(seconds: float) -> None:
        await scheduler[0].wait_idle()
        clock.advance(seconds)
        await asyncio.sleep(0)

    return sleep


async def run_rounds(
    db: Database,
    clock: FakeClock,
    *,
    sources: int,
    interval_s: int,
    fetch_s: float,
    jitter_s: float = 0,
    workers: int = 4,
    polls_each: int,
    on_request: Callable[[], object] | None = None,
) -> Boards:
    async with boards_server(clock, fetch_s, on_request) as boards, httpx.AsyncClient() as http:
        holder: list[PollScheduler] = []
        scheduler = PollScheduler(
            poller=make_poller(db, http, clock),
            sources=[(boards.source(f"b{n}"), interval_s) for n in range(sources)],
            jitter_s=jitter_s,
            workers=workers,
            clock=clock,
            sleep=stepped_sleep(clock, holder),
            rng=random.Random(3),
        )
        holder.append(scheduler)
        await scheduler.start()
        try:
            await boards.wait_for_polls(polls_each, sources)
        finally:
            await scheduler.stop()
    return boards


async def test_each_source_is_polled_once_per_interval_not_every_other(
    db: Database, clock: FakeClock
) -> None:
    boards = await run_rounds(
        db, clock, sources=6, interval_s=600, fetch_s=7, workers=3, polls_each=4
    )
    # A poll ends after its fetch; the next is still due one interval after it was *due*, so
    # no run is skipped (before: every gap was two intervals) and polls do not drift later
    # by a fetch each round. A source may start a fetch earlier or later within its round.
    assert all(600 - 7 <= gap <= 600 + 7 for gap in boards.gaps()), boards.gaps()
    for times in boards.times.values():
        assert abs((times[3] - times[0]) - 3 * 600) <= 7


async def test_jitter_spreads_polls_without_drifting(db: Database, clock: FakeClock) -> None:
    boards = await run_rounds(
        db, clock, sources=3, interval_s=600, fetch_s=1, jitter_s=60, polls_each=8
    )
    gaps = boards.gaps()
    assert all(600 - 60 - 3 <= gap <= 600 + 60 + 3 for gap in gaps), gaps
    assert len({round(gap) for gap in gaps}) > 1  # jittered, not all equal
    start = min(times[0] for times in boards.times.values())
    for times in boards.times.values():
        # Seven intervals later, give or take one jitter: the jitter did not add up.
        assert times[7] - start <= 7 * 600 + 60 + 3


async def test_work_that_does_not_fit_warns_once_and_shows_the_backlog(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    backlog_seen: list[float] = []

    def watch() -> None:  # at every fetch: the sources waiting behind it are the backlog
        backlog_seen.append(REGISTRY.get_sample_value("vigia_poll_backlog_sources") or 0)

    with caplog.at_level(logging.INFO, logger="vigia.scheduler"):
        boards = await run_rounds(
            db,
            clock,
            sources=30,
            interval_s=120,
            fetch_s=10,
            workers=1,
            polls_each=3,
            on_request=watch,
        )
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "polling is behind" in warnings[0].getMessage()
    assert "source(s) due and waiting" in warnings[0].getMessage()
    assert max(backlog_seen) > 0
    # Still every source, each in turn: late, but none left out.
    assert all(len(times) >= 3 for times in boards.times.values())


async def test_stop_cancels_polls_in_flight_quietly(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with boards_server(clock, 0) as boards, httpx.AsyncClient() as http:
        boards.block = asyncio.Event()  # every fetch hangs until the test ends
        scheduler = PollScheduler(
            poller=make_poller(db, http, clock),
            sources=[(boards.source(f"b{n}"), 600) for n in range(40)],
            jitter_s=0,
            workers=4,
            clock=clock,
        )
        with caplog.at_level(logging.DEBUG):
            await scheduler.start()
            while sum(len(t) for t in boards.times.values()) < 4:
                boards.requested.clear()
                await boards.requested.wait()
            await scheduler.stop()
        boards.block.set()
    assert sum(len(t) for t in boards.times.values()) == 4  # only the workers' polls started
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


async def test_drain_and_housekeeping_jobs(db: Database) -> None:
    async with httpx.AsyncClient() as http:
        poller = make_poller(db, http, FakeClock())
        source = build_source("greenhouse", board="a", url=None, name=None, company=None)
        scheduler = build_scheduler(
            poller=poller,
            sources=[(source, 600)],
            drainer=OutboxDrainer(db, {}, settings=OutboxSettings()),
            jitter_s=30,
            drain_interval_s=2,
            housekeeping=housekeeping,
        )
    jobs = {job.id: job for job in scheduler.jobs.get_jobs()}
    assert set(jobs) == {"outbox", "housekeeping"}
    assert jobs["outbox"].max_instances == 2  # one running, the next waiting for it
    assert jobs["outbox"].trigger.interval.total_seconds() == 2
