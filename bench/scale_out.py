"""Benchmark: several worker processes on one PostgreSQL database versus one on SQLite.

Two parts, each with real `python -m bot run --role ...` processes:

- Polls: `--sources` greenhouse boards on a local server (its own process), polled once by 1, 2
  and 4 `--role poll` processes on PostgreSQL (they claim due sources with SKIP LOCKED) and by
  one process on SQLite. Reported: seconds from the first request until every board was
  fetched, boards a second, and boards fetched twice (must be 0).
- Delivery: `--alerts` alerts for `--chats` Telegram chats preloaded in the outbox, sent by 1,
  2 and 4 `--role deliver` processes on PostgreSQL (outbox claims with SKIP LOCKED, the send
  budget shared in the database) and by one process on SQLite, to a local Bot API stub that
  enforces Telegram's limits (30 messages in any second, one a second in a chat; 429 beyond).
  Reported: alerts a second, as a share of the 30/s allowed, 429s, duplicates (must be 0),
  alerts lost (must be 0), and the database server's share of the CPU time used (PostgreSQL's
  processes, from /proc, against theirs plus the workers').

The issue's sizes are `--sources 2000 --alerts 20000` (20,000 alerts at 30/s take 11 minutes
per run, 45 for the four); the defaults are smaller so that a run takes a few minutes.

Run: .venv/bin/python bench/scale_out.py [--sources 2000] [--alerts 3000] [--chats 300]
     [--workers 1,2,4]      (PostgreSQL: VIGIA_TEST_POSTGRES, else 127.0.0.1:5432 as postgres)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GLOBAL_PER_S = 30
TOKEN = "123456:scale-out-bench"
SERVER = os.environ.get("VIGIA_TEST_POSTGRES") or "postgresql://postgres@127.0.0.1:5432/postgres"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the local servers (each in its own process) ----------------------------------------------


def serve_boards(port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Greenhouse boards at /board/N: three jobs each; counts the requests to each."""
    from aiohttp import web

    fetched: Counter[str] = Counter()
    first = [0.0]
    last = [0.0]
    body = json.dumps(
        {
            "jobs": [
                {
                    "id": n,
                    "title": f"Accountant {n}",
                    "absolute_url": f"https://example.com/{n}",
                    "location": {"name": "Remote"},
                    "updated_at": "2026-01-01T00:00:00Z",
                    "content": "",
                }
                for n in range(3)
            ]
        }
    ).encode()

    async def board(request: web.Request) -> web.Response:
        now = time.monotonic()
        first[0] = first[0] or now
        last[0] = now
        fetched[request.path] += 1
        return web.Response(body=body, content_type="application/json")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "distinct": len(fetched),
                "requests": sum(fetched.values()),
                "span_s": last[0] - first[0],
            }
        )

    async def reset(request: web.Request) -> web.Response:
        fetched.clear()
        first[0] = last[0] = 0.0
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/_stats", stats)
        app.router.add_post("/_reset", reset)
        app.router.add_get("/board/{n}", board)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_telegram(port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """A Bot API stub enforcing Telegram's limits (see bench/delivery.py), with send times."""
    from aiohttp import web

    recent: deque[float] = deque()
    last_in_chat: dict[int, float] = {}
    accepted: list[tuple[int, str]] = []
    times: list[float] = []
    refused = [0]

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
        recent.append(now)
        last_in_chat[chat_id] = now
        accepted.append((chat_id, str(fields.get("text", ""))[:200]))
        times.append(now)
        chat = {"id": chat_id, "type": "private", "first_name": "bench"}
        result = {"message_id": len(accepted), "date": int(time.time()), "chat": chat}
        return web.json_response({"ok": True, "result": result})

    async def get_me(request: web.Request) -> web.Response:
        me = {"id": 123456, "is_bot": True, "first_name": "Vigia", "username": "vigia_bench_bot"}
        return web.json_response({"ok": True, "result": me})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "accepted": len(accepted),
                "distinct": len(set(accepted)),
                "refused": refused[0],
                "span_s": times[-1] - times[0] if times else 0.0,
            }
        )

    async def reset(request: web.Request) -> web.Response:
        recent.clear()
        last_in_chat.clear()
        accepted.clear()
        times.clear()
        refused[0] = 0
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", f"/bot{TOKEN}/sendMessage", send_message)
        app.router.add_route("*", f"/bot{TOKEN}/getMe", get_me)
        app.router.add_route("*", f"/bot{TOKEN}/{{method}}", get_me)
        app.router.add_get("/_stats", stats)
        app.router.add_post("/_reset", reset)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def start_server(target: Any) -> tuple[multiprocessing.Process, int]:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=target, args=(queue,), daemon=True)
    process.start()
    return process, int(queue.get(timeout=60))


# -- measuring ---------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


async def get_json(url: str) -> dict[str, Any]:
    import httpx

    async with httpx.AsyncClient() as client:
        answer: dict[str, Any] = (await client.get(url)).json()
        return answer


async def post(url: str) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        await client.post(url)


class Database:
    """A fresh database on the server (PostgreSQL) or a SQLite file, for one run."""

    def __init__(self, engine: str, folder: Path) -> None:
        self.engine = engine
        self.name = f"vigia_bench_{uuid.uuid4().hex[:8]}"
        self.url = (
            str(folder / f"{self.name}.db")
            if engine == "sqlite"
            else SERVER.rsplit("/", 1)[0] + "/" + self.name
        )

    async def __aenter__(self) -> Database:
        if self.engine == "postgres":
            import asyncpg

            conn = await asyncpg.connect(SERVER)
            await conn.execute(f'CREATE DATABASE "{self.name}"')
            await conn.close()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.engine == "postgres":
            import asyncpg

            conn = await asyncpg.connect(SERVER)
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await conn.close()


def write_config(folder: Path, database: str, extra: str) -> Path:
    path = folder / f"config-{uuid.uuid4().hex[:6]}.toml"
    path.write_text(
        f'log_level = "WARNING"\n[storage]\ndatabase = "{database}"\n'
        f"[polling]\nallow_loopback = true\nmax_concurrent_requests = 16\n"
        f"[outbox]\ndrain_interval_s = 2.0\n{extra}",
        encoding="utf-8",
    )
    return path


async def start_workers(config: Path, role: str, count: int) -> list[asyncio.subprocess.Process]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIA_")}
    env["TELEGRAM_TOKEN"] = TOKEN
    return [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            "--role",
            role,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


async def stop_workers(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()


# -- the two parts -----------------------------------------------------------------------------


async def poll_run(engine: str, workers: int, sources: int, port: int, folder: Path) -> str:
    base = f"http://127.0.0.1:{port}"
    await post(f"{base}/_reset")
    entries = "".join(
        f'[[sources]]\nkind = "greenhouse"\nboard = "b{n}"\nurl = "{base}/board/{n}"\n'
        f"interval_s = 86400\n"
        for n in range(sources)
    )
    async with Database(engine, folder) as database:
        config = write_config(folder, database.url, entries)
        processes = await start_workers(config, "poll", workers)
        deadline = time.monotonic() + 900
        try:
            while time.monotonic() < deadline:
                stats = await get_json(f"{base}/_stats")
                if stats["distinct"] >= sources:
                    break
                await asyncio.sleep(0.25)
            await asyncio.sleep(1.0)  # a second fetch of a board would show here
            stats = await get_json(f"{base}/_stats")
        finally:
            await stop_workers(processes)
    span_s = max(1e-9, stats["span_s"])
    return (
        f"polls   {engine:8} x{workers}: {stats['distinct']} boards in {span_s:5.1f} s = "
        f"{stats['distinct'] / span_s:6.1f} boards/s; fetched twice: "
        f"{stats['requests'] - stats['distinct']}"
    )


async def prefill(database: str, chats: int, alerts: int) -> None:
    from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
    from bot.store import open_database
    from bot.store import outbox as outbox_store
    from bot.store import postings as postings_store
    from bot.store import subscriptions as subscriptions_store

    db = await open_database(database)
    try:
        subscriptions = [
            await subscriptions_store.add_subscription(
                db, ChatRef("telegram", str(1000 + n)), Filter(), language="en"
            )
            for n in range(chats)
        ]
        per_chat = math.ceil(alerts / chats)
        postings = [
            Posting(
                source="bench",
                native_id=str(i),
                url=f"https://jobs.example.com/{i}",
                title=f"AI Trainer {i}",
                company="Acme",
            )
            for i in range(per_chat)
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
            ][:alerts]
            await outbox_store.enqueue_many(conn, rows, now=db.clock())
    finally:
        await db.close()


async def outbox_counts(database: str) -> dict[str, int]:
    from bot.store import open_database
    from bot.store import outbox as outbox_store

    db = await open_database(database, migrate=False, pool_size=1)
    try:
        return await outbox_store.counts(db)
    finally:
        await db.close()


async def delivery_run(
    engine: str, workers: int, chats: int, alerts: int, port: int, folder: Path
) -> str:
    base = f"http://127.0.0.1:{port}"
    await post(f"{base}/_reset")
    async with Database(engine, folder) as database:
        await prefill(database.url, chats, alerts)
        config = write_config(folder, database.url, f'[telegram]\nbase_url = "{base}/bot"\n')
        db_pids = postgres_pids() if engine == "postgres" else []
        db_cpu_before = cpu_seconds(db_pids)
        processes = await start_workers(config, "deliver", workers)
        worker_pids = [p.pid for p in processes]
        deadline = time.monotonic() + 4 * alerts / GLOBAL_PER_S + 120
        worker_cpu = 0.0
        try:
            while time.monotonic() < deadline:
                stats = await get_json(f"{base}/_stats")
                if stats["distinct"] >= alerts:
                    break
                worker_cpu = cpu_seconds(worker_pids)
                await asyncio.sleep(0.5)
            worker_cpu = cpu_seconds(worker_pids)
            db_cpu = cpu_seconds(postgres_pids()) - db_cpu_before if db_pids else 0.0
            await asyncio.sleep(1.0)
            stats = await get_json(f"{base}/_stats")
        finally:
            await stop_workers(processes)
        counts = await outbox_counts(database.url)
    span_s = max(1e-9, stats["span_s"])
    rate = stats["accepted"] / span_s
    db_share = f"{100 * db_cpu / (db_cpu + worker_cpu):3.0f}%" if db_pids else "  - "
    return (
        f"deliver {engine:8} x{workers}: {stats['distinct']} alerts in {span_s:5.1f} s = "
        f"{rate:5.1f}/s = {100 * rate / GLOBAL_PER_S:3.0f}% of {GLOBAL_PER_S}/s; 429s "
        f"{stats['refused']}, duplicates {stats['accepted'] - stats['distinct']}, lost "
        f"{alerts - counts.get('sent', 0)}; CPU: database {db_cpu:5.1f} s, workers "
        f"{worker_cpu:5.1f} s, database share {db_share}"
    )


async def main_async(args: argparse.Namespace) -> None:
    counts = [int(n) for n in args.workers.split(",")]
    runs = [("sqlite", 1)] + [("postgres", n) for n in counts]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.sources:
            boards, port = start_server(serve_boards)
            try:
                for engine, workers in runs:
                    print(await poll_run(engine, workers, args.sources, port, folder), flush=True)
            finally:
                boards.terminate()
        if args.alerts:
            telegram, port = start_server(serve_telegram)
            try:
                for engine, workers in runs:
                    line = await delivery_run(
                        engine, workers, args.chats, args.alerts, port, folder
                    )
                    print(line, flush=True)
            finally:
                telegram.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--alerts", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4", help="delivery/poll process counts")
    args = parser.parse_args()
    print(
        f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}; {args.sources} sources, "
        f"{args.alerts} alerts to {args.chats} chats; PostgreSQL at {SERVER}"
    )
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
