"""A local Telegram Bot API stub for delivery tests: `getMe`, `sendMessage` and
`editMessageText`, with Telegram's limits enforced on both (30 messages in any second, one a
second in a chat; 429 with `retry_after` beyond them), every accepted message recorded with the
token (the process) that sent it, and every edit with the message it changed. An edit of a
message that does not exist is refused ("message to edit not found"), one that changes
nothing is refused as Telegram does ("message is not modified").

`hang_after(token, n)`: after `n` answered messages from that token, the stub accepts its next
ones and never answers them (`hung` is set): the message reached the chat, the sender never
learns it; what a sender killed mid-send leaves behind.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

GLOBAL_PER_S = 30


@dataclass(frozen=True, slots=True)
class Accepted:
    token: str
    chat_id: int
    text: str
    answered: bool


@dataclass(frozen=True, slots=True)
class Edited:
    token: str
    chat_id: int
    message_id: int
    text: str
    parse_mode: str


@dataclass
class TelegramStub:
    base_url: str = ""
    #: The time the limits are kept in: a test whose pacer runs on a fake clock gives the
    #: stub the same clock, so a wait for the next slot costs no real time.
    clock: Callable[[], float] = time.monotonic
    accepted: list[Accepted] = field(default_factory=list)
    edited: list[Edited] = field(default_factory=list)
    #: Each message's text as the chat shows it now, by message id.
    shown: dict[int, str] = field(default_factory=dict)
    refused: int = 0
    _recent: deque[float] = field(default_factory=deque)
    _last_in_chat: dict[int, float] = field(default_factory=dict)
    _hang_after: dict[str, int] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    hung: asyncio.Event = field(default_factory=asyncio.Event)
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    def hang_after(self, token: str, answered: int) -> None:
        self._hang_after[token] = answered

    async def wait_for(self, count: int, timeout_s: float = 60.0) -> None:
        """Until `count` messages were accepted."""
        await self._until(lambda: len(self.accepted) >= count, timeout_s)

    async def wait_distinct(self, count: int, timeout_s: float = 60.0) -> None:
        """Until `count` different (chat, text) messages were accepted."""
        await self._until(
            lambda: len({(a.chat_id, a.text) for a in self.accepted}) >= count, timeout_s
        )

    async def _until(self, done: Callable[[], bool], timeout_s: float) -> None:
        async with asyncio.timeout(timeout_s):
            while not done():
                self.changed.clear()
                await self.changed.wait()

    def _hangs(self, token: str) -> bool:
        limit = self._hang_after.get(token)
        if limit is None:
            return False
        answered = sum(1 for a in self.accepted if a.token == token and a.answered)
        return answered >= limit

    def _refuse(self, wait_s: float) -> web.Response:
        self.refused += 1
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

    async def handle(self, request: web.Request) -> web.StreamResponse:
        token, _, method = request.path.removeprefix("/bot").partition("/")
        if method == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "Vigia", "username": "vigia_test_bot"}
            return web.json_response({"ok": True, "result": me})
        if method not in {"sendMessage", "editMessageText"}:
            return web.json_response({"ok": True, "result": True})
        fields = (
            dict(await request.post())
            if request.content_type != "application/json"
            else (await request.json())
        )
        chat_id = int(str(fields["chat_id"]))
        now = self.clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= GLOBAL_PER_S:
            return self._refuse(self._recent[0] + 1.0 - now)
        if now - self._last_in_chat.get(chat_id, -10.0) < 1.0:
            return self._refuse(self._last_in_chat[chat_id] + 1.0 - now)
        self._recent.append(now)
        self._last_in_chat[chat_id] = now
        if method == "editMessageText":
            return self._edit(token, chat_id, fields)
        hangs = self._hangs(token)
        self.accepted.append(Accepted(token, chat_id, str(fields.get("text", "")), not hangs))
        self.changed.set()
        if hangs:
            self.hung.set()
            await self.closing.wait()  # never answered: the sender is being killed
        chat = {"id": chat_id, "type": "private", "first_name": "test"}
        self.shown[len(self.accepted)] = str(fields.get("text", ""))
        result = {"message_id": len(self.accepted), "date": int(time.time()), "chat": chat}
        return web.json_response({"ok": True, "result": result})

    def _edit(self, token: str, chat_id: int, fields: dict[str, object]) -> web.Response:
        message_id = int(str(fields["message_id"]))
        text = str(fields.get("text", ""))
        sent = self.accepted[message_id - 1] if 0 < message_id <= len(self.accepted) else None
        if sent is None or sent.chat_id != chat_id:
            return _bad_request("Bad Request: message to edit not found")
        if self.shown.get(message_id) == text:
            return _bad_request(
                "Bad Request: message is not modified: specified new message content and"
                " reply markup are exactly the same as a current content and reply markup"
            )
        self.shown[message_id] = text
        self.edited.append(
            Edited(token, chat_id, message_id, text, str(fields.get("parse_mode", "")))
        )
        self.changed.set()
        return web.json_response({"ok": True, "result": True})


def _bad_request(description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": 400, "description": description}, status=400
    )


@asynccontextmanager
async def telegram_stub(
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[TelegramStub]:
    stub = TelegramStub(clock=clock)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stub.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    stub.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    try:
        yield stub
    finally:
        stub.closing.set()
        await runner.cleanup()
