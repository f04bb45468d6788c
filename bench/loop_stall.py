"""Benchmark: the event loop while one source sends a 20,000-posting payload.

A separate process serves one Greenhouse board of N postings (20,000 by default, about
14 MB; every `--relevant-every`th is about AI-training work and gets scored) on 127.0.0.1.
The bot's own parts are built from a config (`bot.app.build_app`: the store, the poller, the
check service) in this process, and while the board's first poll runs:

- a heartbeat asks the loop for a 10 ms sleep over and over; how much later than asked it
  wakes is the loop's stall (max and p99), during the poll and for 3 s after it;
- "is this legit?" on a pasted posting text (`CheckService.legit`, what /legit runs: the
  scam checks and the stored check) is asked every 50 ms; its latency p50/p95.

The same two probes run for a few seconds with nothing else going on first, in the same
process: the figures during the poll are printed beside that baseline, as a ratio, so a noisy
machine shows up as a noisy baseline rather than as a regression. Goals (issue 15): no stall
over 100 ms, /legit p95 under 300 ms during the poll.

Run: .venv/bin/python bench/loop_stall.py [--postings 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import LoopbackServer, greenhouse_board
from bot.app import build_app
from bot.config import load_settings
from bot.runner import settle_startup_objects
from tests.sources_helpers import greenhouse_board_payload

HEARTBEAT_S = 0.010
LEGIT_EVERY_S = 0.050
BASELINE_S = 3.0
AFTER_S = 3.0
LEGIT_TEXT = (
    "Remote AI trainer (Spanish), flexible hours. Review and rank chatbot answers, write "
    "reference answers. Pay: 300 euros per week, paid via Telegram after a small deposit. "
    "Contact @recruiter_{n} on WhatsApp to start today."
)


@dataclass
class Probes:
    stalls_ms: list[float] = field(default_factory=list)
    legit_ms: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def probe(until: asyncio.Event, app_services: object, probes: Probes) -> None:
    """Heartbeat and /legit until `until` is set."""
    from bot.services import Services

    assert isinstance(app_services, Services)
    checks = app_services.checks

    async def heartbeat() -> None:
        while not until.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(HEARTBEAT_S)
            probes.stalls_ms.append((time.perf_counter() - asked - HEARTBEAT_S) * 1000)

    async def legit() -> None:
        number = 0
        while not until.is_set():
            number += 1
            started = time.perf_counter()
            await checks.legit(url=None, text=LEGIT_TEXT.format(n=number), language="en")
            probes.legit_ms.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(LEGIT_EVERY_S)

    await asyncio.gather(heartbeat(), legit())


def write_config(folder: Path, port: int) -> Path:
    path = folder / "config.toml"
    path.write_text(
        "\n".join(
            [
                "[storage]",
                f'database = "{folder / "vigia.db"}"',
                "[polling]",
                "allow_loopback = true  # the board is served on 127.0.0.1",
                "[[sources]]",
                'kind = "greenhouse"',
                'board = "big"',
                f'url = "http://127.0.0.1:{port}/v1/boards/big/jobs"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


@dataclass
class Run:
    baseline: Probes
    during: Probes
    poll_s: float
    new: int
    relevant: int


async def one_run(port: int) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(write_config(Path(tmp), port))
        app = await build_app(settings)
        settle_startup_objects()  # as `python -m bot run` does once the bot is built
        try:
            baseline = Probes()
            stop = asyncio.Event()
            task = asyncio.create_task(probe(stop, app.services, baseline))
            await asyncio.sleep(BASELINE_S)
            stop.set()
            await task

            during = Probes()
            stop = asyncio.Event()
            task = asyncio.create_task(probe(stop, app.services, during))
            source, interval_s = app.sources[0]
            started = time.perf_counter()
            result = await app.poller.poll(source, interval_s=interval_s)
            poll_s = time.perf_counter() - started
            status, new, relevant = result.status, result.new, result.relevant
            del result  # as the scheduler drops it
            # and a while after: what the poll leaves behind (the garbage collector's catching
            # up) happens in this window
            await asyncio.sleep(AFTER_S)
            stop.set()
            await task
            assert status == "200", status
            return Run(baseline, during, poll_s, new, relevant)
        finally:
            await app.aclose()


def summary(name: str, values: list[float], unit: str) -> str:
    return (
        f"  {name}: min {min(values):.1f} {unit}, median {statistics.median(values):.1f} {unit}"
        f"  (runs: {', '.join(f'{value:.1f}' for value in values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--relevant-every", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}")
    size = len(greenhouse_board_payload("big", args.postings, relevant_every=args.relevant_every))
    with LoopbackServer(greenhouse_board, "big", args.postings, args.relevant_every) as server:
        port = server.port
        print(
            f"one Greenhouse board of {args.postings} postings ({size / 1e6:.1f} MB, every "
            f"{args.relevant_every}th relevant and scored) on loopback, {args.runs} runs; "
            f"heartbeat every {HEARTBEAT_S * 1000:.0f} ms, /legit every "
            f"{LEGIT_EVERY_S * 1000:.0f} ms; baseline: the same probes for {BASELINE_S:.0f} s "
            "with no poll"
        )
        runs = []
        for number in range(args.runs):
            run = asyncio.run(one_run(port))
            runs.append(run)
            base, during = run.baseline, run.during
            print(
                f"run {number + 1}: poll {run.poll_s:.1f} s (new {run.new}, relevant "
                f"{run.relevant}); max stall {max(during.stalls_ms):.0f} ms (baseline "
                f"{max(base.stalls_ms):.0f}), p99 {percentile(during.stalls_ms, 0.99):.0f} ms; "
                f"/legit p50 {percentile(during.legit_ms, 0.5):.0f} ms p95 "
                f"{percentile(during.legit_ms, 0.95):.0f} ms over {len(during.legit_ms)} "
                f"(baseline p95 {percentile(base.legit_ms, 0.95):.0f} ms: "
                f"{percentile(during.legit_ms, 0.95) / percentile(base.legit_ms, 0.95):.1f}x)",
                flush=True,
            )
        print(f"summary over {len(runs)} runs (goals in brackets):")
        print(summary("max loop stall [<= 100 ms]", [max(r.during.stalls_ms) for r in runs], "ms"))
        print(summary("loop stall p99", [percentile(r.during.stalls_ms, 0.99) for r in runs], "ms"))
        print(
            summary(
                "/legit p95 during the poll [< 300 ms]",
                [percentile(r.during.legit_ms, 0.95) for r in runs],
                "ms",
            )
        )
        print(
            summary(
                "/legit p95 with no poll",
                [percentile(r.baseline.legit_ms, 0.95) for r in runs],
                "ms",
            )
        )
        print(summary("poll", [r.poll_s for r in runs], "s"))


if __name__ == "__main__":
    main()
