"""Benchmark: making a digest for a busy channel, and how many messages it takes.

A subscription gathers N postings (realistic titles, companies and board links) on a SQLite
store; the digest job cuts them into Discord and Telegram messages and writes the pages to
the outbox in one transaction. Printed per N: the time to make the digest (min and median of
the runs), the messages it becomes on each platform, and the ratio against instant delivery
(one message per posting), which is the in-process baseline a digest replaces. Run:

    .venv/bin/python bench/digest.py [--postings 50 500 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from adapters.chat.discord_sender import DiscordSender
from adapters.chat.telegram_sender import TelegramSender
from bot.delivery.digest import DigestMaker
from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
from bot.store import Database, open_database
from bot.store import outbox as outbox_store
from bot.store import postings as postings_store
from bot.store import subscriptions as subscriptions_store

TITLES = [
    "AI Trainer (Spanish) - Remote, flexible hours",
    "Data Annotator – Evaluación de respuestas de IA",
    "RLHF Rater, Coding (Python)",
    "Prompt Writer, Latin American Spanish",
    "Search Quality Evaluator (part-time)",
]
COMPANIES = ["Scale AI", "Outlier", "Appen", "Acme Data", "Nimbus Labs", "DataAnnotation"]
DAY_S = 86_400.0


def postings(count: int, rng: random.Random) -> list[Posting]:
    return [
        Posting(
            source="greenhouse:acme",
            native_id=str(n),
            url=f"https://job-boards.greenhouse.io/acme/jobs/{4_000_000 + n}?gh_src=vigia",
            title=f"{rng.choice(TITLES)} #{n}",
            company=rng.choice(COMPANIES),
        )
        for n in range(count)
    ]


async def gather(db: Database, found: list[Posting], verdict: Verdict, sub_id: int) -> None:
    """The postings as a poll stores them, with an outbox row each for the subscription."""
    now = db.clock()
    async with db.transaction() as conn:
        ids = await postings_store.insert_postings(conn, [(p, True, None) for p in found], now=now)
        checks = await postings_store.insert_posting_checks(
            conn, [(i, p, verdict) for i, p in zip(ids, found, strict=True)], now=now
        )
        rows = [(i, c, sub_id) for i, c in zip(ids, checks, strict=True)]
        await outbox_store.enqueue_many(conn, rows, now=now)


async def one_run(platform_name: str, count: int, seed: int) -> tuple[float, int]:
    """Seconds to make the digest, and the messages it became."""
    with tempfile.TemporaryDirectory() as folder:
        clock = [1_800_000_000.0]
        db = await open_database(str(Path(folder) / "bench.db"), clock=lambda: clock[0])
        try:
            chat = ChatRef(platform_name, "1234567890")
            sub = await subscriptions_store.add_subscription(
                db, chat, Filter(max_risk=RiskLevel.SCAM), language="es", delivery="daily 08:00"
            )
            rng = random.Random(seed)
            verdict = Verdict(12, RiskLevel.OK)
            await gather(db, postings(count, rng), verdict, sub.id)
            sender: object = (
                DiscordSender(None)  # type: ignore[arg-type]  # pages only, never sends
                if platform_name == "discord"
                else TelegramSender(None)  # type: ignore[arg-type]
            )
            maker = DigestMaker(db, {platform_name: sender}, clock=lambda: clock[0] + DAY_S)
            started = time.perf_counter()
            stats = await maker.run_once()
            elapsed = time.perf_counter() - started
            assert stats.postings == count, stats
            return elapsed, stats.pages
        finally:
            await db.close()


async def main(sizes: list[int], runs: int) -> None:
    print(f"cores: {os.cpu_count()}  python: {platform.python_version()}  runs: {runs}")
    print(
        f"{'postings':>8}  {'platform':>8}  {'min ms':>8}  {'median ms':>9}  "
        f"{'messages':>8}  {'vs instant':>10}"
    )
    for count in sizes:
        for name in ("discord", "telegram"):
            timings, pages = [], 0
            for run in range(runs):
                elapsed, pages = await one_run(name, count, seed=run)
                timings.append(elapsed * 1000)
            print(
                f"{count:>8}  {name:>8}  {min(timings):>8.1f}  {statistics.median(timings):>9.1f}"
                f"  {pages:>8}  {count / pages:>9.1f}x"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, nargs="+", default=[50, 500, 2000])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.postings, max(3, arguments.runs)))
