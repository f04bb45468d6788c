"""Alerts to Telegram chats, within Telegram's flood limits, with errors turned into outcomes.

Alerts are paced before they get here: the outbox drainer takes a slot in Telegram's budget
(30 messages a second overall, one a second in a chat, 20 a minute in a group: see
`bot.delivery.pacing`) before each send. PTB's `AIORateLimiter` (configured on the Application
in `telegram_app`) still paces command replies; it is built with `max_retries=0`, so a
`RetryAfter` reaches us instead of being slept on inside PTB: it becomes `RateLimited`, which
pauses the chat, or every Telegram send when it was the bot-wide limit (the pacer tells which:
Telegram does not say), and is logged as one WARNING by the drainer, so PTB's own report of
it, an ERROR with a traceback, is dropped.

The sender never decides what happens to an alert: it reports one of the `bot.delivery.outcomes`
outcomes and the drainer acts on it (retry later, pause the chat, follow a migrated group).
One exception keeps a chat's alerts flowing: when Telegram refuses the message itself (a
400 about the HTML or a button, not the chat), the drainer would hold the chat's later alerts
behind one that can never go, so the alert is sent again at once as plain text without its
link button, and a text Telegram refuses too is `Rejected` (kept as failed, not retried).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Literal

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.chat.telegram_digest import TelegramDigestPager, digest_html, digest_plain
from adapters.chat.telegram_render import TelegramMessage, plain_card, render_card
from bot.delivery.outcomes import (
    ChatGone,
    ChatMoved,
    Delivered,
    RateLimited,
    Rejected,
    SendOutcome,
    Transient,
)
from bot.delivery.render import alert_card
from bot.logs import ids as log_ids
from bot.models import AlertEdit, ChatRef, Deliverable, Digest, DigestAlert

log = logging.getLogger("vigia.telegram")

PLATFORM = "telegram"

#: `BadRequest` descriptions that mean the chat is unreachable for good, not that one message
#: was malformed: the bot was removed, the chat deleted, or it lost the right to post.
_GONE_MARKERS = (
    "chat not found",
    "bot was kicked",
    "bot is not a member",
    "have no rights to send",
    "not enough rights to send",
    "need administrator rights",
    "chat_write_forbidden",
    "user is deactivated",
    "peer_id_invalid",
)


#: `BadRequest` descriptions of an edit that can never be made: the message was deleted, or
#: Telegram no longer lets the bot edit it.
_EDIT_GONE_MARKERS = (
    "message to edit not found",
    "message can't be edited",
    "message_id_invalid",
)


def edit_unchanged(exc: BadRequest) -> bool:
    """Telegram's answer to an edit that changes nothing: the message already shows it."""
    return "message is not modified" in exc.message.lower()


def edit_impossible(exc: BadRequest) -> bool:
    lowered = exc.message.lower()
    return any(marker in lowered for marker in _EDIT_GONE_MARKERS)


def telegram_chat_id(chat: ChatRef) -> int | str:
    """The `chat_id` the Bot API wants: a number, or `@channelname` as is."""
    try:
        return int(chat.chat_id)
    except ValueError:
        return chat.chat_id


def retry_after_s(exc: RetryAfter) -> float:
    """`RetryAfter.retry_after` is an int or a timedelta depending on PTB's opt-in; both work."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # the int form is deprecated
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def payload_refused(exc: BadRequest) -> bool:
    """Telegram refused the message itself (markup it cannot parse, a button URL it will not
    take), not the chat: sending the same message later would fail the same way."""
    lowered = exc.message.lower()
    return not any(marker in lowered for marker in _GONE_MARKERS)


def outcome_of(exc: TelegramError) -> SendOutcome:
    """The delivery outcome a Telegram error stands for.

    Order matters: PTB's `BadRequest` and `TimedOut` are subclasses of `NetworkError`, so the
    specific cases are tested first.
    """
    if isinstance(exc, RetryAfter):
        # Telegram's 429 does not say which limit it is (the bot's 30 a second, the chat's
        # one a second, the group's 20 a minute): the drainer's pacer tells them apart.
        return RateLimited(retry_after_s(exc), everywhere=None)
    if isinstance(exc, ChatMigrated):
        return ChatMoved(ChatRef(PLATFORM, str(exc.new_chat_id)))
    if isinstance(exc, Forbidden):
        return ChatGone(exc.message)
    if isinstance(exc, BadRequest):
        if not payload_refused(exc):
            return ChatGone(exc.message)
        # `TelegramSender.send` falls back to plain text on these; anything else that gets
        # here is kept and retried with backoff: an alert is never dropped here.
        return Transient(f"bad request: {exc.message}")
    if isinstance(exc, NetworkError):
        return Transient(exc.message)
    return Transient(f"{type(exc).__name__}: {exc.message}")


class _DropRateLimitTraceback(logging.Filter):
    """PTB logs a `RetryAfter` it does not retry as an ERROR with a traceback; the drainer
    already logs it as one WARNING line, so that record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_DropRateLimitTraceback())


class TelegramSender:
    """`bot.delivery.Sender` for Telegram: one HTML message per alert, with its keyboard.

    `bot` should be the Application's bot, so that its `AIORateLimiter` applies to alerts and
    command replies alike.
    """

    platform = PLATFORM

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    def digest_pages(self, digest: Digest, language: str) -> list[int]:
        """How a digest is cut into Telegram messages (`bot.delivery.digest.DigestPager`)."""
        return TelegramDigestPager().pages(digest, language)

    async def send(self, alert: Deliverable) -> SendOutcome:
        if isinstance(alert, DigestAlert):
            return await self._send_digest(alert)
        card = alert_card(alert)
        return await self._send_html_else_plain(
            alert, "alert", render_card(card), lambda: plain_card(card)
        )

    async def edit(self, edit: AlertEdit) -> SendOutcome:
        """Draw a sent alert again (`editMessageText`), as plain text if the HTML is refused.
        A message that was deleted or can no longer be edited is `Rejected`; the chat is
        never paused over an edit (its next alert finds out)."""
        chat = edit.alert.subscription.chat
        card = alert_card(edit.alert)
        try:
            try:
                await self._edit(chat, edit.message_id, render_card(card), ParseMode.HTML)
            except BadRequest as exc:
                if edit_unchanged(exc):
                    return Delivered(edit.message_id)
                if edit_impossible(exc) or not payload_refused(exc):
                    return Rejected(f"edit refused: {exc.message}"[:300])
                log.warning(
                    "telegram refused edit of alert %s (%s); as text",
                    edit.alert.id,
                    exc,
                    extra=log_ids(chat=chat, alert=edit.alert.id),
                )
                try:
                    await self._edit(chat, edit.message_id, plain_card(card), None)
                except BadRequest as again:
                    if edit_unchanged(again):
                        return Delivered(edit.message_id)
                    return Rejected(f"edit refused as HTML and as text: {again.message}"[:300])
        except TelegramError as exc:
            outcome = outcome_of(exc)
            if isinstance(outcome, ChatGone | ChatMoved):
                return Rejected(f"edit refused: {exc.message}"[:300])
            return outcome
        return Delivered(edit.message_id)

    async def _edit(
        self,
        chat: ChatRef,
        message_id: str,
        message: TelegramMessage,
        parse_mode: ParseMode | None,
    ) -> None:
        await self._bot.edit_message_text(
            chat_id=telegram_chat_id(chat),
            message_id=int(message_id),
            text=message.html,
            parse_mode=parse_mode,
            reply_markup=message.keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _send_digest(self, alert: DigestAlert) -> SendOutcome:
        """One page of a digest (the drainer paces it like an alert); as plain text if the
        HTML is refused."""
        language = alert.subscription.language
        return await self._send_html_else_plain(
            alert,
            "digest",
            TelegramMessage(digest_html(alert.digest, language), None),
            lambda: TelegramMessage(digest_plain(alert.digest, language), None),
        )

    async def _send_html_else_plain(
        self,
        row: Deliverable,
        kind: Literal["alert", "digest"],
        html: TelegramMessage,
        plain: Callable[[], TelegramMessage],
    ) -> SendOutcome:
        """Send `html`; if Telegram refuses it as HTML, send `plain()` as text. What Telegram
        answers becomes the outcome; the log lines name the row as `kind`."""
        chat = row.subscription.chat
        try:
            try:
                sent = await self._send(chat, html, ParseMode.HTML)
            except BadRequest as exc:
                if not payload_refused(exc):
                    raise
                log.warning(
                    "telegram refused %s %s (%s); sent as text",
                    kind,
                    row.id,
                    exc,
                    extra=log_ids(chat=chat, alert=row.id),
                )
                try:
                    sent = await self._send(chat, plain(), None)
                except BadRequest as again:
                    if not payload_refused(again):
                        raise
                    what = "" if kind == "alert" else f"{kind} "
                    return Rejected(f"{what}refused as HTML and as text: {again.message}"[:300])
        except TelegramError as exc:
            outcome = outcome_of(exc)
            log.info(
                "%s %s to %s: %s",
                kind,
                row.id,
                chat,
                outcome,
                extra=log_ids(chat=chat, alert=row.id),
            )
            return outcome
        return Delivered(str(sent.message_id))

    async def _send(
        self, chat: ChatRef, message: TelegramMessage, parse_mode: ParseMode | None
    ) -> Message:
        return await self._bot.send_message(
            chat_id=telegram_chat_id(chat),
            text=message.html,
            parse_mode=parse_mode,
            reply_markup=message.keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
