"""A local stand-in for Discord's REST API, and builders for the payloads Discord sends.

`DiscordStub` is an aiohttp server on 127.0.0.1 that answers the calls the bot makes
(`/users/@me`, `/oauth2/applications/@me`, command sync, interaction callbacks, follow-ups,
channel messages) and records every request with its JSON body, so a test can assert on
exactly what the bot sent. Tests point discord.py at it through `Route.BASE` (the client
factory does so from `settings.discord.api_base`) and feed interactions through the same
parser the gateway uses. Answers carry a Content-Type of exactly `application/json`, the
only one discord.py decodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from aiohttp import web
from discord.http import Route

if TYPE_CHECKING:
    from adapters.chat.discord_app import VigiaClient
    from bot.app import App
    from bot.config import Settings
    from bot.links.safefetch import SafeFetcher

API_PREFIX = "/api/v10"
APPLICATION_ID = 700000000000000001
BOT_USER_ID = APPLICATION_ID
GUILD_ID = 700000000000000100
CHANNEL_ID = 700000000000000200
USER_ID = 700000000000000300
OWNER_ID = 700000000000000400
MANAGE_CHANNELS = 1 << 4
VIEW_AND_SEND = (1 << 10) | (1 << 11) | (1 << 14)
TIMESTAMP = "2025-01-15T12:00:00.000000+00:00"

_snowflakes = itertools.count(800000000000000000)


def snowflake() -> str:
    return str(next(_snowflakes))


def user_payload(user_id: int = USER_ID, name: str = "ana", *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
    }


BOT_USER = user_payload(BOT_USER_ID, "vigia", bot=True)
APPLICATION = {
    "id": str(APPLICATION_ID),
    "name": "Vigia",
    "description": "",
    "icon": None,
    "bot_public": True,
    "bot_require_code_grant": False,
    "owner": user_payload(OWNER_ID, "owner"),
    "verify_key": "0" * 64,
    "flags": 0,
}


def message_payload(
    *,
    channel_id: int | str = CHANNEL_ID,
    content: str = "",
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    author: dict[str, Any] | None = None,
    message_id: str | None = None,
    flags: int = 0,
) -> dict[str, Any]:
    """A message object as Discord returns it."""
    return {
        "id": message_id or snowflake(),
        "channel_id": str(channel_id),
        "type": 0,
        "content": content,
        "author": author or BOT_USER,
        "attachments": [],
        "embeds": embeds or [],
        "components": components or [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "flags": flags,
    }


def _channel(channel_id: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "jobs",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
    }


#: Where an interaction happens, and who installed the bot there (Discord's `context` and
#: `authorizing_integration_owners`):
#: - "server": a server channel, the server added the bot (the default);
#: - "server_user_install": a server channel of a server that never added the bot, through
#:   the person's own install;
#: - "dm": the person's DM with the bot, through their own install;
#: - "other_dm": a DM with someone else, through the person's own install;
#: - "group_dm": a group DM, through the person's own install.
WHERE = ("server", "server_user_install", "dm", "other_dm", "group_dm")
DM_CHANNEL_ID = 700000000000000210
GROUP_DM_CHANNEL_ID = 700000000000000220
STRANGER_ID = 700000000000000666


def _private_channel(where: str, user_id: int) -> dict[str, Any]:
    if where == "group_dm":
        return {
            "id": str(GROUP_DM_CHANNEL_ID),
            "type": 3,
            "name": "job offers",
            "icon": None,
            "owner_id": str(STRANGER_ID),
            "recipients": [user_payload(STRANGER_ID, "recruiter")],
        }
    other = BOT_USER_ID if where == "dm" else STRANGER_ID
    return {
        "id": str(DM_CHANNEL_ID),
        "type": 1,
        "recipients": [user_payload(other, "vigia" if where == "dm" else "recruiter")],
    }


def interaction_payload(
    interaction_type: int,
    data: dict[str, Any],
    *,
    locale: str = "es-ES",
    guild_locale: str | None = None,
    permissions: int = VIEW_AND_SEND,
    channel_id: int = CHANNEL_ID,
    user_id: int = USER_ID,
    message: dict[str, Any] | None = None,
    where: str = "server",
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload from a member of GUILD_ID in `channel_id`, or from a
    person using their own install of the bot elsewhere (`where`, see WHERE).

    `permissions` are the member's resolved permissions in that channel, which is what
    Discord sends and what `app_commands.checks.has_permissions` reads.
    """
    assert where in WHERE, where
    if where in {"dm", "other_dm", "group_dm"}:
        data.pop("guild_id", None)
        private: dict[str, Any] = {
            "id": snowflake(),
            "application_id": str(APPLICATION_ID),
            "type": interaction_type,
            "data": data,
            "channel": _private_channel(where, user_id),
            "channel_id": _private_channel(where, user_id)["id"],
            "user": user_payload(user_id),
            "token": "itoken-" + snowflake(),
            "version": 1,
            "locale": locale,
            "app_permissions": str(VIEW_AND_SEND),
            "attachment_size_limit": 8 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {"1": str(user_id)},
            "context": 1 if where == "dm" else 2,
        }
        if message is not None:
            private["message"] = message
        return private
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": str(APPLICATION_ID),
        "type": interaction_type,
        "data": data,
        "guild_id": str(GUILD_ID),
        "guild": {"id": str(GUILD_ID), "locale": guild_locale or locale, "features": []},
        "channel": _channel(channel_id),
        "channel_id": str(channel_id),
        "member": {
            "user": user_payload(user_id),
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        },
        "token": "itoken-" + snowflake(),
        "version": 1,
        "locale": locale,
        "guild_locale": guild_locale or locale,
        "app_permissions": str(VIEW_AND_SEND),
        "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
    }
    if where == "server_user_install":
        payload["authorizing_integration_owners"] = {"1": str(user_id)}
    if message is not None:
        payload["message"] = message
    return payload


def option(name: str, value: Any) -> dict[str, Any]:
    """A slash-command option; its type follows the Python type of `value`."""
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def slash_payload(
    name: str,
    options: list[dict[str, Any]] | None = None,
    *,
    subcommand: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """`/name [subcommand] options...` as Discord sends it (option names in English, the
    names the bot registered by default)."""
    opts = options or []
    if subcommand is not None:
        opts = [{"name": subcommand, "type": 1, "options": opts}]
    data = {"id": snowflake(), "name": name, "type": 1, "options": opts, "guild_id": str(GUILD_ID)}
    return interaction_payload(2, data, **kwargs)


def message_menu_payload(menu_name: str, target: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A message context-menu use on `target` (a message payload)."""
    data = {
        "id": snowflake(),
        "name": menu_name,
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
        "guild_id": str(GUILD_ID),
    }
    return interaction_payload(2, data, **kwargs)


def button_payload(custom_id: str, *, ephemeral: bool = False, **kwargs: Any) -> dict[str, Any]:
    """A press of the button `custom_id` on a message the bot sent (perhaps long ago)."""
    message = message_payload(
        components=[
            {
                "type": 1,
                "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}],
            }
        ],
        flags=64 if ephemeral else 0,
    )
    return interaction_payload(
        3, {"custom_id": custom_id, "component_type": 2}, message=message, **kwargs
    )


def dispatch(client: discord.Client, payload: dict[str, Any]) -> None:
    """Hand an INTERACTION_CREATE to the client exactly as its gateway connection does."""
    client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]


# -- the REST stub -------------------------------------------------------------------------------


@dataclass(slots=True)
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any

    @property
    def is_callback(self) -> bool:
        return self.path.endswith("/callback")

    @property
    def is_followup(self) -> bool:
        return self.path.startswith("/webhooks/")


@dataclass(slots=True)
class _Scripted:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    times: int


@dataclass
class DiscordStub:
    """Answers the bot's REST calls like Discord would, and remembers each one."""

    requests: list[Request] = field(default_factory=list)
    #: Job pages served under /jobs/<name> for links a test asks the bot to check; a page
    #: with a gate is held back until the test opens it.
    pages: dict[str, str] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    page_hits: list[str] = field(default_factory=list)
    _scripted: list[_Scripted] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url + API_PREFIX

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(
        self,
        method: str,
        path_pattern: str,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with `status` instead of success."""
        self._scripted.append(
            _Scripted(method, re.compile(path_pattern), status, body, headers or {}, times)
        )

    def sent(self, method: str | None = None, path_pattern: str = "") -> list[Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and re.search(path_pattern, r.path)
        ]

    async def wait_for(
        self, predicate: Callable[[list[Request]], bool], timeout_s: float = 5.0
    ) -> list[Request]:
        """Wait until the recorded requests satisfy `predicate` (no fixed sleeps)."""
        async with asyncio.timeout(timeout_s):
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self.requests))
        return self.requests

    async def wait_count(self, count: int, timeout_s: float = 5.0) -> list[Request]:
        return await self.wait_for(lambda reqs: len(reqs) >= count, timeout_s)

    # -- answering --

    def page_url(self, name: str, html: str, *, gated: bool = False) -> str:
        self.pages[name] = html
        if gated:
            self.gates[name] = asyncio.Event()
        return f"{self.base_url}/jobs/{name}"

    async def _page(self, name: str) -> web.StreamResponse:
        async with self._changed:
            self.page_hits.append(name)
            self._changed.notify_all()
        gate = self.gates.get(name)
        if gate is not None:
            await gate.wait()
        if name not in self.pages:
            return web.Response(status=404, text="gone")
        return web.Response(body=self.pages[name].encode(), headers={"Content-Type": "text/html"})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/jobs/"):
            return await self._page(request.path.removeprefix("/jobs/"))
        path = request.path.removeprefix(API_PREFIX)
        raw = await request.read()
        body: Any = None
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
        elif raw and request.content_type.startswith("multipart/"):
            body = _payload_json(raw)
        recorded = Request(request.method, path, dict(request.query), body)
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        for script in self._scripted:
            if script.times > 0 and script.method == request.method and script.pattern.search(path):
                script.times -= 1
                return _json(script.body, status=script.status, headers=script.headers)
        return self._success(recorded)

    def _success(self, request: Request) -> web.StreamResponse:
        method, path, body = request.method, request.path, request.body or {}
        if method == "GET" and path == "/users/@me":
            return _json(BOT_USER)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(APPLICATION)
        if method == "PUT" and path.endswith("/commands"):
            commands = [
                {
                    "description": "",  # Discord answers "" for menus, which send none
                    **command,
                    "id": snowflake(),
                    "application_id": str(APPLICATION_ID),
                    "version": "1",
                }
                for command in body
            ]
            return _json(commands)
        if method == "POST" and request.is_callback:
            interaction_id = path.split("/")[2]
            data = body.get("data") or {}
            return _json(
                {
                    "interaction": {
                        "id": interaction_id,
                        "type": 2,
                        "response_message_loading": body.get("type") == 5,
                        "response_message_ephemeral": bool(data.get("flags", 0) & 64),
                    }
                }
            )
        if method in {"POST", "PATCH"} and (request.is_followup or "/messages" in path):
            channel_id = path.split("/")[2] if path.startswith("/channels/") else CHANNEL_ID
            return _json(
                message_payload(
                    channel_id=channel_id,
                    content=body.get("content") or "",
                    embeds=body.get("embeds"),
                    components=body.get("components"),
                    flags=body.get("flags", 0),
                )
            )
        return _json({"message": "404: Not Found", "code": 0}, status=404)


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    if status == 204:
        return web.Response(status=204, headers=headers)
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _payload_json(raw: bytes) -> Any:
    """The `payload_json` part of a multipart body (discord.py sends files that way)."""
    match = re.search(rb'name="payload_json"\r\n(?:[^\r\n]*\r\n)*\r\n(.*?)\r\n--', raw, re.S)
    return json.loads(match.group(1)) if match else None


def rate_limited(retry_after_s: float) -> dict[str, Any]:
    """A 429 as Discord sends it: the wait in the body, the header, and `Via`, which
    discord.py takes as the sign that the 429 came from Discord rather than Cloudflare."""
    return {
        "status": 429,
        "body": {
            "message": "You are being rate limited.",
            "retry_after": retry_after_s,
            "global": False,
        },
        "headers": {
            "Retry-After": str(retry_after_s),
            "Via": "1.1 google",
            "X-RateLimit-Scope": "user",
        },
    }


# -- a bot over the stub, with the real services on a temporary SQLite file -------------------


@dataclass
class BotHarness:
    stub: DiscordStub
    app: App
    client: VigiaClient
    settings: Settings
    fetcher: SafeFetcher  # the link checker's

    async def restart(self) -> None:
        """A new client over the same store, as after a process restart."""
        from adapters.chat.discord_app import build_client

        await self.client.close()
        self.client = build_client(self.settings, self.app.services)
        await self.client.login("test-token")

    def dispatch(self, payload: dict[str, Any]) -> None:
        dispatch(self.client, payload)

    async def interact(self, payload: dict[str, Any], *, expect: int = 2) -> list[Request]:
        """Dispatch an interaction and return the `expect` requests it caused
        (its callback first, then follow-ups)."""
        start = len(self.stub.requests)
        token = payload["token"]
        self.dispatch(payload)
        await self.stub.wait_for(
            lambda reqs: sum(1 for r in reqs[start:] if token in r.path) >= expect
        )
        return [r for r in self.stub.requests[start:] if token in r.path]

    async def followup_for(self, payload: dict[str, Any]) -> Request:
        """The first follow-up (or edit of the deferred answer) of an interaction already sent."""
        token = payload["token"]
        await self.stub.wait_for(lambda reqs: any(r.is_followup and token in r.path for r in reqs))
        return next(r for r in self.stub.requests if r.is_followup and token in r.path)

    async def interact_result(self, payload: dict[str, Any]) -> Request:
        """Dispatch an interaction and return its first follow-up."""
        self.dispatch(payload)
        return await self.followup_for(payload)


class LoopbackOnlyResolver:
    """Name resolution for the link checker in tests: the local stub, and nothing else.

    A test whose links lead anywhere but 127.0.0.1 fails here instead of reaching the network.
    """

    async def resolve(self, host: str, port: int) -> list[str]:
        if host != "127.0.0.1":
            raise AssertionError(f"a test tried to reach {host}:{port}")
        return ["127.0.0.1"]


async def start_bot(
    tmp_dir: str, stub: DiscordStub, *, global_commands: bool = False, **settings: Any
) -> BotHarness:
    """The real app over a temporary store, with a client logged in to the stub.

    The link checker reads only the stub's job pages: loopback allowed, any port (the stub's
    is random), and a resolver that refuses every other host.
    """
    from adapters.chat.discord_app import build_client
    from bot.app import build_app
    from bot.config import Settings
    from bot.links.checker import LegitChecker
    from bot.links.safefetch import SafeFetcher
    from bot.services import Services

    base = stub.base_url + API_PREFIX
    data = {
        "storage": {"database": f"{tmp_dir}/vigia.db"},
        "discord": {"api_base": base, **({} if global_commands else {"guild_id": GUILD_ID})},
        **settings,
    }
    config = Settings.model_validate(data)
    app = await build_app(config)
    fetcher = SafeFetcher(resolver=LoopbackOnlyResolver(), allow_loopback=True, allowed_ports=None)
    app.services = Services.build(
        db=app.db,
        linkchecker=LegitChecker(fetcher=fetcher, checker=app.checker, db=app.db, cache_ttl_s=0),
        configured_sources=[(source.kind, source.name) for source, _ in app.sources],
    )
    client = build_client(config, app.services)
    await client.login("test-token")
    return BotHarness(stub, app, client, config, fetcher)


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path, *, global_commands: bool = False, **settings: Any
) -> AsyncIterator[BotHarness]:
    """A logged-in bot over a fresh stub and store; Route.BASE restored afterwards.
    `global_commands` syncs the commands globally, as a bot people install themselves must."""
    original_base = Route.BASE
    stub = DiscordStub()
    await stub.start()
    harness = await start_bot(str(tmp_path), stub, global_commands=global_commands, **settings)
    try:
        yield harness
    finally:
        for gate in stub.gates.values():
            gate.set()
        await harness.client.close()
        await harness.fetcher.aclose()
        await harness.app.aclose()
        await stub.close()
        Route.BASE = original_base
