"""Checks and buttons: "is this legit?" in a private chat or with /legit, the card's buttons,
and the chat events that change where alerts go (the bot removed, a group upgraded).

Handlers only translate: a Telegram update becomes a `Services` call, and the returned card is
drawn by `telegram_render`. No scoring or storage rule lives here.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from adapters.chat.telegram_chat import (
    NO_PREVIEW,
    REPLY_RETRIES,
    Context,
    TelegramApplication,
    chat_ref,
    checkable_text,
    is_chat_admin,
    limited_bot,
    reply,
    reply_language,
    reply_text,
    show_typing,
    tg,
    user_key,
)
from adapters.chat.telegram_render import render_card
from bot.delivery.cards import Action, parse_payload
from bot.errors import UnknownCheck
from bot.i18n import normalize_language, t
from bot.logs import ids as log_ids
from bot.services import ReportKind, Services
from bot.services.ratelimit import TooManyRequests

log = logging.getLogger("vigia.telegram")

#: The most links of one message that are checked; the message is answered with one card.
MAX_LINKS_PER_MESSAGE = 5
#: Callback data this bot writes; anything else on a button is not ours to answer.
CALLBACK_PATTERN = r"^vigia:"
_GONE_STATUSES = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})


class CheckHandlers:
    """The "is this legit?" flow and everything a card's buttons do."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: TelegramApplication) -> None:
        # Any private message but commands and service messages: one without text (a sticker,
        # a bare photo) is answered with what the bot can check instead of silence.
        private = filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
        app.add_handler(CommandHandler("legit", self.on_legit))
        app.add_handler(MessageHandler(private, self.on_private_message))
        app.add_handler(CallbackQueryHandler(self.on_button, pattern=CALLBACK_PATTERN))
        app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrate))
        app.add_handler(ChatMemberHandler(self.on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self.on_error)

    # -- checks ------------------------------------------------------------------------------

    async def on_private_message(self, update: Update, context: Context) -> None:
        """Anything sent to the bot in private (a link, a forwarded recruiter's message, a
        pasted offer) is checked as is."""
        message = update.effective_message
        if message is None:
            return
        if message.via_bot is not None and message.via_bot.id == context.bot.id:
            return  # a verdict the person sent through inline mode, not a question
        await self._check(update, context, checkable_text(message))

    async def on_legit(self, update: Update, context: Context) -> None:
        """`/legit <url or text>` anywhere; bare `/legit` as a reply checks the replied message."""
        message = update.effective_message
        if message is None:
            return
        text = checkable_text(message, after_command=True)
        if not text and message.reply_to_message is not None:
            text = checkable_text(message.reply_to_message)
        if not text:
            language = await reply_language(self.services, update)
            await reply_text(update, tg("legit.usage", language))
            return
        await self._check(update, context, text)

    async def _check(self, update: Update, context: Context, text: str) -> None:
        language = await reply_language(self.services, update)
        if not text.strip():
            await reply_text(update, tg("legit.nothing", language))
            return
        await show_typing(update, context)
        user = update.effective_user
        try:
            result = await self.services.checks.legit_message(
                text,
                language=language,
                max_links=MAX_LINKS_PER_MESSAGE,
                requester=user_key(user.id) if user else None,
                chat=chat_ref(update.effective_chat.id) if update.effective_chat else None,
            )
        except TooManyRequests as exc:
            await reply_text(update, t(exc.message_key, language, **exc.params))
            return
        await reply(update, render_card(result.card))

    # -- buttons -----------------------------------------------------------------------------

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        parsed = parse_payload(query.data)
        language = await reply_language(self.services, update)
        if parsed is None:
            await query.answer()
            return
        action, check_id = parsed
        if action in (Action.WHY, Action.BACK):
            await self._flip(update, context, action, check_id, language)
        elif action in (Action.REPORT, Action.FINE):
            kind = ReportKind.SCAM if action is Action.REPORT else ReportKind.FINE
            # An administrator's report in a group or channel confirms the verdict (the text
            # joins the known scam scripts); in a private chat anyone is "admin", so not there.
            chat = query.message.chat if query.message else None
            admin = (
                chat is not None
                and chat.type != ChatType.PRIVATE
                and await is_chat_admin(context.bot, chat.id, query.from_user.id)
            )
            try:
                new = await self.services.reports.report(
                    check_id, user=user_key(query.from_user.id), kind=kind, admin=admin
                )
            except UnknownCheck:
                await query.answer(tg("check.unknown", language), show_alert=True)
                return
            key = f"report.thanks_{kind.value}" if new else "report.updated"
            await query.answer(tg(key, language))
        else:
            await query.answer()

    async def _flip(
        self, update: Update, context: Context, action: Action, check_id: int, language: str
    ) -> None:
        """Flip the message between the card and its full breakdown ("Why?" and "Back")."""
        query = update.callback_query
        assert query is not None  # checked by the caller
        if action is Action.WHY:
            card = await self.services.checks.why(check_id, language)
        else:
            card = await self.services.checks.card(check_id, language)
        if card is None:
            await query.answer(tg("check.unknown", language), show_alert=True)
            return
        drawn = render_card(card)
        await query.answer()
        # A card sent through inline mode sits in a chat the bot may not be in: it is edited
        # by its inline message id instead of its chat and message ids.
        message = query.message
        if message is None and query.inline_message_id is None:
            return
        try:
            await limited_bot(query).edit_message_text(
                drawn.html,
                chat_id=message.chat.id if message else None,
                message_id=message.message_id if message else None,
                inline_message_id=None if message else query.inline_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=drawn.keyboard,
                link_preview_options=NO_PREVIEW,
                rate_limit_args=REPLY_RETRIES,
            )
        except BadRequest as exc:
            # A double tap edits to the same text, which Telegram refuses; nothing to do.
            if "not modified" not in exc.message.lower():
                raise

    # -- chat events -------------------------------------------------------------------------

    async def on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: its subscriptions and pending alerts follow the new id.

        Telegram posts this both in the old chat (`migrate_to_chat_id`) and in the new one
        (`migrate_from_chat_id`); moving twice is harmless, the second move finds nothing."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        moved = await self.services.subscriptions.migrate_chat(chat_ref(old), chat_ref(new))
        log.info("chat %s migrated to %s: %d subscriptions moved", old, new, moved)

    async def on_my_membership(self, update: Update, context: Context) -> None:
        """The bot was blocked, removed or kicked: pause the chat's alerts at once rather than
        waiting for a send to fail. Resuming is left to the people (/resume)."""
        change = update.my_chat_member
        if change is None or change.new_chat_member.status not in _GONE_STATUSES:
            return
        paused = await self.services.subscriptions.set_paused(chat_ref(change.chat.id), True)
        log.info("bot left chat %s: %d subscriptions paused", change.chat.id, paused)

    # -- failures ----------------------------------------------------------------------------

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure and tell the person something went wrong instead of going silent."""
        # Never the update itself: it holds what the person wrote.
        chat = update.effective_chat if isinstance(update, Update) else None
        log.error(
            "update %s failed",
            update.update_id if isinstance(update, Update) else type(update).__name__,
            exc_info=context.error,
            extra=log_ids(chat=chat_ref(chat.id) if chat else None),
        )
        if not isinstance(update, Update) or update.effective_message is None:
            return
        try:
            language = await reply_language(self.services, update)
        except Exception:  # the store may be what failed; the app language will do
            user = update.effective_user
            language = normalize_language(user.language_code if user else None)
        with suppress(TelegramError):
            await reply_text(update, tg("error.generic", language))
