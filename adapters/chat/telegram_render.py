"""Neutral cards drawn as Telegram HTML with an inline keyboard.

Everything that comes from a posting or a user (titles, company names, descriptions, evidence,
URLs) is hostile: it goes through `escape_text` here, once, so a title such as
`<b>Earn $$$</b>` reaches the reader as those characters and never as markup, and an
`@handle` in it never becomes a mention that notifies someone in a group. Only the tags
written in this module reach Telegram's parser.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.cards import LEVEL_BADGES, Action, Button, Card

#: Telegram refuses a message longer than this, counted after entity parsing in UTF-16 units.
MAX_MESSAGE_UTF16 = 4096
#: Room kept free below the limit, so rounding in our count can never push a card over it.
_SAFETY_MARGIN_UTF16 = 96
_ELLIPSIS = "…"
#: Longest a single card part may be before anything is measured, so one huge field cannot
#: crowd out the rest of the card.
MAX_TITLE_CHARS = 256
MAX_FIELD_CHARS = 1024
#: Telegram's limit on a button's callback data.
MAX_CALLBACK_BYTES = 64
#: What a field may shrink to when many long fields have to share one message.
MIN_FIELD_CHARS = 32
#: "@name" starting a word: Telegram turns it into a mention, which notifies that person when
#: they are in the group. A word joiner after the "@" keeps the text as typed but not a mention;
#: an address such as `jobs@acme.com` (a letter before the "@") is left alone.
_MENTION_RE = re.compile(r"(?<!\w)@(?=\w)")
_WORD_JOINER = "\u2060"
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    """What `sendMessage` / `editMessageText` need: HTML text and its keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters, marking the cut with an ellipsis."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)].rstrip() + _ELLIPSIS


def safe_link(url: str | None) -> str | None:
    """The URL when Telegram would accept it in a link or button (http/https with a host).

    A posting may carry `javascript:` or `tg://` links; those are shown as text, never linked.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url.strip()


def escape_text(text: str) -> str:
    """Posting or user text made inert for HTML parse mode: no markup, no mentions."""
    return html.escape(_MENTION_RE.sub("@" + _WORD_JOINER, text), quote=False)


def linked(inner_html: str, url: str | None) -> str:
    """`inner_html` as a link to `url`, or left as is when the URL is not a safe web link."""
    link = safe_link(url)
    return f'<a href="{html.escape(link, quote=True)}">{inner_html}</a>' if link else inner_html


def _title_html(card: Card) -> str:
    title = escape_text(clip(card.title.strip(), MAX_TITLE_CHARS)) or "—"
    badge = f"{LEVEL_BADGES[card.level]} " if card.level else ""
    return f"{badge}<b>{linked(title, card.url)}</b>"


def _fields_html(card: Card, max_chars: int = MAX_FIELD_CHARS) -> str:
    return "\n".join(
        f"<b>{escape_text(field.label)}:</b> {escape_text(clip(field.value, max_chars))}"
        for field in card.fields
    )


def _visible_len(text: str) -> int:
    """Visible length of escaped HTML: what Telegram counts once it has parsed the tags."""
    return utf16_len(html.unescape(_TAG_RE.sub("", text)))


def card_html(card: Card) -> str:
    """The card as Telegram HTML: title, body, details, footer; cut to fit one message.

    The description (the posting or the pasted text) gives way first when the card is too
    long, since the details and the reasons are what the reader came for.
    """
    title = _title_html(card)
    footer = f"<i>{escape_text(clip(card.footer, MAX_FIELD_CHARS))}</i>" if card.footer else ""
    room_utf16 = MAX_MESSAGE_UTF16 - _SAFETY_MARGIN_UTF16
    details = _fields_html(card)
    fixed = "\n\n".join(part for part in (title, details, footer) if part)
    if _visible_len(fixed) > room_utf16:
        # Many long fields (a hostile posting's company, place and pay) share what is left
        # after the title and footer; a character counts at most 2 UTF-16 units.
        shared = room_utf16 - _visible_len(title) - _visible_len(footer) - 8
        labels = sum(utf16_len(field.label) + 3 for field in card.fields)
        each = (shared - labels) // (2 * len(card.fields))
        details = _fields_html(card, max(each, MIN_FIELD_CHARS))
        fixed = "\n\n".join(part for part in (title, details, footer) if part)
    budget_utf16 = room_utf16 - _visible_len(fixed)
    description = card.description.strip()
    if utf16_len(description) > budget_utf16:
        # A character counts at most 2 UTF-16 units, so half the budget in characters fits.
        description = clip(description, max(budget_utf16 // 2, 0))
    body = escape_text(description)
    heading = f"{title}\n{body}" if body else title
    return "\n\n".join(part for part in (heading, details, footer) if part)


def _button(button: Button) -> InlineKeyboardButton | None:
    if button.action is Action.OPEN:
        link = safe_link(button.url)
        return InlineKeyboardButton(button.label, url=link) if link else None
    payload = button.payload or ""
    if not payload or len(payload.encode()) > MAX_CALLBACK_BYTES:
        return None
    return InlineKeyboardButton(button.label, callback_data=payload)


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Two buttons a row, in the card's order: "Open", "Why?" / "Report", "Looks fine"."""
    drawn = [b for b in (_button(button) for button in buttons) if b is not None]
    if not drawn:
        return None
    rows = [drawn[i : i + 2] for i in range(0, len(drawn), 2)]
    return InlineKeyboardMarkup(rows)


def render_card(card: Card) -> TelegramMessage:
    return TelegramMessage(card_html(card), keyboard(card.buttons))


def plain_card(card: Card) -> TelegramMessage:
    """The card as plain text (sent with no parse mode) with its link written out and only
    the buttons that carry no URL: the form to fall back on when Telegram refuses the HTML or
    the link button of a card. Handles stay defused, as in the HTML form."""
    text = html.unescape(_TAG_RE.sub("", card_html(card)))
    link = safe_link(card.url)
    if link:
        text = f"{text}\n\n{link}"
    if utf16_len(text) > MAX_MESSAGE_UTF16:
        text = clip(text, MAX_MESSAGE_UTF16 // 2)
    buttons = tuple(button for button in card.buttons if button.action is not Action.OPEN)
    return TelegramMessage(text, keyboard(buttons))


def plain_html(text: str) -> str:
    """A text that may carry other people's words shown as is, with nothing in it parsed as
    markup and no handle in it a mention."""
    return escape_text(clip(text, MAX_MESSAGE_UTF16 // 2))


def own_html(text: str) -> str:
    """The bot's own words (catalog text filled with nothing but the bot's name), shown as is.
    Unlike `plain_html`, a handle stays as typed: help that reads "/subscribe @channel" must
    copy without a hidden word joiner, and the bot's words mention nobody."""
    return html.escape(clip(text, MAX_MESSAGE_UTF16 // 2), quote=False)
