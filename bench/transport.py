"""Benchmark: the poller's HTTP transport, aiohttp against httpx's own, in one process.

The question it answers: does `adapters.http.aiohttp_transport` still pay for itself? The same
poller polls the same loopback Greenhouse boards (served by a separate process,
`bench/servers.py`) through each transport in turn, alternating them so that a noisy
machine slows both alike. For each transport and board count it prints the CPU time of the
bot's process for a first cycle (every board answers 200 with its postings) and for an
unchanged cycle (every board answers 304), and the ratio httpx / aiohttp: above 1, aiohttp is
cheaper. httpx runs with its default transport (connection pool of the same size); the
address guard is not on that path, so httpx is, if anything, favoured.

Run: .venv/bin/python bench/transport.py [--boards 12,10000] [--jobs 5] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.http.aiohttp_transport import AiohttpTransport
from bench.poll_cycle import board_sources
from bench.servers import LoopbackServer, greenhouse_boards
from bot.config import PollingSettings, RelevanceSettings
from bot.links.addresses import AddressGuard
from bot.polling.poller import Poller
from bot.postings.relevance import RelevanceFilter
from bot.scam import ScamChecker
from bot.store import open_database

TransportFactory = Callable[[PollingSettings], httpx.AsyncBaseTransport]


def aiohttp_transport(settings: PollingSettings) -> httpx.AsyncBaseTransport:
    return AiohttpTransport(
        limit=settings.max_concurrent_requests,
        limit_per_host=settings.per_host_concurrency,
        max_body_bytes=settings.max_response_bytes,
        guard=AddressGuard(allow_loopback=True),  # the boards are served on 127.0.0.1
    )


def httpx_transport(settings: PollingSettings) -> httpx.AsyncBaseTransport:
    pool = settings.max_concurrent_requests
    return httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    )


TRANSPORTS: dict[str, TransportFactory] = {"aiohttp": aiohttp_transport, "httpx": httpx_transport}


async def measure(port: int, boards: int, make: TransportFactory) -> tuple[float, float]:
    """CPU seconds of (a first cycle, the median unchanged cycle) through one transport."""
    settings = PollingSettings(alert_on_first_poll=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(str(Path(tmp) / "bench.db"))
        async with httpx.AsyncClient(timeout=60, transport=make(settings)) as http:
            poller = Poller(
                db=db,
                http=http,
                checker=ScamChecker(),
                relevance=RelevanceFilter(RelevanceSettings().keywords),
                settings=settings,
            )
            sources = board_sources(port, boards)

            async def cycle() -> float:
                start = time.process_time()
                results = await asyncio.gather(
                    *(poller.poll(s, interval_s=600, force=True) for s in sources)
                )
                errors = [r.status for r in results if r.status.startswith("error")]
                if errors:
                    raise SystemExit(f"{len(errors)} polls failed, e.g. {errors[0]}")
                return time.process_time() - start

            first_cpu_s = await cycle()
            unchanged_cpu_s = statistics.median([await cycle() for _ in range(3)])
        await db.close()
    return first_cpu_s, unchanged_cpu_s


async def bench(port: int, boards: int, rounds: int) -> None:
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in TRANSPORTS}
    for _ in range(rounds):
        for name, make in TRANSPORTS.items():
            figures[name].append(await measure(port, boards, make))
    first = {name: statistics.median(f for f, _ in runs) for name, runs in figures.items()}
    unchanged = {name: statistics.median(u for _, u in runs) for name, runs in figures.items()}
    print(f"{boards} boards (median of {rounds} rounds, CPU seconds of the bot's process):")
    for name in TRANSPORTS:
        print(
            f"  {name:8} first cycle {first[name]:7.2f} s"
            f"   unchanged cycle {unchanged[name]:7.2f} s"
        )
    print(
        f"  httpx / aiohttp: first cycle {first['httpx'] / first['aiohttp']:.2f}x, "
        f"unchanged cycle {unchanged['httpx'] / unchanged['aiohttp']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", default="12,10000", help="comma-separated board counts")
    parser.add_argument("--jobs", type=int, default=5, help="postings per board")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    counts = [int(n) for n in args.boards.split(",")]
    print(f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}")
    with LoopbackServer(greenhouse_boards, max(counts), args.jobs, "board") as server:
        for boards in counts:
            asyncio.run(bench(server.port, boards, args.rounds))


if __name__ == "__main__":
    main()
