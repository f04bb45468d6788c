"""Small Telegram helpers shared by the handlers: who is speaking, in which language, with
which rights, and what text (and hidden links) a message carries."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import (
    Bot,
    ChatMemberAdministrator,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    TelegramObject,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, ExtBot

from adapters.chat.telegram_render import TelegramMessage, own_html, plain_html
from bot.i18n import normalize_language, t
from bot.models import ChatRef
from bot.services import Services

log = logging.getLogger("vigia.telegram")

PLATFORM = "telegram"
ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
#: A reply that meets a flood limit (`RetryAfter`) waits as told and is tried this many more
#: times (PTB's `AIORateLimiter` does the waiting). Alerts are not retried in place: the
#: limiter's default is 0 retries, and the outbox reschedules them instead.
REPLY_RETRIES = 2

Context = ContextTypes.DEFAULT_TYPE
#: The Application `build_application` makes: a bot with PTB's AIORateLimiter (whose retry
#: argument is an int), default context and data types, no job queue.
TelegramApplication = Application[
    ExtBot[int], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]


def chat_ref(chat_id: int | str) -> ChatRef:
    return ChatRef(PLATFORM, str(chat_id))


def user_key(user_id: int) -> str:
    """How a Telegram user is named in stored reports: unique across platforms."""
    return f"{PLATFORM}:{user_id}"


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in GROUP_TYPES


async def reply_language(services: Services, update: Update) -> str:
    """The language to answer in: the chat's /lang choice (kept in the store, so it outlives
    a restart), else the user's Telegram app language."""
    chat = update.effective_chat
    if chat is not None:
        chosen = await services.subscriptions.chat_language(chat_ref(chat.id))
        if chosen:
            return normalize_language(chosen)
    user = update.effective_user
    return normalize_language(user.language_code if user else None)


def limited_bot(received: TelegramObject) -> ExtBot[Any]:
    """The bot that received `received`, with its rate limiter's per-call options: the
    Application's bot is always an ExtBot."""
    bot = received.get_bot()
    assert isinstance(bot, ExtBot)
    return bot


async def reply(update: Update, message: TelegramMessage) -> Message | None:
    """Answer the update's message in its chat, quoting it in groups so the thread is clear."""
    target = update.effective_message
    if target is None:
        return None
    # Sent through the bot rather than `Message.reply_text`, which cannot say how often to
    # retry after a flood limit.
    quote = ReplyParameters(target.message_id, allow_sending_without_reply=True)
    return await limited_bot(target).send_message(
        target.chat_id,
        message.html,
        parse_mode=ParseMode.HTML,
        reply_markup=message.keyboard,
        link_preview_options=NO_PREVIEW,
        reply_parameters=quote if is_group(update) else None,
        message_thread_id=target.message_thread_id if target.is_topic_message else None,
        rate_limit_args=REPLY_RETRIES,
    )


async def reply_text(update: Update, text: str) -> Message | None:
    """Answer with a plain text (catalog text or a list), escaped so nothing in it is markup."""
    return await reply(update, TelegramMessage(plain_html(text), None))


async def reply_own_text(update: Update, text: str) -> Message | None:
    """Answer with the bot's own words only (help, usage): escaped, handles kept as typed."""
    return await reply(update, TelegramMessage(own_html(text), None))


async def show_typing(update: Update, context: Context) -> None:
    """A hint that a slow check is running; never worth failing the check for."""
    chat = update.effective_chat
    if chat is None:
        return
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat.id, "typing")


def command_text(message: Message) -> str:
    """What follows the command (`/legit@VigiaBot some text` → `some text`), newlines kept."""
    text = message.text or message.caption or ""
    for entity in message.entities or message.caption_entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length :].strip()
    first, _, rest = text.partition(" ")
    return rest.strip() if first.startswith("/") else text.strip()


def hidden_links(message: Message) -> list[str]:
    """Links a reader can follow but the text does not show: `text_link` entities (a word
    linked in a recruiter's message) and URL buttons that came with a forwarded message."""
    if message.text:
        entities = message.parse_entities([MessageEntity.TEXT_LINK])
    else:
        entities = message.parse_caption_entities([MessageEntity.TEXT_LINK])
    links = [entity.url for entity in entities if entity.url]
    if message.reply_markup:
        for row in message.reply_markup.inline_keyboard:
            links.extend(button.url for button in row if button.url)
    shown = message.text or message.caption or ""
    return [link for link in dict.fromkeys(links) if link not in shown]


def checkable_text(message: Message, *, after_command: bool = False) -> str:
    """A message's text (or caption) plus its hidden links: everything a check should see."""
    text = command_text(message) if after_command else (message.text or message.caption or "")
    return "\n".join(part for part in (text.strip(), *hidden_links(message)) if part)


async def is_chat_admin(
    bot: Bot, chat_id: int | str, user_id: int, *, must_post: bool = False
) -> bool:
    """True when `user_id` administers the chat (and, with `must_post`, may post in it: a
    channel administrator can lack that right); False too when Telegram will not say."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.info("getChatMember %s/%s failed: %s", chat_id, user_id, exc)
        return False
    if member.status not in ADMIN_STATUSES:
        return False
    return not (
        must_post
        and isinstance(member, ChatMemberAdministrator)
        and member.can_post_messages is False
    )


async def sender_is_admin(update: Update, context: Context) -> bool:
    """Whether the person behind a group message may change the group's subscriptions.

    An anonymous administrator writes as the group itself (`sender_chat` is the group), which
    only administrators can do, so that counts as an administrator without asking Telegram.
    """
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or chat.type not in GROUP_TYPES:
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    return await is_chat_admin(context.bot, chat.id, user.id)


def tg(key: str, language: str, /, **params: object) -> str:
    """A message of this adapter's catalog domain (`telegram.po`, keys `telegram.*`)."""
    return t(f"telegram.{key}", language, **params)
