"""Benchmark: alerts delivered to Telegram at its published rate, against a local stub.

A stub Bot API server (aiohttp, in its own process; aiohttp sets TCP_NODELAY) enforces
Telegram's limits the way the bot must respect them: at most 30 messages in any second overall,
one per second in a chat, 20 per minute in a group (negative chat ids); a message over a limit
is refused with 429 and `retry_after`. The bot side is the real path with default settings:
the outbox in a SQLite store, the drainer with the platforms' pacer, `TelegramSender` over
python-telegram-bot (with the Application's `AIORateLimiter`, as `vigia run` builds it), and
drain runs started every `outbox.drain_interval_s` the way the scheduler's interval job does
(`max_instances=2`: a tick that comes while a run is going starts the next run as soon as
it ends; further ticks in that time are skipped).

Prints, per run and as min / median over the runs: messages a second as a share of the
30/s limit, 429s received, duplicates and lost alerts.

`--platform discord` does the same against a Discord REST stub (same process layout, the
payloads of `tests/discord_helpers.py`): 50 requests in any second overall, and a bucket per
channel for POST /channels/{id}/messages of 5 messages a 5 s window (the window opens at the
first message after the last one closed), every answer carrying X-RateLimit-Limit /
-Remaining / -Reset / -Reset-After / -Bucket, and a refusal answered 429 with
{"message", "retry_after", "global"}, Retry-After, X-RateLimit-Scope (and -Global on the
global limit) as Discord does. The bot side is the real `DiscordSender` over a discord.py
client built as `VigiaClient` builds it (`max_ratelimit_timeout`), logged in to the stub
through `Route.BASE`, drained the same way. The share is of min(50, channels x 1) msg/s.

`--busy N` runs N processes spinning on the CPU beside it (a loaded machine).

Run: .venv/bin/python bench/delivery.py [--platform telegram|discord] [--chats 100]
     [--alerts 15] [--groups 0] [--runs 3] [--busy 0]
  Discord (runs of ~10 s): .venv/bin/python bench/delivery.py --platform discord --chats 40
     --alerts 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import socket
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
DISCORD_GLOBAL_PER_S = 50
DISCORD_BUCKET = 5  # messages a channel may post in one window
DISCORD_WINDOW_S = 5.0


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


def serve_discord(port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from aiohttp import web

    from tests.discord_helpers import API_PREFIX, APPLICATION, BOT_USER, message_payload

    recent: deque[float] = deque()  # requests accepted in the last second, any route
    buckets: dict[str, tuple[float, int]] = {}  # channel -> (window closes at, messages left)
    accepted: list[tuple[str, str]] = []
    refused = [0]
    nodelay_checked: list[bool] = []

    def answer(
        body: object, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        # discord.py decodes only a Content-Type of exactly application/json.
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def refuse(wait_s: float, *, is_global: bool, bucket_headers: dict[str, str]) -> web.Response:
        refused[0] += 1
        wait_s = round(max(0.001, wait_s), 3)
        headers = {"Retry-After": str(math.ceil(wait_s)), "Via": "1.1 google"}
        if is_global:
            headers |= {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
        else:
            headers |= {**bucket_headers, "X-RateLimit-Scope": "user"}
        body = {
            "message": "You are being rate limited.",
            "retry_after": wait_s,
            "global": is_global,
        }
        return answer(body, status=429, headers=headers)

    async def handle(request: web.Request) -> web.Response:
        if not nodelay_checked and request.transport is not None:
            sock = request.transport.get_extra_info("socket")
            on = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            nodelay_checked.append(bool(on))
            assert on, "the loopback server must disable Nagle's algorithm"
        path = request.path.removeprefix(API_PREFIX)
        raw = await request.read()
        now = time.monotonic()
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= DISCORD_GLOBAL_PER_S:
            return refuse(recent[0] + 1.0 - now, is_global=True, bucket_headers={})
        if request.method == "GET" and path == "/users/@me":
            recent.append(now)
            return answer(BOT_USER)
        if request.method == "GET" and path == "/oauth2/applications/@me":
            recent.append(now)
            return answer(APPLICATION)
        parts = path.split("/")
        if request.method != "POST" or len(parts) != 4 or parts[1] != "channels":
            return answer({"message": "404: Not Found", "code": 0}, status=404)
        channel = parts[2]
        closes_at, left = buckets.get(channel, (0.0, DISCORD_BUCKET))
        if now >= closes_at:
            closes_at, left = now + DISCORD_WINDOW_S, DISCORD_BUCKET

        def bucket_headers(remaining: int) -> dict[str, str]:
            return {
                "X-RateLimit-Limit": str(DISCORD_BUCKET),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": f"{time.time() + closes_at - now:.3f}",
                "X-RateLimit-Reset-After": f"{closes_at - now:.3f}",
                "X-RateLimit-Bucket": f"messages-{channel}",
            }

        if left <= 0:
            return refuse(closes_at - now, is_global=False, bucket_headers=bucket_headers(0))
        buckets[channel] = (closes_at, left - 1)
        recent.append(now)
        body = json.loads(raw) if raw and request.content_type == "application/json" else {}
        embeds = body.get("embeds") or []
        text = str(embeds[0].get("title", "")) if embeds else str(body.get("content", ""))
        accepted.append((channel, text[:200]))
        message = message_payload(
            channel_id=channel,
            content=body.get("content") or "",
            embeds=embeds,
            components=body.get("components"),
        )
        return answer(message, headers=bucket_headers(left - 1))

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"accepted": accepted, "refused": refused[0]})

    async def reset(request: web.Request) -> web.Response:
        recent.clear()
        buckets.clear()
        accepted.clear()
        refused[0] = 0
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/_stats", stats)
        app.router.add_post("/_reset", reset)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def discord_sender(base: str) -> tuple[object, object]:
    """The real sender over a discord.py client built as `VigiaClient` is, logged in to the stub."""
    import discord
    from discord.http import Route

    from adapters.chat.discord_app import MAX_RATELIMIT_WAIT_S
    from adapters.chat.discord_common import NO_MENTIONS
    from adapters.chat.discord_sender import DiscordSender
    from tests.discord_helpers import API_PREFIX

    Route.BASE = base + API_PREFIX
    client = discord.Client(
        intents=discord.Intents(guilds=True),
        allowed_mentions=NO_MENTIONS,
        max_ratelimit_timeout=MAX_RATELIMIT_WAIT_S,
    )
    await client.login("bench-token")
    return client, DiscordSender(client)


async def one_run(
    port: int, chats: int, alerts: int, groups: int, platform: str = "telegram"
) -> dict[str, float]:
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
                ChatRef("discord", str(900000000000000000 + n))
                if platform == "discord"
                else ChatRef("telegram", str(-(1000 + n)) if n < groups else str(1000 + n)),
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
        if platform == "discord":
            client, sender = await discord_sender(base)
            senders = {"discord": sender}
        else:
            application = (
                ApplicationBuilder()
                .token(TOKEN)
                .base_url(f"{base}/bot")
                .rate_limiter(AIORateLimiter(max_retries=0))
                .build()
            )
            await application.initialize()
            senders = {"telegram": TelegramSender(application.bot)}
        drainer = OutboxDrainer(db, senders, settings=settings, pacer=Pacer())  # type: ignore[arg-type]
        limit = effective_limit(platform, chats)
        total = chats * alerts
        interval_s = settings.drain_interval_s
        started = time.monotonic()
        finished = started
        overruns = 0  # runs still going at the next tick (which then starts as they end)
        while time.monotonic() - started < 40 * total / limit + 120:
            run_started = time.monotonic()
            await drainer.drain_once()
            now = finished = time.monotonic()
            if (await outbox_store.counts(db)).get("sent", 0) >= total:
                break
            # The scheduler's interval job (max_instances=2, coalesce): the first tick after
            # this run's start runs next, at once if it has passed; later ones are skipped.
            tick = started + interval_s * (math.floor((run_started - started) / interval_s) + 1)
            overruns += now > tick
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        if platform == "discord":
            await client.close()  # type: ignore[attr-defined]
        else:
            await application.shutdown()
        counts = await outbox_store.counts(db)
        await db.close()
    async with httpx.AsyncClient() as client:
        stub = (await client.get(f"{base}/_stats")).json()
    accepted = [tuple(entry) for entry in stub["accepted"]]
    elapsed_s = max(1e-9, finished - started)
    return {
        "rate": len(accepted) / elapsed_s,
        "share": len(accepted) / elapsed_s / limit,
        "refused": stub["refused"],
        "duplicates": len(accepted) - len(set(accepted)),
        "lost": total - counts.get("sent", 0),
        "elapsed_s": elapsed_s,
        "overruns": overruns,
    }


def effective_limit(platform: str, chats: int) -> float:
    """The messages a second the platform allows this many chats: Telegram's 30/s overall;
    Discord's 50/s overall or every channel's 5 per 5 s, whichever is lower."""
    if platform == "discord":
        return min(DISCORD_GLOBAL_PER_S, chats * DISCORD_BUCKET / DISCORD_WINDOW_S)
    return GLOBAL_PER_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=("telegram", "discord"), default="telegram")
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--alerts", type=int, default=15, help="alerts per chat")
    parser.add_argument("--groups", type=int, default=0, help="how many chats are groups")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--busy", type=int, default=0, help="busy-loop processes beside it")
    args = parser.parse_args()
    print(
        f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}"
        + (f"; {args.busy} busy loop(s) beside it" if args.busy else "")
    )
    total = args.chats * args.alerts
    limit = effective_limit(args.platform, args.chats)
    if args.platform == "discord":
        per_channel = DISCORD_BUCKET / DISCORD_WINDOW_S
        binding = (
            f"the global {DISCORD_GLOBAL_PER_S}/s"
            if limit == DISCORD_GLOBAL_PER_S
            else f"{args.chats} channels x {per_channel:g}/s (5 per 5 s each)"
        )
        limit_name = f"{limit:g}/s ({binding})"
        print(
            f"Discord stub: {DISCORD_GLOBAL_PER_S} requests/s, {DISCORD_BUCKET} messages per "
            f"{DISCORD_WINDOW_S:g} s a channel; {args.chats} channels x {args.alerts} alerts = "
            f"{total}; limit that applies: {limit_name}; at that rate {total / limit:.0f} s"
        )
        target = serve_discord
    else:
        # The global limit, or one chat's 1/s, or one group's 20/min: whichever binds.
        ideal_s = max(
            total / GLOBAL_PER_S, args.alerts * (60 / GROUP_PER_MIN if args.groups else 1)
        )
        limit_name = f"{GLOBAL_PER_S}/s"
        print(
            f"Telegram stub: {GLOBAL_PER_S} msg/s, 1/s a chat, {GROUP_PER_MIN}/min a group; "
            f"{args.chats} chats ({args.groups} groups) x {args.alerts} alerts = {total}; "
            f"at best {ideal_s:.0f} s"
        )
        target = serve
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=target, args=(queue,), daemon=True)
    server.start()
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
    for spinner in spinners:
        spinner.start()
    try:
        port = queue.get(timeout=60)
        results = []
        for number in range(args.runs):
            result = asyncio.run(one_run(port, args.chats, args.alerts, args.groups, args.platform))
            results.append(result)
            print(
                f"run {number + 1}: {result['rate']:.1f} msg/s = {result['share'] * 100:.0f}% "
                f"of {limit_name} over {result['elapsed_s']:.1f} s; 429s "
                f"{result['refused']:.0f}, duplicates {result['duplicates']:.0f}, "
                f"lost {result['lost']:.0f}, drain runs past the next tick "
                f"{result['overruns']:.0f}",
                flush=True,
            )
        shares = [r["share"] * 100 for r in results]
        print(
            f"share of the limit ({limit_name}) [goal >= 90%]: min {min(shares):.0f}%, median "
            f"{statistics.median(shares):.0f}%; 429s {[int(r['refused']) for r in results]}; "
            f"duplicates {[int(r['duplicates']) for r in results]}; "
            f"lost {[int(r['lost']) for r in results]}"
        )
        print(json.dumps({"shares_percent": shares}))
    finally:
        server.terminate()
        for spinner in spinners:
            spinner.terminate()


def spin() -> None:
    """A busy loop: one core's worth of other work."""
    while True:
        pass


if __name__ == "__main__":
    main()
