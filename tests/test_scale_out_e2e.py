"""End to end: several `python -m bot run` workers on one PostgreSQL database, against local
job boards and a local Telegram stub that enforces Telegram's limits.

A poller and two deliverers run; one deliverer is SIGKILLed while its messages are in flight,
the poller while it is polling a board. Every alert reaches its chat, none twice except a
message the killed deliverer had in flight, each chat's alerts in the outbox's order; the
board the dead poller held is taken over by a second poller when its claim's lease ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
from collections import defaultdict
from pathlib import Path

import pytest
from aiohttp import web

from bot.store import open_database
from bot.store import outbox as outbox_store
from tests.pg_helpers import PgTestServer
from tests.pipeline_helpers import greenhouse_jobs
from tests.process_helpers import BotRun, bot_env
from tests.sources_helpers import local_server
from tests.telegram_stub import telegram_stub

CHATS = 20
BOARDS = ["b0", "b1", "slow"]  # one job each; the poller is killed while polling "slow"
TOKENS = {"d1": "111:deliverer-one-token", "d2": "222:deliverer-two-token"}
LEASE_S = 2
TITLE = re.compile(r"AI Trainer \w+")


def title(text: str) -> str:
    found = TITLE.search(text)
    assert found is not None, text
    return found.group(0)


def config(tmp_path: Path, database: str, boards_url: str, telegram_url: str, name: str) -> Path:
    sources = "".join(
        f'[[sources]]\nkind = "greenhouse"\nboard = "{board}"\n'
        f'url = "{boards_url}/{board}?by={name}"\n'
        for board in BOARDS
    )
    chats = "".join(
        f'[[subscriptions]]\nchat = "telegram:{1000 + n}"\nlanguage = "en"\n' for n in range(CHATS)
    )
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f"""log_level = "WARNING"
[storage]
database = "{database}"
[polling]
allow_loopback = true
alert_on_first_poll = true
[outbox]
drain_interval_s = 0.2
batch_size = 8
lease_s = {LEASE_S}
[workers]
poll_lease_s = {LEASE_S}
heartbeat_s = 0.5
[telegram]
base_url = "{telegram_url}"
{sources}{chats}""",
        encoding="utf-8",
    )
    return path


async def all_recorded(database: str) -> None:
    """Until no alert waits or is being sent (a hang guard bounds it: 60 s)."""
    db = await open_database(database)
    try:
        for _ in range(600):
            if set(await outbox_store.counts(db)) == {"sent"}:
                return
            await asyncio.sleep(0.1)
    finally:
        await db.close()


@pytest.mark.timeout(120)  # four processes start on a busy machine: a hang guard only
async def test_three_workers_lose_nothing_and_send_nothing_twice(
    tmp_path: Path, postgres_server: PgTestServer
) -> None:
    database = postgres_server.new_schema()
    fetched_by: dict[str, list[str]] = defaultdict(list)  # board -> the pollers that asked
    slow_polled = asyncio.Event()
    hold_slow = asyncio.Event()

    async def boards(request: web.Request) -> web.Response:
        board = request.path.strip("/")
        fetched_by[board].append(request.query.get("by", ""))
        if board == "slow" and len(fetched_by[board]) == 1:
            slow_polled.set()
            await hold_slow.wait()  # its poller dies while waiting for this answer
        job = {"id": 1, "title": f"AI Trainer {board}", "url": f"https://jobs.example/{board}"}
        return web.Response(body=greenhouse_jobs([job]), content_type="application/json")

    async with (
        local_server(boards) as port,
        telegram_stub() as telegram,
        contextlib.AsyncExitStack() as workers,
    ):
        workers.callback(hold_slow.set)  # before the board server stops
        boards_url = f"http://127.0.0.1:{port}"
        telegram.hang_after(TOKENS["d1"], 1)  # d1's 2nd message on: sent, never answered

        async def start(name: str, role: str, token: str | None = None) -> BotRun:
            path = config(tmp_path, database, boards_url, telegram.base_url, name)
            env = bot_env(TELEGRAM_TOKEN=token) if token else bot_env()
            return await workers.enter_async_context(BotRun(path, "--role", role, env=env))

        pollers = {name: await start(name, "poll") for name in ("poller-a", "poller-b")}
        # d2 starts once d1 holds rows with a message in flight: a paced deliverer claims
        # seconds of the platform's rate ahead, so a d2 started beside it could take every
        # alert first and leave d1 nothing to die with.
        d1 = await start("d1", "deliver", TOKENS["d1"])
        await asyncio.wait_for(slow_polled.wait(), 60)
        dead = fetched_by["slow"][0]
        pollers.pop(dead).send(signal.SIGKILL)  # mid-poll: its claim on "slow" must lapse
        await asyncio.wait_for(telegram.hung.wait(), 60)
        d2 = await start("d2", "deliver", TOKENS["d2"])
        d1.send(signal.SIGKILL)  # mid-batch: a message in flight, rows claimed
        await telegram.wait_distinct(CHATS * len(BOARDS))
        # The messages d1 sent and never recorded are on the stub already; its rows are d2's
        # once their lease ends, and d2 sends them again (the repeats) and records them.
        await all_recorded(database)
        await asyncio.sleep(0.5)  # a late duplicate would arrive here
        alive = [*pollers.values(), d2]
        for bot in alive:
            bot.send(signal.SIGTERM)
        codes = await asyncio.gather(*(bot.exit_code() for bot in alive))
        assert codes == [0, 0], [bot.text[-2000:] for bot in alive]

    # Every alert reached its chat.
    delivered = [(a.chat_id, title(a.text)) for a in telegram.accepted]
    assert set(delivered) == {
        (1000 + n, f"AI Trainer {board}") for n in range(CHATS) for board in BOARDS
    }
    # d1's in flight: what it sent and had not recorded when it died (the messages the stub
    # never answered, and one it may have been recording). One a chat, each at most twice.
    by_d1 = {(a.chat_id, title(a.text)) for a in telegram.accepted if a.token == TOKENS["d1"]}
    repeated = [message for message in set(delivered) if delivered.count(message) > 1]
    assert all(delivered.count(message) == 2 for message in repeated)
    assert set(repeated) <= by_d1
    assert len({chat for chat, _ in repeated}) == len(repeated)

    db = await open_database(database)
    try:
        rows = await db.fetchall(
            """SELECT subscriptions.chat_id, postings.data_json, outbox.status FROM outbox
               JOIN subscriptions ON subscriptions.id = outbox.subscription_id
               JOIN postings ON postings.id = outbox.posting_id ORDER BY outbox.id"""
        )
    finally:
        await db.close()
    assert {row["status"] for row in rows} == {"sent"}
    # Each chat got its alerts in the outbox's order (a repeat comes right after its first).
    for n in range(CHATS):
        chat = 1000 + n
        first_seen = list(dict.fromkeys(title for c, title in delivered if c == chat))
        wanted = [json.loads(r["data_json"])["title"] for r in rows if int(r["chat_id"]) == chat]
        assert first_seen == wanted
    # The other poller took the dead one's board over when its claim's lease ran out.
    # (Boards it polled but had not written yet are polled again: nothing it learnt was kept.)
    survivor = next(name for name in ("poller-a", "poller-b") if name != dead)
    assert fetched_by["slow"] == [dead, survivor]
    assert all(fetched_by[board].count(name) <= 1 for board in BOARDS for name in fetched_by[board])
