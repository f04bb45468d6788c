"""SIGTERM and SIGKILL while the real `python -m bot run` delivers 1,000 queued alerts to
Telegram.

A local stand-in for the Bot API answers every call and holds one `sendMessage` open: the
signal arrives while that message is on the wire.

SIGTERM: the bot must finish it, record it, hand every other claimed alert back at once (none
left waiting out a lease), exit 0 within the 10 s a supervisor allows, and have sent nothing
twice: every message the "platform" got is exactly one `sent` row, every other alert is
`pending` and due.

SIGKILL: nothing can be finished, so the message on the wire reached the chat unrecorded. A
restart (with a short `[outbox] lease_s`, so the dead process's claim lapses in a second)
sends it again and records it; nothing is lost, and that one message is the only repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.models import ChatRef
from bot.store import open_database
from tests.process_helpers import BotRun, bot_env
from tests.sources_helpers import local_server
from tests.test_outbox import add_alerts

TOKEN = "123456:AAH-telegram-secret-token-for-tests"
CHATS, PER_CHAT = 50, 20  # 1,000 alerts
HOLD_AT = 10  # the tenth message is the one on the wire when the signal comes


@dataclass
class BotApi:
    """Enough of the Bot API for a bot that only sends: the held message waits for `go_on`."""

    url: str = ""
    sent: list[tuple[str, str, int]] = field(default_factory=list)  # chat, text, message id
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    go_on: asyncio.Event = field(default_factory=asyncio.Event)
    #: While the held message waits, answer every other send with a 429 (so that the one
    #: held is the only message on the wire when the process is killed).
    busy_while_holding: bool = False
    resent: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["tail"].rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(await request.post())
        if not params and request.can_read_body:
            with contextlib.suppress(ValueError):
                params = await request.json()
        if method == "getMe":
            return ok({"id": 1, "is_bot": True, "first_name": "Vigia", "username": "vigia_bot"})
        if method == "getUpdates":
            await asyncio.sleep(0.2)  # a long poll, kept short: nothing to receive
            return ok([])
        if method != "sendMessage":
            return ok(True)
        if self.busy_while_holding and self.holding.is_set() and not self.go_on.is_set():
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests",
                 "parameters": {"retry_after": 1}},
                status=429,
            )
        number = len(self.sent) + 1
        message = (str(params["chat_id"]), str(params["text"]))
        if number > HOLD_AT and message == self.sent[HOLD_AT - 1][:2]:
            self.resent.set()
        self.sent.append((*message, number))
        if number == HOLD_AT:
            self.holding.set()
            await self.go_on.wait()
        chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "A"}
        return ok({"message_id": number, "date": int(time.time()), "chat": chat, "text": "x"})


def ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


@contextlib.asynccontextmanager
async def bot_api() -> AsyncIterator[BotApi]:
    api = BotApi()
    async with local_server(api.handle) as port:
        api.url = f"http://127.0.0.1:{port}/bot"
        try:
            yield api
        finally:
            api.go_on.set()


async def queue_alerts(database: Path) -> None:
    """1,000 alerts waiting: 20 for each of 50 Telegram chats."""
    db = await open_database(str(database))
    try:
        for chat in range(1, CHATS + 1):
            titles = [f"AI Trainer {chat}-{n}" for n in range(PER_CHAT)]
            await add_alerts(db, ChatRef("telegram", str(chat)), titles)
    finally:
        await db.close()


def write_config(path: Path, database: Path, api_url: str, outbox: str = "") -> Path:
    path.write_text(
        f'log_level = "INFO"\n[storage]\ndatabase = "{database}"\n'
        f'[outbox]\ndrain_interval_s = 0.5\n{outbox}[telegram]\nbase_url = "{api_url}"\n',
        encoding="utf-8",
    )
    return path


async def outbox_rows(database: Path) -> tuple[list[Any], float]:
    db = await open_database(str(database))
    try:
        rows = await db.fetchall(
            "SELECT status, message_id, next_attempt_at, claimed_until, claimed_by FROM outbox"
        )
        return rows, db.clock()
    finally:
        await db.close()


async def test_sigterm_while_1000_alerts_go_out_finishes_the_one_in_flight_and_repeats_none(
    tmp_path: Path,
) -> None:
    database = tmp_path / "vigia.db"
    await queue_alerts(database)

    async with bot_api() as api:
        config = write_config(tmp_path / "config.toml", database, api.url)
        async with BotRun(config, env=bot_env(TELEGRAM_TOKEN=TOKEN)) as bot:
            await bot.wait_for_log("Vigia running")
            await api.holding.wait()
            signalled = time.monotonic()
            bot.send(signal.SIGTERM)
            await bot.wait_for_log("stopping (SIGTERM)")
            api.go_on.set()  # the message on the wire gets its answer only now
            code = await bot.exit_code()
            stop_s = time.monotonic() - signalled

    rows, now = await outbox_rows(database)

    assert code == 0, bot.text
    assert stop_s < 10.0
    assert "Traceback" not in bot.text and TOKEN not in bot.text
    statuses = [row[0] for row in rows]
    assert len(rows) == CHATS * PER_CHAT
    assert set(statuses) == {"sent", "pending"}  # nothing left claimed until a lease ends
    delivered = sorted(int(row[1]) for row in rows if row[0] == "sent")
    assert delivered == [number for _chat, _text, number in api.sent]  # incl. the held one
    assert HOLD_AT in delivered
    assert len({(chat, text) for chat, text, _ in api.sent}) == len(api.sent)  # none twice
    assert all(row[2] <= now for row in rows if row[0] == "pending")  # due at the next start
    print(json.dumps({"sent_before_stop": len(api.sent), "stop_s": round(stop_s, 2)}))


async def sent_rows(database: Path) -> int:
    db = await open_database(str(database))
    try:
        return int(await db.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"))
    finally:
        await db.close()


async def test_sigkill_while_1000_alerts_go_out_loses_none_and_repeats_only_the_one_in_flight(
    tmp_path: Path,
) -> None:
    database = tmp_path / "vigia.db"
    await queue_alerts(database)

    async with bot_api() as api:
        api.busy_while_holding = True
        # A batch big enough for ten chats side by side; a lease that lapses in a second.
        config = write_config(
            tmp_path / "config.toml", database, api.url, "batch_size = 200\nlease_s = 1\n"
        )
        env = bot_env(TELEGRAM_TOKEN=TOKEN)
        async with BotRun(config, env=env) as first:
            await first.wait_for_log("Vigia running")
            await api.holding.wait()
            # The messages answered before the held one are recorded (else they would be
            # in flight too); then the process dies with only the held one on the wire.
            async with asyncio.timeout(30):
                while await sent_rows(database) < HOLD_AT - 1:  # noqa: ASYNC110 (another process writes it: no event to wait on)
                    await asyncio.sleep(0.05)
            first.send(signal.SIGKILL)
            assert await first.exit_code() == -signal.SIGKILL
        api.go_on.set()

        async with BotRun(config, env=env) as second:
            await second.wait_for_log("Vigia running")
            async with asyncio.timeout(30):
                await api.resent.wait()  # the killed process's claim lapsed and was taken
            second.send(signal.SIGTERM)
            assert await second.exit_code() == 0, second.text

    rows, now = await outbox_rows(database)
    assert len(rows) == CHATS * PER_CHAT
    # None lost: every row is sent, pending and due, or still claimed by the dead process
    # with its lease run out, so the next start takes it at once. (The restart takes the
    # lapsed rows a claim at a time, oldest first, and may be stopped before it reaches them
    # all; what it claimed itself it hands back.)
    assert {row[0] for row in rows} <= {"sent", "pending", "sending"}
    assert all(row[2] <= now for row in rows if row[0] == "pending")
    dead = re.search(r"Vigia running as (\S+)", first.text)
    assert dead is not None
    assert all(row[3] < now and row[4] == dead.group(1) for row in rows if row[0] == "sending")
    recorded = sorted(int(row[1]) for row in rows if row[0] == "sent")
    numbers = [number for _chat, _text, number in api.sent]
    assert set(numbers) - set(recorded) == {HOLD_AT}  # every other message is one sent row
    assert len(recorded) == len(set(recorded))
    messages = [(chat, text) for chat, text, _ in api.sent]
    repeated = {message for message in messages if messages.count(message) > 1}
    assert repeated == {api.sent[HOLD_AT - 1][:2]}  # only the one in flight, once more
    assert messages.count(api.sent[HOLD_AT - 1][:2]) == 2
    assert "Traceback" not in second.text and TOKEN not in first.text + second.text
    print(json.dumps({"sent": len(api.sent), "recorded": len(recorded)}))
