"""Benchmark: alerts delivered to Telegram at its published rate, against a local stub.

A stub Bot API server (aiohttp, in its own process; aiohttp sets TCP_NODELAY) enforces
Telegram's limits the way the bot must respect them: at most 30 messages in any second overall,
one per second in a chat, 20 per minute in a group (negative chat ids); a message over a limit
is refused with 429 and `retry_after`. The bot side is the real path with default settings:
the outbox in a SQLite store, the drainer with the platforms' pacer, `TelegramSender` over
python-telegram-bot (with the Application's `AIORateLimiter`, as `vigia run` builds it), and
drain runs started every `outbox.drain_interval_s` the way the scheduler's interval job does
(a run still going at a tick makes that tick skip).

Prints, per run and as min / median over the runs: messages a second as a share of the
30/s limit, 429s received, duplicates and lost alerts.

Run: .venv/bin/python bench/delivery.py [--chats 100] [--alerts 15] [--groups 0] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GLOBAL_PER_S = 30
GROUP_PER_MIN = 20
TOKEN = "123456:bench"


def serve(port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from aiohttp import web

    recent: deque[float] = deque()  # accepted sends in the last second
    last_in_chat: dict[int, float] = {}
    group_recent: dict[int, deque[float]] = {}
    accepted: list[tuple[int, str]] = []
    refused = [0]
    next_id = [1]

    def refuse(wait_s: float) -> web.Response:
        refused[0] += 1
        retry_after = max(1, math.ceil(wait_s))
        return web.json_response(
            {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
            status=429,
        )

    async def send_message(request: web.Request) -> web.Response:
        data = await request.post() if request.content_type != "application/json" else None
        fields = dict(data) if data is not None else await request.json()
        chat_id = int(str(fields["chat_id"]))
        now = time.monotonic()
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= GLOBAL_PER_S:
            return refuse(recent[0] + 1.0 - now)
        if now - last_in_chat.get(chat_id, -10.0) < 1.0:
            return refuse(last_in_chat[chat_id] + 1.0 - now)
        if chat_id < 0:
            window = group_recent.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= GROUP_PER_MIN:
                return refuse(window[0] + 60.0 - now)
            window.append(now)
        recent.append(now)
        last_in_chat[chat_id] = now
        accepted.append((chat_id, str(fields.get("text", ""))[:200]))
        message_id = next_id[0]
        next_id[0] += 1
        chat = {"id": chat_id, "type": "group" if chat_id < 0 else "private"}
        if chat_id > 0:
            chat["first_name"] = "bench"
        result = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        return web.json_response({"ok": True, "result": result})

    async def get_me(request: web.Request) -> web.Response:
        me = {"id": 123456, "is_bot": True, "first_name": "Vigia", "username": "vigia_bench_bot"}
        return web.json_response({"ok": True, "result": me})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"accepted": accepted, "refused": refused[0]})

    async def reset(request: web.Request) -> web.Response:
        recent.clear()
        last_in_chat.clear()
        group_recent.clear()
        accepted.clear()
        refused[0] = 0
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", f"/bot{TOKEN}/sendMessage", send_message)
        app.router.add_route("*", f"/bot{TOKEN}/getMe", get_me)
        app.router.add_get("/_stats", stats)
        app.router.add_post("/_reset", reset)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def one_run(port: int, chats: int, alerts: int, groups: int) -> dict[str, float]:
    import httpx
    from telegram.ext import AIORateLimiter, ApplicationBuilder

    from adapters.chat.telegram_sender import TelegramSender
    from bot.config import OutboxSettings
    from bot.delivery.drain import OutboxDrainer
    from bot.delivery.pacing import Pacer
    from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
    from bot.store import open_database
    from bot.store import outbox as outbox_store
    from bot.store import postings as postings_store
    from bot.store import subscriptions as subscriptions_store

    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        await client.post(f"{base}/_reset")
    settings = OutboxSettings()  # the defaults: drain every 2 s
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(str(Path(tmp) / "bench.db"))
        # As one poll writes them: each new posting to every subscribed chat, posting by
        # posting (the outbox's order).
        subscriptions = [
            await subscriptions_store.add_subscription(
                db,
                ChatRef("telegram", str(-(1000 + n)) if n < groups else str(1000 + n)),
                Filter(),
                language="en",
            )
            for n in range(chats)
        ]
        postings = [
            Posting(
                source="bench",
                native_id=str(i),
                url=f"https://jobs.example.com/{i}",
                title=f"AI Trainer {i}",
                company="Acme",
            )
            for i in range(alerts)
        ]
        async with db.transaction() as conn:
            ids = await postings_store.insert_postings(
                conn, [(p, True, None) for p in postings], now=db.clock()
            )
            verdict = Verdict(0, RiskLevel.OK)
            checks = await postings_store.insert_posting_checks(
                conn,
                [(pid, p, verdict) for pid, p in zip(ids, postings, strict=True)],
                now=db.clock(),
            )
            rows = [
                (pid, cid, sub.id)
                for pid, cid in zip(ids, checks, strict=True)
                for sub in subscriptions
            ]
            await outbox_store.enqueue_many(conn, rows, now=db.clock())
        application = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(f"{base}/bot")
            .rate_limiter(AIORateLimiter(max_retries=0))
            .build()
        )
        await application.initialize()
        drainer = OutboxDrainer(
            db, {"telegram": TelegramSender(application.bot)}, settings=settings, pacer=Pacer()
        )
        total = chats * alerts
        interval_s = settings.drain_interval_s
        started = time.monotonic()
        finished = tick = started
        overruns = 0  # runs still going at the next tick: the scheduler would skip that tick
        while time.monotonic() - started < 40 * total / GLOBAL_PER_S + 120:
            await drainer.drain_once()
            now = finished = time.monotonic()
            if (await outbox_store.counts(db)).get("sent", 0) >= total:
                break
            # The scheduler's interval job: a tick that passed during the run is skipped.
            overruns += now > tick + interval_s
            tick += interval_s * max(1, math.ceil((now - tick) / interval_s))
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        await application.shutdown()
        counts = await outbox_store.counts(db)
        await db.close()
    async with httpx.AsyncClient() as client:
        stub = (await client.get(f"{base}/_stats")).json()
    accepted = [tuple(entry) for entry in stub["accepted"]]
    elapsed_s = max(1e-9, finished - started)
    return {
        "rate": len(accepted) / elapsed_s,
        "share": len(accepted) / elapsed_s / GLOBAL_PER_S,
        "refused": stub["refused"],
        "duplicates": len(accepted) - len(set(accepted)),
        "lost": total - counts.get("sent", 0),
        "elapsed_s": elapsed_s,
        "overruns": overruns,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--alerts", type=int, default=15, help="alerts per chat")
    parser.add_argument("--groups", type=int, default=0, help="how many chats are groups")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}")
    total = args.chats * args.alerts
    # The global limit, or one chat's 1/s, or one group's 20/min: whichever binds.
    ideal_s = max(total / GLOBAL_PER_S, args.alerts * (60 / GROUP_PER_MIN if args.groups else 1))
    print(
        f"Telegram stub: {GLOBAL_PER_S} msg/s, 1/s a chat, {GROUP_PER_MIN}/min a group; "
        f"{args.chats} chats ({args.groups} groups) x {args.alerts} alerts = {total}; "
        f"at best {ideal_s:.0f} s"
    )
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(queue,), daemon=True)
    server.start()
    try:
        port = queue.get(timeout=60)
        results = []
        for number in range(args.runs):
            result = asyncio.run(one_run(port, args.chats, args.alerts, args.groups))
            results.append(result)
            print(
                f"run {number + 1}: {result['rate']:.1f} msg/s = {result['share'] * 100:.0f}% "
                f"of {GLOBAL_PER_S}/s over {result['elapsed_s']:.1f} s; 429s "
                f"{result['refused']:.0f}, duplicates {result['duplicates']:.0f}, "
                f"lost {result['lost']:.0f}, drain runs past the next tick "
                f"{result['overruns']:.0f}",
                flush=True,
            )
        shares = [r["share"] * 100 for r in results]
        print(
            f"share of the global limit [goal >= 90%]: min {min(shares):.0f}%, median "
            f"{statistics.median(shares):.0f}%; 429s {[int(r['refused']) for r in results]}; "
            f"duplicates {[int(r['duplicates']) for r in results]}; "
            f"lost {[int(r['lost']) for r in results]}"
        )
        print(json.dumps({"shares_percent": shares}))
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
