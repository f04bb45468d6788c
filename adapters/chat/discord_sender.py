"""Posts alerts to Discord channels and turns every failure into an outcome the drainer knows.

Alerts are paced before they get here (the outbox drainer takes a slot in Discord's budget,
50 requests a second and about one message a second per channel: `bot.delivery.pacing`).
discord.py also paces requests by Discord's rate-limit headers and retries short 429s
itself; the client is built with `max_ratelimit_timeout`, so a longer wait surfaces here as
`discord.RateLimited` and becomes `RateLimited`, which lets the drainer hold back only that
channel instead of sleeping inside one send.

A 400 says the payload itself was refused, so sending the same embed again later would fail
the same way and, as the drainer holds a chat's later alerts behind a failing one, would stop
the channel's alerts for good. The alert is sent again at once as plain text instead, and a
text the channel refuses too (an AutoMod rule) is `Rejected`: kept as failed, not retried.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

import aiohttp
import discord

from adapters.chat.discord_buttons import card_view, or_missing
from adapters.chat.discord_common import NO_MENTIONS
from adapters.chat.discord_digest import DiscordDigestPager, digest_embeds, digest_text
from adapters.chat.discord_render import card_to_embed, card_to_text
from bot.delivery.cards import Action, Card
from bot.delivery.outcomes import ChatGone, Delivered, RateLimited, Rejected, SendOutcome, Transient
from bot.delivery.render import alert_card
from bot.logs import ids as log_ids
from bot.models import AlertEdit, Deliverable, Digest, DigestAlert

log = logging.getLogger("vigia.discord")
#: Why a row refused with embeds and again as plain text is never sent, by kind of row.
_REFUSED_BOTH = {
    "alert": "refused as embed and as text",
    "digest": "digest refused as embeds and as text",
}

#: A 429 that names no wait (neither body nor header) is retried after this.
DEFAULT_RETRY_AFTER_S = 5.0
#: Statuses that mean the bot can no longer post there: removed from the server, channel
#: deleted, or permissions taken away (Discord answers 403 Missing Access / Missing
#: Permissions and 404 Unknown Channel).
GONE_STATUSES = frozenset({403, 404})
#: 400s that are about the channel rather than the message: not a text channel (50008), a
#: forum (40058), an archived (50083) or locked (160005) thread. No payload would get in.
CHANNEL_REFUSES_CODES = frozenset({50008, 40058, 50083, 160005})


def retry_after_s(error: discord.HTTPException) -> float:
    """The wait Discord asked for on a 429 that discord.py handed back unretried
    (a Cloudflare-level 429 carries no JSON body, only the header)."""
    header = error.response.headers.get("Retry-After") if error.response is not None else None
    try:
        return max(0.0, float(header)) if header is not None else DEFAULT_RETRY_AFTER_S
    except ValueError:
        return DEFAULT_RETRY_AFTER_S


def is_global_limit(error: discord.HTTPException) -> bool:
    """A 429 that holds every request (the bot's global limit, or Cloudflare's, which names
    no route bucket) rather than one channel's bucket."""
    headers = error.response.headers if error.response is not None else {}
    if headers.get("X-RateLimit-Global", "").lower() == "true":
        return True
    scope = headers.get("X-RateLimit-Scope")
    return scope == "global" or (scope is None and "X-RateLimit-Bucket" not in headers)


def outcome_for_error(error: discord.HTTPException) -> SendOutcome:
    """Discord's answer to a failed send as one of the drainer's outcomes."""
    reason = f"HTTP {error.status} (code {error.code}): {error.text}"[:300]
    if error.status == 429:
        return RateLimited(retry_after_s(error), everywhere=is_global_limit(error))
    if error.status in GONE_STATUSES or (
        error.status == 400 and error.code in CHANNEL_REFUSES_CODES
    ):
        return ChatGone(reason)
    # 5xx after discord.py's own retries, a 401 while the token is being replaced: retried
    # with backoff, never dropped.
    return Transient(reason)


def payload_refused(error: discord.HTTPException) -> bool:
    """Discord refused what was sent (an embed or link it would not take), not the channel."""
    return error.status == 400 and error.code not in CHANNEL_REFUSES_CODES


def _without_link_button(card: Card) -> Card:
    """The card's buttons that carry no URL, which is the part of a button Discord can refuse."""
    buttons = tuple(button for button in card.buttons if button.action is not Action.OPEN)
    return dataclasses.replace(card, buttons=buttons)


class DiscordSender:
    """`bot.delivery.Sender` for `discord:<channel id>` chats, over a logged-in client."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def digest_pages(self, digest: Digest, language: str) -> list[int]:
        """How a digest is cut into Discord messages (`bot.delivery.digest.DigestPager`)."""
        return DiscordDigestPager().pages(digest, language)

    async def send(self, alert: Deliverable) -> SendOutcome:
        chat_id = alert.subscription.chat.chat_id
        if not chat_id.isdigit():
            return ChatGone(f"not a Discord channel id: {chat_id!r}")
        if self._client.user is None:  # not logged in yet, or logged out for a restart
            return Transient("discord client not logged in")
        if isinstance(alert, DigestAlert):
            return await self._send_digest(chat_id, alert)
        card = alert_card(alert)
        channel = self._client.get_partial_messageable(int(chat_id))
        return await self._send_rich_else_text(
            alert,
            "alert",
            lambda: channel.send(
                embed=card_to_embed(card),
                view=or_missing(card_view(card)),
                allowed_mentions=NO_MENTIONS,
            ),
            lambda: channel.send(
                card_to_text(card),
                view=or_missing(card_view(_without_link_button(card))),
                allowed_mentions=NO_MENTIONS,
                suppress_embeds=True,
            ),
        )

    async def edit(self, edit: AlertEdit) -> SendOutcome:
        """Draw a sent alert again (PATCH the message), as plain text if Discord refuses the
        embed. A message that was deleted, or a channel the bot lost, is `Rejected`: the
        chat is never paused over an edit (its next alert finds out)."""
        chat_id = edit.alert.subscription.chat.chat_id
        if not chat_id.isdigit() or not edit.message_id.isdigit():
            return Rejected(f"not a Discord message: {chat_id!r}/{edit.message_id!r}"[:300])
        if self._client.user is None:
            return Transient("discord client not logged in")
        card = alert_card(edit.alert)
        message = self._client.get_partial_messageable(int(chat_id)).get_partial_message(
            int(edit.message_id)
        )
        try:
            try:
                await message.edit(
                    content=None,  # the text of an alert once sent as plain text goes
                    embed=card_to_embed(card),
                    view=or_missing(card_view(card)),
                    allowed_mentions=NO_MENTIONS,
                )
            except discord.HTTPException as error:
                if not payload_refused(error):
                    raise
                log.warning(
                    "discord refused edit of alert %d (%s); as text", edit.alert.id, error.text
                )
                await message.edit(
                    content=card_to_text(card),
                    embed=None,
                    view=or_missing(card_view(_without_link_button(card))),
                    allowed_mentions=NO_MENTIONS,
                )
        except discord.RateLimited as error:
            return RateLimited(error.retry_after, everywhere=False)
        except discord.HTTPException as error:
            outcome = outcome_for_error(error)
            if isinstance(outcome, ChatGone) or payload_refused(error):
                return Rejected(f"edit refused: HTTP {error.status} (code {error.code})"[:300])
            return outcome
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            return Transient(f"{type(error).__name__}: {error}"[:300])
        return Delivered(edit.message_id)

    async def _send_digest(self, chat_id: str, alert: DigestAlert) -> SendOutcome:
        """One page of a digest, as embeds; as plain text if Discord refuses the embeds."""
        language = alert.subscription.language
        channel = self._client.get_partial_messageable(int(chat_id))
        return await self._send_rich_else_text(
            alert,
            "digest",
            lambda: channel.send(
                embeds=digest_embeds(alert.digest, language), allowed_mentions=NO_MENTIONS
            ),
            lambda: channel.send(
                digest_text(alert.digest, language),
                allowed_mentions=NO_MENTIONS,
                suppress_embeds=True,
            ),
        )

    async def _send_rich_else_text(
        self,
        row: Deliverable,
        kind: Literal["alert", "digest"],
        rich: Callable[[], Awaitable[discord.Message]],
        text: Callable[[], Awaitable[discord.Message]],
    ) -> SendOutcome:
        """Send the row with embeds (`rich`); if Discord refuses them, as plain text (`text`).
        What Discord answers becomes the outcome; the log lines name the row as `kind`."""
        chat = row.subscription.chat
        try:
            try:
                message = await rich()
            except discord.HTTPException as error:
                if not payload_refused(error):
                    raise
                log.warning(
                    "discord refused %s %d (%s); sent as text",
                    kind,
                    row.id,
                    error.text,
                    extra=log_ids(chat=chat, alert=row.id),
                )
                try:
                    message = await text()
                except discord.HTTPException as text_error:
                    if not payload_refused(text_error):
                        raise
                    # Refused even as plain text (an AutoMod rule, say): it will never go.
                    return Rejected(f"{_REFUSED_BOTH[kind]}: {text_error.text}"[:300])
        except discord.RateLimited as error:
            # discord.py waits out short limits itself (the global one for every request);
            # this is one route's wait too long to sleep through: hold this channel only.
            return RateLimited(error.retry_after, everywhere=False)
        except discord.HTTPException as error:
            outcome = outcome_for_error(error)
            log.info(
                "discord %s to %s: %s",
                "send" if kind == "alert" else kind,
                chat.chat_id,
                outcome,
                extra=log_ids(chat=chat, alert=row.id),
            )
            return outcome
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            return Transient(f"{type(error).__name__}: {error}"[:300])
        return Delivered(str(message.id))
