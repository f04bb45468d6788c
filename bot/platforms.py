"""Starting and stopping the chat platforms the config has a token for.

A platform that cannot start (a wrong token answered with 401, an unreachable API) raises
`PlatformError` with a one-line reason, so the runner can log it and exit non-zero at once
instead of running half-deaf: a bot whose Discord login failed used to run on, logging only
"not logged in" on every alert. Reasons never hold the token (python-telegram-bot puts it in
`InvalidToken`'s message), even before the log filter redacts it again.

Each running platform says how to stop it, how it is doing (for `/healthz`), and, for a
platform that runs in a task of its own (Discord's gateway), when it stopped by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.delivery.outcomes import Sender
from bot.errors import PlatformError
from bot.health import PartState
from bot.i18n import t
from bot.store.database import Release

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["RunningPlatform", "start_discord", "start_telegram"]

#: A reason is one log line, not a page.
MAX_REASON_CHARS = 300


@dataclass(slots=True)
class RunningPlatform:
    name: str
    sender: Sender
    stop: Callable[[], Awaitable[None]]
    state: Callable[[], PartState]
    #: Done when the platform stopped by itself (None: it cannot, short of an error in a send).
    ended: asyncio.Task[None] | None = None


def describe(error: BaseException, secret: str) -> str:
    """`Type: message` on one line, without the secret, cut to a log line's length."""
    message = " ".join(str(error).split())
    if secret:
        message = message.replace(secret, "***")
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text[:MAX_REASON_CHARS]


async def start_telegram(app: App, *, receive: bool = True) -> RunningPlatform:
    """Log in to Telegram (getMe) and start receiving updates (unless `receive` is False: a
    worker that only delivers); `PlatformError` if it cannot."""
    from telegram.error import TelegramError

    from adapters.chat.telegram_app import (
        build_application,
        build_sender,
        start_application,
        stop_application,
    )

    settings = app.settings
    assert settings.telegram.token is not None
    token = settings.telegram.token.get_secret_value()
    application = build_application(settings, app.services)
    if not receive:
        return await _telegram_sender_only(application, token)
    release = await _one_getupdates_consumer(app, token)
    try:
        stop_receiving = await start_application(application, settings)
    except (TelegramError, OSError) as error:  # OSError: the webhook's port is taken
        with contextlib.suppress(Exception):
            await stop_application(application)
        await release()
        raise PlatformError("telegram", describe(error, token)) from None

    async def stop() -> None:
        try:
            await stop_receiving()
        finally:
            await release()

    def state() -> PartState:
        updater = application.updater
        receiving = application.running and updater is not None and updater.running
        return PartState(receiving, "" if receiving else "not receiving updates")

    return RunningPlatform("telegram", build_sender(application), stop, state)


async def _one_getupdates_consumer(app: App, token: str) -> Release:
    """Long polling: take the bot's getUpdates lock on the store, or refuse to start. Telegram
    gives each update to one getUpdates caller and answers a second one with 409 Conflict,
    so two processes polling for one bot would take updates from each other. Webhook mode
    has no such limit: several chat workers behind one address answer side by side."""
    if app.settings.telegram.mode != "polling":
        return _nothing_held
    bot_id = token.split(":", 1)[0]
    release = await app.db.try_hold(f"telegram-getupdates-{bot_id}")
    if release is None:
        raise PlatformError(
            "telegram", t("workers.telegram_polling_taken", app.settings.console.language)
        )
    return release


async def _nothing_held() -> None:
    return None


async def _telegram_sender_only(application: Any, token: str) -> RunningPlatform:
    """Log in (getMe) to send alerts; no updates are received (a `deliver` worker)."""
    from telegram.error import TelegramError

    from adapters.chat.telegram_app import build_sender, stop_application

    try:
        await application.initialize()
    except (TelegramError, OSError) as error:
        with contextlib.suppress(Exception):
            await stop_application(application)
        raise PlatformError("telegram", describe(error, token)) from None

    async def stop() -> None:
        await stop_application(application)

    return RunningPlatform(
        "telegram", build_sender(application), stop, lambda: PartState(True, "sending only")
    )


async def start_discord(app: App, *, receive: bool = True) -> RunningPlatform:
    """Log in to Discord over REST, then connect the gateway in a task of its own;
    `PlatformError` if the login fails (a 401, a closed port, a timeout)."""
    import aiohttp
    import discord

    from adapters.chat.discord_app import build_client, discord_token
    from adapters.chat.discord_sender import DiscordSender

    token = discord_token(app.settings)
    client = build_client(app.settings, app.services)
    try:
        await client.login(token)
    except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as error:
        with contextlib.suppress(Exception):
            await client.close()
        raise PlatformError("discord", describe(error, token)) from None
    if not receive:  # a `deliver` worker: REST only, no gateway

        async def close() -> None:
            await client.close()

        def sending() -> PartState:
            closed = client.is_closed()
            return PartState(not closed, "closed" if closed else "sending only")

        return RunningPlatform("discord", DiscordSender(client), close, sending)
    # The gateway reconnects by itself after network trouble; it ends only on a fatal error
    # (a token revoked, an intent refused), which the runner treats as the platform stopping.
    gateway = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")

    async def stop() -> None:
        await client.close()
        gateway.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await gateway

    def state() -> PartState:
        if gateway.done() or client.is_closed():
            return PartState(False, "gateway stopped")
        shards = client.shards
        connected = client.is_ready() and bool(shards) and not any(
            shard.is_closed() for shard in shards.values()
        )
        return PartState(connected, "" if connected else "connecting to the gateway")

    return RunningPlatform("discord", DiscordSender(client), stop, state, ended=gateway)


def ended_reason(platform: RunningPlatform, token: str) -> str:
    """Why a platform's own task ended: its error, or that it ended without one."""
    task = platform.ended
    if task is None or task.cancelled():
        return "stopped"
    error = task.exception()
    return describe(error, token) if error is not None else "stopped without an error"
