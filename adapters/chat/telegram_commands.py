"""Subscription and information commands: /subscribe, /unsubscribe, /list, /pause, /resume,
/lang, /filters, /sources, /start, /help.

Who may change what: anyone in a private chat; only administrators in a group (asked of
Telegram with getChatMember each time, so a demoted admin loses the right at once); for a
channel, `/subscribe @channel …` from a private chat, when both the bot and the person are
administrators of that channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CommandHandler, MessageHandler, filters

from adapters.chat.telegram_chat import (
    Context,
    TelegramApplication,
    chat_ref,
    command_text,
    is_chat_admin,
    reply,
    reply_language,
    reply_own_text,
    reply_text,
    sender_is_admin,
    tg,
)
from adapters.chat.telegram_inline import HELP_START_PARAMETER
from adapters.chat.telegram_render import TelegramMessage, clip, escape_text, linked
from bot.delivery.cards import LEVEL_BADGES
from bot.delivery.digest_schedule import DeliveryMode
from bot.delivery.render import describe_filter
from bot.errors import DeliverySyntaxError, FilterSyntaxError, UnknownTimezone
from bot.i18n import LANGUAGES, t
from bot.models import ChatRef, Subscription
from bot.postings.matching import parse_filter_words
from bot.services import Services
from bot.services.sources import SourceHealth, status_text

log = logging.getLogger("vigia.telegram")

#: Every command, in the order the Telegram menu shows them; descriptions are `telegram.cmd.*`.
COMMANDS: tuple[str, ...] = (
    "legit",
    "subscribe",
    "unsubscribe",
    "list",
    "filters",
    "pause",
    "resume",
    "lang",
    "delivery",
    "timezone",
    "sources",
    "help",
    "start",
)
PREVIEW_POSTINGS = 3


@dataclass(frozen=True, slots=True)
class Target:
    """The chat a command acts on (this chat or a named channel) and the rest of its text."""

    chat: ChatRef
    words: str
    channel: str | None = None  # "@name" when the command names a channel, not this chat

    @property
    def elsewhere(self) -> bool:
        return self.channel is not None


class SubscriptionCommands:
    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: TelegramApplication) -> None:
        for name, callback in (
            ("start", self.on_start),
            ("help", self.on_help),
            ("filters", self.on_filters),
            ("subscribe", self.on_subscribe),
            ("unsubscribe", self.on_unsubscribe),
            ("list", self.on_list),
            ("pause", self.on_pause),
            ("resume", self.on_resume),
            ("lang", self.on_lang),
            ("delivery", self.on_delivery),
            ("timezone", self.on_timezone),
            ("sources", self.on_sources),
        ):
            app.add_handler(CommandHandler(name, callback))
        # Registered last: only a command no other handler took reaches it.
        unknown = filters.ChatType.PRIVATE & filters.COMMAND
        app.add_handler(MessageHandler(unknown, self.on_unknown))

    # -- who may act on which chat -----------------------------------------------------------

    async def _target(
        self, update: Update, context: Context, language: str, *, needs_admin: bool = True
    ) -> Target | None:
        """This chat, or the channel named by a leading `@name`; None (after telling the person
        why) when they may not act on it."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return None
        text = command_text(message)
        first, *rest = text.split(maxsplit=1) or [""]
        if first.startswith("@") and len(first) > 1:
            channel = await self._channel(update, context, first, language)
            if channel is None:
                return None
            return Target(channel, rest[0] if rest else "", channel=first)
        if needs_admin and not await sender_is_admin(update, context):
            await reply_text(update, tg("group.admins_only", language))
            return None
        return Target(chat_ref(chat.id), text)

    async def _channel(
        self, update: Update, context: Context, name: str, language: str
    ) -> ChatRef | None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            await reply_text(update, tg("channel.private_only", language, channel=name))
            return None
        try:
            channel = await context.bot.get_chat(name)
        except TelegramError as exc:
            log.info("getChat %s failed: %s", name, exc)
            await reply_text(update, tg("channel.not_found", language, channel=name))
            return None
        if not await is_chat_admin(context.bot, channel.id, context.bot.id, must_post=True):
            await reply_text(update, tg("channel.bot_not_admin", language, channel=name))
            return None
        if not await is_chat_admin(context.bot, channel.id, user.id):
            await reply_text(update, tg("channel.user_not_admin", language, channel=name))
            return None
        return chat_ref(channel.id)

    # -- information -------------------------------------------------------------------------

    async def on_start(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        # The hint button of an empty inline query opens `/start inline_help`.
        key = "inline.help" if context.args == [HELP_START_PARAMETER] else "start"
        await reply_own_text(update, tg(key, language, bot=f"@{context.bot.username}"))

    async def on_help(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        lines = [tg("help.intro", language), ""]
        lines += [f"/{name} — {tg(f'cmd.{name}', language)}" for name in COMMANDS]
        await reply_own_text(update, "\n".join(lines))

    async def on_unknown(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        await reply_own_text(update, tg("unknown_command", language))

    async def on_filters(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        await reply_own_text(update, tg("filters.help", language))

    async def on_sources(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        sources = await self.services.sources.health()
        if not sources:
            await reply_text(update, tg("sources.empty", language))
            return
        lines = [tg("sources.title", language)]
        lines += [source_line(source, language) for source in sources]
        await reply_text(update, "\n".join(lines))

    # -- subscriptions -----------------------------------------------------------------------

    async def on_subscribe(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language)
        if target is None:
            return
        try:
            flt = parse_filter_words(target.words)
        except FilterSyntaxError as exc:
            problem = t(f"filter.error.{exc.problem}", language, token=exc.token)
            await reply_text(update, tg("filter.bad", language, problem=problem))
            return
        # A channel's alerts come in the language chosen for it (`/lang @channel en`), else in
        # the language of the person subscribing it.
        alert_language = language
        if target.elsewhere:
            alert_language = (
                await self.services.subscriptions.chat_language(target.chat) or language
            )
        subscription = await self.services.subscriptions.subscribe(
            target.chat, flt, language=alert_language
        )
        await reply(update, await self._subscribed(subscription, target, language))

    async def _subscribed(
        self, subscription: Subscription, target: Target, language: str
    ) -> TelegramMessage:
        """The confirmation: what the filter means, and what it would have let through lately,
        so a filter that matches nothing shows up now rather than after days of silence."""
        key = "subscribe.done_channel" if target.elsewhere else "subscribe.done"
        described = describe_filter(subscription.filter, language)
        done = tg(key, language, id=subscription.id, filter=described)
        lines = [escape_text(done), ""]
        preview = await self.services.subscriptions.preview(subscription.filter, PREVIEW_POSTINGS)
        if not preview:
            lines.append(escape_text(tg("subscribe.preview_none", language)))
        else:
            lines.append(escape_text(tg("subscribe.preview", language)))
            for item in preview:
                title = linked(escape_text(clip(item.posting.title, 120)), item.posting.url)
                company = escape_text(clip(item.posting.company, 60))
                badge = LEVEL_BADGES[item.verdict.level]
                lines.append(f"{badge} {title}" + (f" — {company}" if company else ""))
        return TelegramMessage("\n".join(lines), None)

    async def on_unsubscribe(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language)
        if target is None:
            return
        words = target.words.strip().lstrip("#")
        if words and not words.isdigit() and words.lower() not in {"all", "todo", "todas"}:
            await reply_own_text(update, tg("unsubscribe.usage", language))
            return
        subscription_id = int(words) if words.isdigit() else None
        removed = await self.services.subscriptions.unsubscribe(target.chat, subscription_id)
        key = "unsubscribe.done" if removed else "unsubscribe.none"
        await reply_text(update, tg(key, language, count=removed))

    async def on_list(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language, needs_admin=False)
        if target is None:
            return
        subscriptions = await self.services.subscriptions.of_chat(target.chat)
        if not subscriptions:
            await reply_text(update, tg("list.empty", language))
            return
        service = self.services.subscriptions
        zone = await service.timezone(target.chat)
        lines = [tg("list.title", language)]
        for subscription in subscriptions:
            state = tg("list.paused" if subscription.paused else "list.active", language)
            lines.append(
                tg(
                    "list.item",
                    language,
                    id=subscription.id,
                    state=state,
                    filter=describe_filter(subscription.filter, language),
                )
            )
            lines.append(f"   ⏰ {service.pace(subscription, zone, language)}")
        now = service.local_now(zone, language)
        lines += ["", t("timezone.current", language, timezone=zone, now=now)]
        await reply_text(update, "\n".join(lines))

    # -- pace: delivery modes and time zones -------------------------------------------------

    async def on_delivery(self, update: Update, context: Context) -> None:
        """`/delivery [@channel] [#id] instant|daily HH:MM|weekly DAY HH:MM`."""
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language)
        if target is None:
            return
        first, _, rest = target.words.strip().partition(" ")
        subscription_id = None
        if first.lstrip("#").isdigit():
            subscription_id, words = int(first.lstrip("#")), rest.strip()
        else:
            words = target.words.strip()
        if not words:
            await reply_own_text(update, tg("delivery.usage", language))
            return
        try:
            mode = DeliveryMode.parse(words)
        except DeliverySyntaxError as error:
            reason = t(f"delivery.error.{error.problem}", language, token=error.token)
            await reply_text(update, t("delivery.bad", language, reason=reason))
            return
        service = self.services.subscriptions
        count = await service.set_delivery(target.chat, mode, subscription_id)
        if not count:
            none = subscription_id is not None
            await reply_text(
                update, t("delivery.none", language) if none else tg("list.empty", language)
            )
            return
        zone = await service.timezone(target.chat)
        text = t("delivery.set", language, count=count, mode=mode.describe(language), timezone=zone)
        await reply_text(update, text)

    async def on_timezone(self, update: Update, context: Context) -> None:
        """`/timezone [@channel] [Europe/Madrid]`: show the chat's zone, or set it (admins)."""
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language, needs_admin=False)
        if target is None:
            return
        service = self.services.subscriptions
        name = target.words.strip()
        if not name:
            zone = await service.timezone(target.chat)
            now = service.local_now(zone, language)
            await reply_text(update, t("timezone.current", language, timezone=zone, now=now))
            return
        if not target.elsewhere and not await sender_is_admin(update, context):
            await reply_text(update, tg("group.admins_only", language))
            return
        try:
            zone = await service.set_timezone(target.chat, name)
        except UnknownTimezone as error:
            await reply_text(update, t(error.message_key, language, **error.params))
            return
        now = service.local_now(zone, language)
        await reply_text(update, t("timezone.set", language, timezone=zone, now=now))

    async def on_pause(self, update: Update, context: Context) -> None:
        await self._set_paused(update, context, paused=True)

    async def on_resume(self, update: Update, context: Context) -> None:
        await self._set_paused(update, context, paused=False)

    async def _set_paused(self, update: Update, context: Context, *, paused: bool) -> None:
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language)
        if target is None:
            return
        changed = await self.services.subscriptions.set_paused(target.chat, paused)
        key = ("pause.done" if paused else "resume.done") if changed else "pause.none"
        await reply_text(update, tg(key, language, count=changed))

    async def on_lang(self, update: Update, context: Context) -> None:
        language = await reply_language(self.services, update)
        target = await self._target(update, context, language)
        if target is None:
            return
        chosen = target.words.strip().lower()
        if chosen not in LANGUAGES:
            await reply_own_text(update, tg("lang.usage", language))
            return
        await self.services.subscriptions.set_language(target.chat, chosen)
        if target.channel is not None:
            await reply_text(update, tg("lang.done_channel", chosen, channel=target.channel))
        else:
            await reply_text(update, tg("lang.done", chosen))


def source_line(source: SourceHealth, language: str) -> str:
    """One source in `/sources`: healthy, failing (with the short reason) or disabled."""
    key = {"disabled": "sources.disabled", "failing": "sources.failing"}.get(
        source.state, "sources.healthy"
    )
    return tg(
        key,
        language,
        name=source.name,
        last_poll=(source.last_poll or "—")[:16].replace("T", " "),
        status=status_text(source, language),
        failures=tg("sources.failures", language, count=source.consecutive_failures),
        seen=tg("sources.seen", language, count=source.postings_seen),
    )
