"""The long-running bot: scheduler, outbox drain, and whichever chats have a token.

With no platform token the console is the chat: alerts print to the terminal, so the main
job runs on a fresh machine. Stops cleanly on SIGINT/SIGTERM; anything in the outbox that was
not sent is sent after the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from bot.app import App, build_app
from bot.config import Settings
from bot.delivery.outcomes import Sender
from bot.polling.scheduler import build_scheduler

log = logging.getLogger("vigia")
Stopper = Callable[[], Awaitable[None]]


async def _start_platforms(app: App, senders: dict[str, Sender]) -> list[Stopper]:
    """Start the chat platforms that have a token; return how to stop each."""
    settings = app.settings
    stoppers: list[Stopper] = []
    if settings.discord.token is not None:
        from adapters.chat.discord_app import build_client
        from adapters.chat.discord_sender import DiscordSender

        client = build_client(settings, app.services)
        token = settings.discord.token.get_secret_value()
        task = asyncio.create_task(client.start(token), name="discord")
        senders["discord"] = DiscordSender(client)

        async def stop_discord() -> None:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

        stoppers.append(stop_discord)
    if settings.telegram.token is not None:
        from adapters.chat.telegram_app import build_application, build_sender, start_application

        application = build_application(settings, app.services)
        stop_telegram = await start_application(application, settings)
        senders["telegram"] = build_sender(application)
        stoppers.append(stop_telegram)
    return stoppers


async def run_bot(settings: Settings) -> int:
    app = await build_app(settings)
    from adapters.chat.console import ConsoleSender

    senders: dict[str, Sender] = {"console": ConsoleSender(sys.stdout)}
    stoppers = await _start_platforms(app, senders)
    drainer = app.drainer(senders)
    scheduler = build_scheduler(
        poller=app.poller,
        sources=app.sources,
        drainer=drainer,
        jitter_s=settings.polling.jitter_s,
        drain_interval_s=settings.outbox.drain_interval_s,
        workers=settings.polling.max_concurrent_requests,
        housekeeping=app.housekeeping,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    chats = ", ".join(sorted(senders))
    log.info("Vigia running: %d source(s), chats: %s", len(app.sources), chats)
    await scheduler.start()
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await scheduler.stop()
        for stopper in stoppers:
            await stopper()
        await app.aclose()
    return 0
