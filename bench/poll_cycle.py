"""Benchmark: one poll cycle over 500 local Greenhouse boards × 40 postings, then an idle one.

The boards are served over loopback by a separate process (so the server's CPU is not
counted as the bot's). Prints:
- the wall time until every relevant posting of the first cycle is in the outbox (goal < 10 s),
- postings/s for that cycle,
- the bot's CPU time for the first cycle over the CPU time of a second cycle in which nothing
  changed (goal: the unchanged cycle at least 20× cheaper). The server sends ETags, so the
  second cycle is conditional GETs answered 304.

Run: .venv/bin/python bench/poll_cycle.py [--boards 500] [--jobs 40] [--runs 3]
(each run a fresh store; min and median over the runs)

`--mixed` polls instead a mixed set of every single-request kind (`bench/mixed_sources.py`:
Greenhouse, Lever, Ashby, Workable, Recruitee, Remote OK, Remotive, Himalayas, Arbeitnow,
RSS, JSON-LD careers pages) where 30 % of the postings re-post a job of another source, and
prints the alerts written, which must equal the distinct jobs, and postings/s.

Run: .venv/bin/python bench/poll_cycle.py --mixed [--jobs-total 4000] [--per-kind 20]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.http.aiohttp_transport import AiohttpTransport, SourceClient
from adapters.sources import build_source
from bench.mixed_sources import BOARD_KINDS, Job, board_company, payload, spread
from bot.config import PollingSettings, RelevanceSettings
from bot.links.addresses import AddressGuard
from bot.models import ChatRef, Filter, RiskLevel
from bot.polling.cpu import START_AT_POSTINGS
from bot.polling.poller import Poller
from bot.polling.source import Source
from bot.postings.relevance import RelevanceFilter
from bot.runner import settle_startup_objects
from bot.scam import ScamChecker
from bot.store import open_database
from bot.store import subscriptions as subscriptions_store
from tests.sources_helpers import greenhouse_board_payload

UNCHANGED_RUNS = 5


def serve(boards: int, jobs: int, port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from aiohttp import web

    payloads = {
        f"board{i}": greenhouse_board_payload(f"board{i}", jobs, seed=i) for i in range(boards)
    }

    async def handle(request: web.Request) -> web.Response:
        board = request.match_info["board"]
        etag = f'"{board}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=payloads[board], content_type="application/json", headers={"ETag": etag}
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/v1/boards/{board}/jobs", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_payloads(
    payloads: dict[str, tuple[bytes, str]],
    port_queue: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        body, content_type = payloads[request.path]
        return web.Response(body=body, content_type=content_type)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def mixed_sources(port: int, boards: dict[tuple[str, int], object]) -> list[Source]:
    sources = []
    for kind, number in boards:
        board_kind = kind in BOARD_KINDS
        sources.append(
            build_source(
                kind,
                board=f"b{number}" if board_kind or kind in {"remotive", "himalayas"} else None,
                url=f"http://127.0.0.1:{port}/{kind}/{number}",
                name=f"{kind}:{number}",
                company=board_company(kind, number) if board_kind else None,
            )
        )
    return sources


async def bench_mixed(port: int, boards: dict[tuple[str, int], list[Job]], distinct: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(str(Path(tmp) / "bench.db"))
        await subscriptions_store.add_subscription(
            db, ChatRef("console", ""), Filter(max_risk=RiskLevel.SCAM), language="en"
        )
        relevance = RelevanceSettings()
        settings = PollingSettings(alert_on_first_poll=True, per_host_concurrency=16)
        pool = settings.max_concurrent_requests
        transport = AiohttpTransport(
            limit=pool,
            limit_per_host=settings.per_host_concurrency,
            max_body_bytes=settings.max_response_bytes,
            guard=AddressGuard(allow_loopback=True),
        )
        async with SourceClient(timeout=60, transport=transport) as http:
            poller = Poller(
                db=db,
                http=http,
                checker=ScamChecker(),
                relevance=RelevanceFilter(relevance.keywords),
                settings=settings,
            )
            sources = mixed_sources(port, dict(boards))
            wall0 = time.perf_counter()
            results = await cycle(poller, sources)
            wall = time.perf_counter() - wall0
            await poller.aclose()
        alerts = int(await db.fetchval("SELECT COUNT(*) FROM outbox"))
        sightings = int(await db.fetchval("SELECT COUNT(*) FROM sightings"))
        jobs = int(await db.fetchval("SELECT COUNT(DISTINCT job_id) FROM sightings"))
        await db.close()
    seen = sum(r.seen for r in results)
    errors = [f"{r.source}: {r.status}" for r in results if not r.status.isdigit()]
    kinds = sorted({kind for kind, _ in boards})
    print(f"kinds: {len(kinds)} ({', '.join(kinds)}), sources: {len(sources)}")
    print(
        f"postings: {seen}, distinct jobs: {distinct}, re-posts: {seen - distinct}"
        f" ({(seen - distinct) / max(seen, 1):.0%})"
    )
    print(
        f"alerts written: {alerts} (must equal the distinct jobs: "
        f"{'yes' if alerts == distinct else 'NO'}); sightings: {sightings} of {jobs} jobs"
    )
    print(f"one cycle: {wall:.2f} s, {seen / wall:,.0f} postings/s")
    if errors:
        print(f"errors: {len(errors)}, e.g. {errors[0]}")


def board_sources(port: int, boards: int) -> list[Source]:
    """The first `boards` boards that `serve` serves on `port`, as Greenhouse sources."""
    return [
        build_source(
            "greenhouse",
            board=f"board{i}",
            url=f"http://127.0.0.1:{port}/v1/boards/board{i}/jobs",
            name=None,
            company=f"Board {i}",
        )
        for i in range(boards)
    ]


@dataclass(frozen=True, slots=True)
class Polled:
    """What the bench reads of one poll's result."""

    source: str
    status: str
    seen: int
    relevant: int


async def poll_once(poller: Poller, source: Source) -> Polled:
    """One poll, kept as its counts: the bot's scheduler drops a poll's result (its new
    postings and verdicts) as soon as it has the next due time, so the bench does not hold
    the whole cycle's postings either (the collector's full passes walked them all)."""
    result = await poller.poll(source, interval_s=600, force=True)
    return Polled(result.source, result.status, result.seen, result.relevant)


async def cycle(poller: Poller, sources: list[Source]) -> list[Polled]:
    return await asyncio.gather(*(poll_once(poller, source) for source in sources))


@dataclass
class CycleRun:
    boards: int
    seen: int
    relevant: int
    outbox_rows: int
    first_s: float
    first_cpu_s: float
    worker_cpu_s: float
    worker_rss_mb: float
    unchanged_s: float
    unchanged_cpu_s: float
    statuses: list[str]
    errors: list[str]


def process_cpu_s(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` so far (0 for None)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int | None) -> float:
    """Peak resident memory (VmHWM) of process `pid` so far, MB (0 for None)."""
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def bench(port: int, boards: int, *, worker_process: bool = True) -> CycleRun:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(str(Path(tmp) / "bench.db"))
        await subscriptions_store.add_subscription(
            db, ChatRef("console", ""), Filter(max_risk=RiskLevel.SCAM), language="en"
        )
        relevance = RelevanceSettings()
        settings = PollingSettings(alert_on_first_poll=True, per_host_concurrency=16)
        pool = settings.max_concurrent_requests
        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
        transport = AiohttpTransport(
            limit=pool,
            limit_per_host=settings.per_host_concurrency,
            max_body_bytes=settings.max_response_bytes,
            guard=AddressGuard(allow_loopback=True),  # the boards are served on 127.0.0.1
        )
        # The bot's own client (`bot.app.build_app`): no cookies kept.
        async with SourceClient(timeout=30, limits=limits, transport=transport) as http:
            poller = Poller(
                db=db,
                http=http,
                checker=ScamChecker(),
                relevance=RelevanceFilter(relevance.keywords),
                settings=settings,
                worker_process_at=START_AT_POSTINGS if worker_process else None,
            )
            sources = board_sources(port, boards)
            # As `python -m bot run` does once the bot is built: the model and lexicons
            # out of the collector's sight.
            settle_startup_objects()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            first = await cycle(poller, sources)
            cpu1, wall1 = time.process_time(), time.perf_counter()
            # The CPU worker process, when one started: its start-up counts too.
            worker_cpu = process_cpu_s(poller.cpu_process_id)
            worker_rss_mb = peak_rss_mb(poller.cpu_process_id)
            # The unchanged cycle is short and the machine shared: take the median of a few.
            unchanged_cpu, unchanged_wall = [], []
            for _ in range(UNCHANGED_RUNS):
                cpu_start, wall_start = time.process_time(), time.perf_counter()
                second = await cycle(poller, sources)
                unchanged_cpu.append(time.process_time() - cpu_start)
                unchanged_wall.append(time.perf_counter() - wall_start)
            await poller.aclose()
        outbox_rows = int(await db.fetchval("SELECT COUNT(*) FROM outbox"))
        await db.close()
    return CycleRun(
        boards=boards,
        seen=sum(r.seen for r in first),
        relevant=sum(r.relevant for r in first),
        outbox_rows=outbox_rows,
        first_s=wall1 - wall0,
        first_cpu_s=cpu1 - cpu0,
        worker_cpu_s=worker_cpu,
        worker_rss_mb=worker_rss_mb,
        unchanged_s=statistics.median(unchanged_wall),
        unchanged_cpu_s=statistics.median(unchanged_cpu),
        statuses=sorted({r.status for r in second}),
        errors=[r.status for r in [*first, *second] if r.status.startswith("error")],
    )


def report(number: int, run: CycleRun) -> None:
    total_cpu_s = run.first_cpu_s + run.worker_cpu_s
    print(
        f"run {number}: {run.boards} boards, {run.seen} postings ({run.relevant} relevant, "
        f"{run.outbox_rows} outbox rows); first cycle {run.first_s:.2f} s until the outbox "
        f"holds every relevant posting, {run.seen / run.first_s:,.0f} postings/s, CPU "
        f"{run.first_cpu_s:.2f} s in the bot + {run.worker_cpu_s:.2f} s in its CPU worker "
        f"process (peak RSS {run.worker_rss_mb:.0f} MB) = "
        f"{1000 * total_cpu_s / max(run.seen, 1):.3f} ms a posting; unchanged cycle "
        f"(median of {UNCHANGED_RUNS}) {run.unchanged_s:.2f} s wall, CPU "
        f"{1000 * run.unchanged_cpu_s / run.boards:.3f} ms a board {run.statuses}; CPU "
        f"first/unchanged {total_cpu_s / max(run.unchanged_cpu_s, 1e-9):.1f}x",
        flush=True,
    )
    if run.errors:
        print(f"  errors: {len(run.errors)}, e.g. {run.errors[0]}")


def summary(name: str, values: list[float], unit: str, digits: int = 2) -> str:
    return (
        f"  {name}: min {min(values):.{digits}f} {unit}, median "
        f"{statistics.median(values):.{digits}f} {unit}  (runs: "
        f"{', '.join(f'{value:.{digits}f}' for value in values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--thread-only", action="store_true", help="no CPU worker process (as before it)"
    )
    parser.add_argument("--mixed", action="store_true", help="every kind, 30%% re-posts")
    parser.add_argument("--jobs-total", type=int, default=4000, help="--mixed: distinct jobs")
    parser.add_argument("--per-kind", type=int, default=20, help="--mixed: sources per kind")
    parser.add_argument("--duplicates", type=float, default=0.3, help="--mixed: re-post share")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}")
    if args.mixed:
        boards = spread(args.jobs_total, args.per_kind, args.duplicates)
        paths = {f"/{kind}/{n}": payload(kind, jobs) for (kind, n), jobs in boards.items()}
        mixed_queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        mixed_server = multiprocessing.Process(
            target=serve_payloads, args=(paths, mixed_queue), daemon=True
        )
        mixed_server.start()
        try:
            asyncio.run(bench_mixed(mixed_queue.get(timeout=60), boards, args.jobs_total))
        finally:
            mixed_server.terminate()
        return
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(
        target=serve, args=(args.boards, args.jobs, queue), daemon=True
    )
    server.start()
    try:
        port = queue.get(timeout=60)
        # A fresh store each run: every run's first cycle reads every board as new.
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(
                asyncio.run(bench(port, args.boards, worker_process=not args.thread_only))
            )
            report(number, runs[-1])
    finally:
        server.terminate()
    print(f"summary over {len(runs)} runs (goals in brackets):")
    print(summary("first cycle [< 10 s]", [r.first_s for r in runs], "s"))
    print(
        summary(
            "first cycle CPU a posting (bot and worker process)",
            [1000 * (r.first_cpu_s + r.worker_cpu_s) / max(r.seen, 1) for r in runs],
            "ms",
            3,
        )
    )
    print(
        summary(
            "unchanged cycle CPU a board (304) [<= 0.5 ms]",
            [1000 * r.unchanged_cpu_s / r.boards for r in runs],
            "ms",
            3,
        )
    )


if __name__ == "__main__":
    main()
