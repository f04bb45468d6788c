"""End-to-end Telegram tests against a Bot API emulator we did not write.

The emulator is the npm package `telegram-test-api` 4.2.1 (pinned in tests/emulator), started
once per test session on a free port. Between it and the bot sits `TelegramGateway`, a thin
aiohttp proxy on 127.0.0.1 that smooths the emulator's known gaps with python-telegram-bot 22,
so the bot's own code runs unchanged against it (only `telegram.base_url` differs):

- `getMe` lacks `is_bot`                         → added
- bot messages come back dated in milliseconds   → seconds
- callback-query updates lack `chat_instance`    → added
- edit methods answer `null`                     → `true`
- `setMyCommands`, `sendChatAction`, `getChat`, `getChatMember` and unknown methods answer
  HTTP 500                                       → answered here, in Telegram's shapes
- `getUpdates` does not long-poll                → held here until updates or the timeout
- webhook calls carry no secret-token header     → relayed here, with the header
- a command needs a `bot_command` entity         → `EmulatorClient.send_command` adds it

The gateway also plays the parts of Telegram the emulator has no notion of, for chats a test
marks: a user who blocked the bot (403 Forbidden), a group upgraded to a supergroup (400 with
`migrate_to_chat_id`), a flood limit (429 with `retry_after`), chat administrators and
channels. And inline mode, which the emulator lacks entirely: `TelegramGateway.inline_query`
delivers an `inline_query` update as a person typing `@bot <text>` would cause (by
getUpdates or to the webhook), `answerInlineQuery` is answered here with Telegram's rules (one
answer per query, refused once the query is older than `inline_timeout_s`), and a result the
person sends can be pressed like any message (`press_inline`: a callback query carrying
`inline_message_id`, whose edits are answered here too). The simulated user talks to the
emulator's own client routes (`/sendMessage`, `/sendCommand`, `/sendCallback`, `/getUpdates`,
`/getUpdatesHistory`).

Fixtures: `telegram_emulator` (session), `telegram_gateway`, `emulator_client`, and
`telegram_bot`, the whole bot running against them. Their functions are named `<name>_fixture`
so that importing them (into a conftest or a test module) does not shadow the parameters.
Without Node.js the tests are skipped with the reason, except under CI (`CI=true`), where a
missing emulator fails them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
from aiohttp import web
from telegram import (
    AcceptedGiftTypes,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    User,
)

from adapters.chat.telegram_app import build_application, build_sender, start_application
from adapters.chat.telegram_chat import TelegramApplication
from bot.app import App, build_app
from bot.config import Settings
from bot.delivery.drain import OutboxDrainer
from bot.links.checker import LegitChecker
from bot.links.safefetch import SafeFetcher
from bot.services import Services

EMULATOR_DIR = Path(__file__).parent / "emulator"
EMULATOR_PACKAGE = EMULATOR_DIR / "node_modules" / "telegram-test-api"
NPM_CI_TIMEOUT_S = 300
START_TIMEOUT_S = 30
#: The emulator's getMe answers this id and username for every token.
BOT_ID = 666
BOT_USERNAME = "TestNameBot"
#: How long the gateway holds a getUpdates open at most, whatever timeout the bot asked for:
#: long enough not to spin, short enough that stopping the bot never waits on it for long.
LONG_POLL_CAP_S = 1.0
LONG_POLL_STEP_S = 0.02
#: Telegram refuses an answer to an inline query after about this long (it is not documented;
#: 10 s is what bots meet in practice). The gateway refuses late answers the same way.
INLINE_TIMEOUT_S = 10.0
#: Update ids of the updates the gateway makes itself, far above the emulator's own.
GATEWAY_UPDATE_IDS_FROM = 1_000_000
#: Methods the emulator lacks (it answers 500) that the gateway answers `true` to.
ACCEPTED_LOCALLY = frozenset(
    {"setMyCommands", "deleteMyCommands", "sendChatAction", "setMyDescription"}
)

_START_SCRIPT = r"""
const TelegramServer = require('telegram-test-api');
const port = Number(process.env.EMULATOR_PORT);
const server = new TelegramServer({port, host: '127.0.0.1', storeTimeout: 3600});
server.start().then(
  () => console.log('listening ' + port),
  (err) => { console.error(String(err)); process.exit(3); },
);
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
"""


# -- the emulator process --------------------------------------------------------------------


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail under CI, where the emulator must run."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"Telegram emulator unavailable under CI: {reason}")
    pytest.skip(f"Telegram end-to-end tests need the emulator: {reason}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _install_emulator(npm: str) -> None:
    if EMULATOR_PACKAGE.is_dir():
        return
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=EMULATOR_DIR,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        _unavailable(f"`npm ci` in {EMULATOR_DIR} took over {NPM_CI_TIMEOUT_S}s")
    if done.returncode != 0 or not EMULATOR_PACKAGE.is_dir():
        _unavailable(f"`npm ci` in {EMULATOR_DIR} failed: {done.stderr.strip()[-500:]}")


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _start_emulator(node: str) -> tuple[subprocess.Popen[str], int]:
    """Start on a port we picked (the emulator turns port 0 into 9000); a lost race for the
    port is retried on another."""
    last_error = ""
    for _ in range(3):
        port = free_port()
        process = subprocess.Popen(
            [node, "-e", _START_SCRIPT],
            cwd=EMULATOR_DIR,
            env={**os.environ, "EMULATOR_PORT": str(port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            if _port_open(port):
                return process, port
            time.sleep(0.05)  # waiting for a child process to listen, not timing a behaviour
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=10)
        last_error = stderr.strip()[-500:]
    _unavailable(f"the emulator did not start: {last_error}")


@dataclass(frozen=True, slots=True)
class Emulator:
    url: str  # http://127.0.0.1:PORT, the emulator's own routes


@pytest.fixture(scope="session", name="telegram_emulator")
def telegram_emulator_fixture() -> Iterator[Emulator]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        _unavailable("Node.js and npm are not installed (install Node 20 to run them)")
    _install_emulator(npm)
    process, port = _start_emulator(node)
    try:
        yield Emulator(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


# -- the gateway between the bot and the emulator ---------------------------------------------


def _telegram_error(status: int, description: str, **parameters: int) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


@dataclass
class TelegramGateway:
    """The emulator as python-telegram-bot 22 expects Telegram to behave (see module doc)."""

    emulator_url: str
    blocked: set[str] = field(default_factory=set)
    migrations: dict[str, int] = field(default_factory=dict)
    floods: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, list[str]] = field(default_factory=dict)
    members: dict[tuple[str, str], str] = field(default_factory=dict)
    channels: dict[str, tuple[int, str]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    webhooks: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    relay_failures: list[str] = field(default_factory=list)
    #: Inline mode: updates made here and not yet fetched, per bot token; the answers given
    #: to each inline query (its parameters, JSON fields decoded); when each query was made.
    injected: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    inline_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    inline_edits: list[dict[str, Any]] = field(default_factory=list)
    inline_timeout_s: float = INLINE_TIMEOUT_S
    _inline_asked_at: dict[str, float] = field(default_factory=dict)
    _next_update_id: int = GATEWAY_UPDATE_IDS_FROM
    _called: asyncio.Event = field(default_factory=asyncio.Event)
    _released: bool = False
    _poll_generation: int = 0  # bumped by `release_polls`: polls held before it end
    _runner: web.AppRunner | None = None
    _http: httpx.AsyncClient | None = None
    base_url: str = ""
    root_url: str = ""

    # -- what a test marks -------------------------------------------------------------------

    def block(self, chat_id: int | str) -> None:
        """The user blocked the bot, or it was removed: every call for the chat gets 403."""
        self.blocked.add(str(chat_id))

    def migrate(self, chat_id: int | str, new_chat_id: int) -> None:
        """The group became a supergroup: calls for the old id get 400 + migrate_to_chat_id."""
        self.migrations[str(chat_id)] = new_chat_id

    def flood(self, chat_id: int | str, retry_after_s: int) -> None:
        """The next call for the chat gets 429 with `retry_after`."""
        self.floods[str(chat_id)] = retry_after_s

    def refuse(self, chat_id: int | str, *descriptions: str) -> None:
        """The next sendMessage calls for the chat get 400 with these descriptions, in turn
        (a message Telegram will not take: bad markup, a button URL it refuses)."""
        self.refusals[str(chat_id)] = list(descriptions)

    def set_member(self, chat_id: int | str, user_id: int, status: str) -> None:
        """`status`: creator, administrator, member or left (the default is member);
        `administrator:no_post` is a channel administrator without the right to post."""
        self.members[(str(chat_id), str(user_id))] = status

    def add_channel(self, username: str, chat_id: int, title: str) -> None:
        self.channels[username.lstrip("@").lower()] = (chat_id, title)

    # -- inline mode -------------------------------------------------------------------------

    async def inline_query(
        self, token: str, user: dict[str, Any], query: str, *, chat_type: str = "private"
    ) -> str:
        """`user` types `@bot <query>` in a chat of `chat_type`; the id of the inline query."""
        query_id = str(uuid.uuid4().int % 10**18)
        self._inline_asked_at[query_id] = time.monotonic()
        inline = {
            "id": query_id,
            "from": user,
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        await self._deliver(token, {"inline_query": inline})
        return query_id

    async def press_inline(
        self, token: str, user: dict[str, Any], inline_message_id: str, data: str
    ) -> None:
        """`user` taps a button of a message sent through inline mode (it has no chat the bot
        can see: the callback query carries `inline_message_id` instead of `message`)."""
        callback = {
            "id": str(uuid.uuid4().int % 10**18),
            "from": user,
            "inline_message_id": inline_message_id,
            "chat_instance": "inline",
            "data": data,
        }
        await self._deliver(token, {"callback_query": callback})

    async def wait_for_inline_answer(
        self, query_id: str, *, timeout_s: float = 20.0
    ) -> dict[str, Any]:
        """The bot's answerInlineQuery for the query, once it came (accepted or refused)."""
        async with asyncio.timeout(timeout_s):
            while query_id not in self.inline_answers:
                self._called.clear()
                await self._called.wait()
        return self.inline_answers[query_id]

    async def _deliver(self, token: str, body: dict[str, Any]) -> None:
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        if token in self.webhooks:
            url, secret = self.webhooks[token]
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            assert self._http is not None
            response = await self._http.post(url, json=update, headers=headers)
            response.raise_for_status()
            return
        self.injected.setdefault(token, []).append(update)

    def _answer_inline_query(self, params: dict[str, str]) -> web.Response:
        query_id = params.get("inline_query_id", "")
        asked_at = self._inline_asked_at.pop(query_id, None)
        answer: dict[str, Any] = {
            key: json.loads(value) if key in {"results", "button"} else value
            for key, value in params.items()
        }
        too_old = asked_at is None or time.monotonic() - asked_at > self.inline_timeout_s
        answer["accepted"] = not too_old
        self.inline_answers[query_id] = answer
        if too_old:
            return _telegram_error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        return _ok(True)

    def sent(self, method: str) -> list[dict[str, str]]:
        return [params for name, params in self.calls if name == method]

    async def wait_for_calls(
        self, method: str, count: int, *, timeout_s: float = 20.0
    ) -> list[dict[str, str]]:
        """The bot's calls of `method` once there are `count` of them (answers to buttons,
        which leave no message behind)."""
        async with asyncio.timeout(timeout_s):
            while len(self.sent(method)) < count:
                self._called.clear()
                await self._called.wait()
        return self.sent(method)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/relay/{token}", self._relay)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self._http = httpx.AsyncClient(base_url=self.emulator_url, timeout=10)
        self.root_url = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.root_url}/bot"
        return self.base_url

    def release_polls(self) -> None:
        """Answer held getUpdates calls now, so a stopping bot is not kept waiting on one.
        A call held before this never polls the emulator again, even once polls are held
        anew: its bot has stopped, and an update it took would be lost to the next bot."""
        self._released = True
        self._poll_generation += 1

    def hold_polls(self) -> None:
        """Hold getUpdates calls again, for a bot starting after another one stopped."""
        self._released = False

    async def close(self) -> None:
        self.release_polls()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.aclose()

    # -- requests ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params: dict[str, str] = dict(request.query)
        if request.content_type == "application/json":
            params.update(
                {
                    k: v if isinstance(v, str) else json.dumps(v)
                    for k, v in (await request.json()).items()
                }
            )
        elif request.can_read_body:
            params.update({k: str(v) for k, v in (await request.post()).items()})
        self.calls.append((method, params))
        self._called.set()
        chat_id = params.get("chat_id")
        if chat_id is not None:
            refused = self._refusal(method, chat_id)
            if refused is not None:
                return refused
        local = self._answer_locally(method, params)
        if local is not None:
            return local
        if method == "getUpdates":
            return await self._long_poll(token, params)
        if method == "setWebhook":
            # The emulator posts updates without Telegram's secret-token header; it posts them
            # to the gateway's relay instead, which adds the header on the way to the bot.
            self.webhooks[token] = (params["url"], params.get("secret_token"))
            params = {**params, "url": f"{self.root_url}/relay/{token}"}
        return await self._forward(token, method, params)

    async def _relay(self, request: web.Request) -> web.Response:
        """An update the emulator pushes to a webhook, delivered as Telegram delivers it.

        Always answers 200: the emulator does not await its webhook call, and a refusal there
        would crash the whole emulator process with an unhandled rejection."""
        token = request.match_info["token"]
        url, secret = self.webhooks[token]
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        update = self._fix_update(await request.json())
        assert self._http is not None
        try:
            response = await self._http.post(url, json=update, headers=headers)
            if response.status_code != 200:
                self.relay_failures.append(f"{url}: HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            self.relay_failures.append(f"{url}: {exc!r}")
        return web.Response(status=200)

    def _refusal(self, method: str, chat_id: str) -> web.Response | None:
        if method in {"getChat", "getChatMember"}:
            return None
        if chat_id in self.blocked:
            return _telegram_error(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.migrations:
            return _telegram_error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrations[chat_id],
            )
        if method == "sendMessage" and self.refusals.get(chat_id):
            return _telegram_error(400, self.refusals[chat_id].pop(0))
        if chat_id in self.floods:
            retry_after = self.floods.pop(chat_id)
            return _telegram_error(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        return None

    def _answer_locally(self, method: str, params: dict[str, str]) -> web.Response | None:
        if method == "answerInlineQuery":
            return self._answer_inline_query(params)
        if method.startswith("editMessage") and "inline_message_id" in params:
            self.inline_edits.append(
                {k: json.loads(v) if k == "reply_markup" else v for k, v in params.items()}
            )
            return _ok(True)
        if method == "setMyCommands":
            language = params.get("language_code", "")
            self.commands[language] = json.loads(params["commands"])
            return _ok(True)
        if method in ACCEPTED_LOCALLY:
            return _ok(True)
        if method == "getChat":
            return self._get_chat(params["chat_id"])
        if method == "getChatMember":
            return self._get_chat_member(params["chat_id"], params["user_id"])
        return None

    def _get_chat(self, chat_id: str) -> web.Response:
        known = self.channels.get(chat_id.lstrip("@").lower())
        if known is None:
            return _telegram_error(400, "Bad Request: chat not found")
        numeric_id, title = known
        gifts = AcceptedGiftTypes(False, False, False, False, False)
        info = ChatFullInfo(
            id=numeric_id,
            type="channel",
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types=gifts,
            title=title,
            username=chat_id.lstrip("@"),
        )
        return _ok(info.to_dict())

    def _get_chat_member(self, chat_id: str, user_id: str) -> web.Response:
        status = self.members.get((chat_id, user_id), "member")
        user = User(int(user_id), "Member", is_bot=int(user_id) == BOT_ID)
        if status == "creator":
            member: Any = ChatMemberOwner(user, is_anonymous=False)
        elif status.startswith("administrator"):
            member = ChatMemberAdministrator(
                user,
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=True,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=True,
                can_edit_stories=True,
                can_delete_stories=True,
                can_post_messages=status != "administrator:no_post",
            )
        elif status == "left":
            member = ChatMemberLeft(user)
        else:
            member = ChatMemberMember(user)
        return _ok(member.to_dict())

    async def _long_poll(self, token: str, params: dict[str, str]) -> web.Response:
        """The emulator answers getUpdates at once; hold the call like Telegram does."""
        deadline = time.monotonic() + min(float(params.get("timeout", "0") or 0), LONG_POLL_CAP_S)
        generation = self._poll_generation
        while True:
            if generation != self._poll_generation:
                return _ok([])  # released for a stopping bot: leave the updates to the next
            response = await self._emulator(token, "getUpdates", params)
            updates = response.json().get("result") or []
            updates += self.injected.pop(token, [])
            if updates or self._released or time.monotonic() >= deadline:
                return _ok([self._fix_update(update) for update in updates])
            await asyncio.sleep(LONG_POLL_STEP_S)

    async def _forward(self, token: str, method: str, params: dict[str, str]) -> web.Response:
        response = await self._emulator(token, method, params)
        if response.status_code >= 500:
            description = response.json().get("message", "")
            if "is not supported" in description:
                return _telegram_error(404, "Not Found: method not found")
            return _telegram_error(500, f"Internal Server Error: {description}")
        body = response.json()
        result = body.get("result")
        if method == "getMe":
            result = {
                **result,
                "is_bot": True,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,  # /setinline was sent to BotFather
            }
        elif method.startswith("editMessage") and result is None:
            result = True
        elif isinstance(result, dict) and "message_id" in result:
            result = self._fix_bot_message(result)
        if not body.get("ok", False):
            return web.json_response(body, status=response.status_code)
        return _ok(result)

    async def _emulator(self, token: str, method: str, params: dict[str, str]) -> httpx.Response:
        assert self._http is not None, "gateway not started"
        return await self._http.post(f"/bot{token}/{method}", data=params)

    # -- reshaping the emulator's answers ----------------------------------------------------

    @staticmethod
    def _fix_bot_message(message: dict[str, Any]) -> dict[str, Any]:
        """A message the bot sent, as Telegram returns it: dated in seconds, with its chat
        and sender, and without the request's own fields echoed back."""
        chat_id = int(message.get("chat_id") or message["chat"]["id"])
        fixed: dict[str, Any] = {
            "message_id": message["message_id"],
            "date": int(message["date"]) // 1000
            if int(message["date"]) > 10**11
            else message["date"],
            "chat": {"id": chat_id, "type": _chat_type(chat_id)},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot", "username": BOT_USERNAME},
            "text": message.get("text", ""),
        }
        markup = message.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            fixed["reply_markup"] = markup
        return fixed

    @staticmethod
    def _fix_update(update: dict[str, Any]) -> dict[str, Any]:
        for key in ("message", "callback_query"):
            if key in update:
                update[key].pop("botToken", None)
        query = update.get("callback_query")
        if query is not None:
            message = query.get("message") or {}
            query.setdefault("chat_instance", str((message.get("chat") or {}).get("id", 0)))
        return update


@pytest.fixture(name="telegram_gateway")
async def telegram_gateway_fixture(telegram_emulator: Emulator) -> AsyncIterator[TelegramGateway]:
    gateway = TelegramGateway(telegram_emulator.url)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.close()


# -- the simulated user ----------------------------------------------------------------------


WORD_JOINER = "\u2060"
#: The tags of Telegram's HTML parse mode our messages may use: bold, italics and links.
ALLOWED_TAGS = frozenset({"b", "i", "a"})


class TelegramHTML(HTMLParser):
    """Reads a message the way Telegram's HTML parse mode does: tags, links, visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self._parts: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    @property
    def visible(self) -> str:
        """What the reader sees once the markup is parsed away (word joiners, which keep an
        "@name" from being a mention, are invisible)."""
        return "".join(self._parts).replace(WORD_JOINER, "")


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def group_chat(chat_id: int, title: str = "AI trainers") -> dict[str, Any]:
    return {
        "id": chat_id,
        "type": "supergroup" if str(chat_id).startswith("-100") else "group",
        "title": title,
    }


def person(user_id: int, first_name: str = "Ana", language_code: str = "es") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": language_code,
    }


@dataclass(frozen=True, slots=True)
class BotMessage:
    """A message the bot sent, as the emulator stored it (the raw sendMessage parameters)."""

    message_id: int
    chat_id: str
    text: str
    parse_mode: str | None
    keyboard: list[list[dict[str, Any]]]
    raw: dict[str, Any]

    @classmethod
    def of(cls, item: dict[str, Any]) -> BotMessage:
        message = item["message"]
        markup = message.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return cls(
            message_id=int(item["messageId"]),
            chat_id=str(message["chat_id"]),
            text=message.get("text", ""),
            parse_mode=message.get("parse_mode"),
            keyboard=markup.get("inline_keyboard", []),
            raw=message,
        )

    def button(self, label_part: str) -> dict[str, Any]:
        for row in self.keyboard:
            for button in row:
                if label_part.lower() in button["text"].lower():
                    return dict(button)
        raise AssertionError(f"no button like {label_part!r} in {self.keyboard}")

    def as_chat_message(self, chat: dict[str, Any]) -> dict[str, Any]:
        """The message as Telegram would embed it in a callback query."""
        body: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"},
            "text": self.text,
        }
        if self.keyboard:
            body["reply_markup"] = {"inline_keyboard": self.keyboard}
        return body


class EmulatorClient:
    """A person using Telegram: writes to the bot and reads what the bot sent back."""

    def __init__(self, emulator_url: str, token: str) -> None:
        self.token = token
        self._http = httpx.AsyncClient(base_url=emulator_url, timeout=10)

    async def aclose(self) -> None:
        await self._http.aclose()

    def _common(self, user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        return {"botToken": self.token, "from": user, "chat": chat, "date": int(time.time())}

    async def send_message(
        self, user: dict[str, Any], chat: dict[str, Any], text: str, **extra: Any
    ) -> None:
        body = {**self._common(user, chat), "text": text, **extra}
        (await self._http.post("/sendMessage", json=body)).raise_for_status()

    async def send_command(
        self, user: dict[str, Any], chat: dict[str, Any], text: str, **extra: Any
    ) -> None:
        command = text.split(maxsplit=1)[0]
        entities = [{"offset": 0, "length": len(command), "type": "bot_command"}]
        body = {**self._common(user, chat), "text": text, "entities": entities, **extra}
        (await self._http.post("/sendCommand", json=body)).raise_for_status()

    async def press(
        self, user: dict[str, Any], chat: dict[str, Any], message: BotMessage, label_part: str
    ) -> None:
        """Tap a button of a message the bot sent."""
        data = message.button(label_part)["callback_data"]
        body = {
            "botToken": self.token,
            "from": user,
            "message": message.as_chat_message(chat),
            "data": data,
        }
        (await self._http.post("/sendCallback", json=body)).raise_for_status()

    async def new_bot_messages(self, chat_id: int | str) -> list[BotMessage]:
        response = await self._http.post(
            "/getUpdates", json={"token": self.token, "chatId": str(chat_id)}
        )
        response.raise_for_status()
        return [BotMessage.of(item) for item in response.json()["result"]]

    async def history(self) -> list[BotMessage]:
        """Every message the bot sent, as it reads now (edits applied)."""
        response = await self._http.post("/getUpdatesHistory", json={"token": self.token})
        response.raise_for_status()
        items = response.json()["result"]
        return [BotMessage.of(item) for item in items if "chat_id" in item.get("message", {})]

    async def wait_for(
        self, chat_id: int | str, count: int = 1, *, timeout_s: float = 20.0
    ) -> list[BotMessage]:
        """The next `count` messages the bot sends to the chat; fails after `timeout_s`."""
        received: list[BotMessage] = []
        deadline = time.monotonic() + timeout_s
        while len(received) < count:
            received += await self.new_bot_messages(chat_id)
            if len(received) >= count:
                break
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"bot sent {len(received)}/{count} messages to {chat_id}: {received}"
                )
            await asyncio.sleep(0.02)  # polling the emulator for a condition, not timing
        return received

    async def wait_until(
        self, condition: Callable[[list[BotMessage]], bool], *, timeout_s: float = 20.0
    ) -> list[BotMessage]:
        """The bot's history once `condition` holds for it (an edit landed, say)."""
        deadline = time.monotonic() + timeout_s
        while True:
            history = await self.history()
            if condition(history):
                return history
            if time.monotonic() > deadline:
                raise AssertionError(f"condition never held; history: {history}")
            await asyncio.sleep(0.02)


def new_token() -> str:
    """A fresh bot token per test: the emulator keeps each token's messages apart."""
    return f"{int(uuid.uuid4().int % 10**9)}:TEST{uuid.uuid4().hex}"


@pytest.fixture(name="emulator_client")
async def emulator_client_fixture(telegram_emulator: Emulator) -> AsyncIterator[EmulatorClient]:
    client = EmulatorClient(telegram_emulator.url, new_token())
    try:
        yield client
    finally:
        await client.aclose()


# -- the whole bot, against the emulator -----------------------------------------------------


class LoopbackOnlyResolver:
    """Name resolution for link checks in these tests: 127.0.0.1 and nothing else."""

    async def resolve(self, host: str, port: int) -> list[str]:
        if host != "127.0.0.1":
            raise AssertionError(f"a test tried to reach {host}:{port}")
        return ["127.0.0.1"]


@dataclass
class TelegramHarness:
    """The real bot (store, checkers, services, PTB Application, sender and outbox drainer)
    running against the emulator, with the gateway and a simulated user at hand."""

    app: App
    application: TelegramApplication
    gateway: TelegramGateway
    client: EmulatorClient
    drainer: OutboxDrainer

    @property
    def services(self) -> Services:
        return self.app.services


@contextlib.asynccontextmanager
async def running_bot(
    gateway: TelegramGateway, client: EmulatorClient, tmp_path: Path, **telegram: object
) -> AsyncIterator[TelegramHarness]:
    """The whole bot over a fresh store, talking to the emulator through the gateway;
    `telegram` overrides settings of the `[telegram]` section (webhook mode, say)."""
    settings = Settings.model_validate(
        {
            "storage": {"database": str(tmp_path / "vigia.db")},
            "telegram": {"token": client.token, "base_url": gateway.base_url, **telegram},
        }
    )
    app = await build_app(settings)
    # Link checks read only pages served on 127.0.0.1 by the test, on any port; a link to any
    # other host fails the test instead of reaching the network.
    fetcher = SafeFetcher(resolver=LoopbackOnlyResolver(), allow_loopback=True, allowed_ports=None)
    app.services = Services.build(
        db=app.db,
        linkchecker=LegitChecker(fetcher=fetcher, checker=app.checker, db=app.db, cache_ttl_s=0),
    )
    application = build_application(settings, app.services)
    gateway.hold_polls()
    stop = await start_application(application, settings)
    drainer = app.drainer({"telegram": build_sender(application)})
    try:
        yield TelegramHarness(app, application, gateway, client, drainer)
    finally:
        gateway.release_polls()
        await stop()
        await fetcher.aclose()
        await app.aclose()


@pytest.fixture(name="telegram_bot")
async def telegram_bot_fixture(
    telegram_gateway: TelegramGateway, emulator_client: EmulatorClient, tmp_path: Path
) -> AsyncIterator[TelegramHarness]:
    async with running_bot(telegram_gateway, emulator_client, tmp_path) as harness:
        yield harness
