"""The Telegram adapter: a python-telegram-bot `Application` wired to `bot.services.Services`.

    build_application(settings, services) → Application   handlers, rate limiter, base URL
    start_application(app, settings) → stop                   inside a running event loop
    build_sender(app) → TelegramSender                          for the outbox drainer

Long polling is the default; `telegram.mode = "webhook"` serves updates over HTTPS through a
reverse proxy instead. `telegram.base_url` points the bot at a self-hosted Bot API server (or
at the emulator the end-to-end tests run); nothing else in the bot knows which one it talks to.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Awaitable, Callable
from typing import TypedDict
from urllib.parse import urlsplit

# Opt in to PTB's coming behaviour (durations as timedelta): without it every RetryAfter warns
# that the int form is deprecated. Our code reads either form (telegram_sender.retry_after_s).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder

from adapters.chat.telegram_chat import TelegramApplication, tg
from adapters.chat.telegram_commands import COMMANDS, SubscriptionCommands
from adapters.chat.telegram_handlers import CheckHandlers
from adapters.chat.telegram_inline import InlineChecks
from adapters.chat.telegram_sender import TelegramSender
from bot.config import Settings, TelegramSettings
from bot.errors import ConfigError
from bot.i18n import LANGUAGES
from bot.services import Services

log = logging.getLogger("vigia.telegram")

#: Updates the bot acts on. `my_chat_member` tells it when it is blocked or removed;
#: `inline_query` is `@bot <link>` typed in any chat (inline mode, turned on with BotFather).
ALLOWED_UPDATES: tuple[str, ...] = (
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.INLINE_QUERY,
)
#: Link checks fetch pages for seconds; handle updates concurrently so one slow check does not
#: hold up every other chat.
CONCURRENT_UPDATES = 16
#: Menu language for users whose app language has no catalog of its own.
FALLBACK_MENU_LANGUAGE = "en"
#: Where the webhook listens when `webhook_url` has no path of its own.
DEFAULT_WEBHOOK_PATH = "telegram"


def build_application(settings: Settings, services: Services) -> TelegramApplication:
    """The Application with every handler registered; not started.

    The rate limiter keeps the bot under Telegram's flood limits (30 messages/s overall,
    20/min per group) and is built with `max_retries=0`, so a `RetryAfter` is never slept on
    inside PTB: the outbox sender reports it and the drainer reschedules the alert.
    """
    config = settings.telegram
    if config.token is None:
        raise ConfigError("telegram.token", "TELEGRAM_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(config.token.get_secret_value())
        .rate_limiter(AIORateLimiter(max_retries=0))
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)  # the bot's own scheduler runs the timed work; no second one here
        .post_init(register_commands)
    )
    if config.base_url:
        builder = builder.base_url(config.base_url)
    app = builder.build()
    CheckHandlers(services).register(app)
    InlineChecks(services, page_timeout_s=config.inline_page_timeout_s).register(app)
    SubscriptionCommands(services).register(app)
    return app


def build_sender(app: TelegramApplication) -> TelegramSender:
    """The outbox sender, on the Application's bot so alerts share its rate limiter."""
    return TelegramSender(app.bot)


def bot_commands(language: str) -> list[BotCommand]:
    return [BotCommand(name, tg(f"cmd.{name}", language)) for name in COMMANDS]


async def register_commands(app: TelegramApplication) -> None:
    """The command menu in each catalog language, chosen by Telegram from the user's app
    language, plus a default for every other language. A failure is logged, not fatal: the
    commands work without a menu."""
    try:
        for language in LANGUAGES:
            await app.bot.set_my_commands(bot_commands(language), language_code=language)
        await app.bot.set_my_commands(bot_commands(FALLBACK_MENU_LANGUAGE))
    except TelegramError as exc:
        log.warning("setMyCommands failed, the command menu may be stale: %s", exc)


def webhook_path(config: TelegramSettings) -> str:
    path = urlsplit(config.webhook_url or "").path.strip("/")
    return path or DEFAULT_WEBHOOK_PATH


class WebhookOptions(TypedDict):
    """What both `Updater.start_webhook` and `Application.run_webhook` take from the config."""

    listen: str
    port: int
    url_path: str
    webhook_url: str | None
    secret_token: str | None
    allowed_updates: list[str]


def webhook_options(config: TelegramSettings) -> WebhookOptions:
    """Where the webhook listens and what it tells Telegram; one place for both ways of
    running, so `vigia run` and the standalone bot can never disagree."""
    secret = config.webhook_secret.get_secret_value() if config.webhook_secret else None
    return WebhookOptions(
        listen=config.webhook_listen,
        port=config.webhook_port,
        url_path=webhook_path(config),
        webhook_url=config.webhook_url,
        secret_token=secret,
        allowed_updates=list(ALLOWED_UPDATES),
    )


async def start_application(
    app: TelegramApplication, settings: Settings
) -> Callable[[], Awaitable[None]]:
    """Start receiving updates inside the caller's event loop (next to the scheduler);
    returns the coroutine function that stops it again."""
    config = settings.telegram
    await app.initialize()
    await register_commands(app)
    await app.start()
    assert app.updater is not None  # ApplicationBuilder always builds one
    if config.mode == "webhook":
        await app.updater.start_webhook(**webhook_options(config))
    else:
        await app.updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
    log.info("telegram bot @%s receiving updates by %s", app.bot.username, config.mode)
    return functools.partial(stop_application, app)


async def stop_application(app: TelegramApplication) -> None:
    """Stop receiving, let running handlers finish, close the HTTP clients."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
