"""Neutral cards drawn as Discord embeds: hostile text escaped, every limit respected.

Posting text comes from strangers. Everything taken from a card is escaped for Discord
markdown and has its mentions broken, so a title such as "@everyone click here", a role
mention or a masked link `[bank](https://evil)` shows as the literal text it is: nobody is
pinged and no link hides its target. Text too long for an embed is cut with an ellipsis
rather than rejected, because Discord refuses the whole message when one limit is exceeded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import discord

from bot.delivery.cards import Card
from bot.i18n import t
from bot.services.sources import status_text

if TYPE_CHECKING:
    from bot.services import SourceHealth

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000  # across every embed of one message
EMBED_URL_MAX = 2048
BUTTON_URL_MAX = 512
BUTTON_LABEL_MAX = 80
INLINE_VALUE_MAX = 40  # a field this short sits beside its neighbours
ELLIPSIS = "…"
CONTENT_MAX = 2000  # a message's own text

# Direction overrides and isolates reorder what a reader sees ("moc.live//:sptth"); they are
# dropped rather than escaped because Discord has no escape for them.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What could close the angle brackets around a link (inside them Discord reads no markdown).
_LINK_BREAKERS = re.compile(r"[<>]")
# An opening bracket not already escaped by an odd run of backslashes.
_BRACKET = re.compile(r"(\\*)\[")


def _escape_brackets(text: str) -> str:
    """Escape every `[` that escape_markdown left, so no masked link survives.

    `discord.utils.escape_markdown` escapes only the first `[` of a greedy `[..](..)` match,
    which leaves `[a](x) and [b](y)` or `[[b](y)` with a working masked link.
    """

    def escape(match: re.Match[str]) -> str:
        slashes = match.group(1)
        return match.group(0) if len(slashes) % 2 else f"{slashes}\\["

    return _BRACKET.sub(escape, text)


def escape_text(text: str) -> str:
    """Text that renders literally in embed titles, descriptions and fields, and pings no one."""
    text = _BIDI_CONTROLS.sub("", text)
    text = discord.utils.escape_markdown(text)
    text = _escape_brackets(text)
    return discord.utils.escape_mentions(text)


def plain_text(text: str) -> str:
    """For places that draw no markdown (footers, button labels): mentions broken only,
    since a backslash there would be shown as is."""
    return discord.utils.escape_mentions(_BIDI_CONTROLS.sub("", text))


def text_length(text: str) -> int:
    """Length as Discord counts it for limits. UTF-16 code units, the stricter count, so
    a text of emoji outside the BMP never slips over a limit."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int, *, markdown: bool = True) -> str:
    """`text` made safe and cut to `limit` with an ellipsis when it is longer.

    The cut is made on the raw text and the prefix escaped again, so an escape sequence is
    never split in two.
    """
    transform = escape_text if markdown else plain_text
    safe = transform(text)
    if text_length(safe) <= limit:
        return safe
    budget = limit - text_length(ELLIPSIS)
    low, high = 0, len(text)
    while low < high:  # the longest raw prefix whose escaped form fits the budget
        middle = (low + high + 1) // 2
        if text_length(transform(text[:middle].rstrip())) <= budget:
            low = middle
        else:
            high = middle - 1
    return transform(text[:low].rstrip()) + ELLIPSIS


def safe_url(url: str | None, *, max_length: int = EMBED_URL_MAX) -> str | None:
    """The URL when Discord will accept it as an embed or button link, else None.

    Discord rejects the whole message for a malformed link, so a posting with a strange URL
    loses its link instead of its alert.
    """
    if not url or len(url) > max_length or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return url


@dataclass(slots=True)
class _Part:
    """One text slot of an embed, kept raw so that it can be cut again to a smaller budget."""

    raw: str
    limit: int
    markdown: bool = True
    text: str = ""

    def render(self) -> None:
        self.text = fit(self.raw, self.limit, markdown=self.markdown)


def _shrink_to_total(parts: list[_Part], total_max: int) -> None:
    """Cut the longest parts until the embed fits `total_max` characters in all."""
    for part in parts:
        part.render()
    while (excess := sum(text_length(p.text) for p in parts) - total_max) > 0:
        longest = max(parts, key=lambda p: text_length(p.text))
        current = text_length(longest.text)
        if current <= 1:  # nothing left to cut; cannot happen with Discord's limits
            break
        longest.limit = max(1, current - excess)
        longest.render()


def card_to_embed(card: Card, *, total_max: int = EMBED_TOTAL_MAX) -> discord.Embed:
    """The embed for a card: colour by level, title as link, fields, footer.

    `total_max` is this embed's share of the 6000 characters a message may carry.
    """
    title = _Part(card.title or ELLIPSIS, TITLE_MAX)
    description = _Part(card.description, DESCRIPTION_MAX)
    footer = _Part(card.footer, FOOTER_MAX, markdown=False)
    fields = [
        (_Part(f.label, FIELD_NAME_MAX), _Part(f.value or "-", FIELD_VALUE_MAX))
        for f in card.fields[:FIELDS_MAX]
    ]
    parts = [title, description, footer] + [p for pair in fields for p in pair]
    _shrink_to_total(parts, total_max)

    embed = discord.Embed(
        title=title.text,
        url=safe_url(card.url),
        description=description.text or None,
        colour=card.colour,
    )
    for name, value in fields:
        inline = "\n" not in value.raw and len(value.raw) <= INLINE_VALUE_MAX
        embed.add_field(name=name.text or "-", value=value.text or "-", inline=inline)
    if footer.text:
        embed.set_footer(text=footer.text)
    return embed


def card_to_text(card: Card) -> str:
    """The card as a plain message, for when Discord refuses its embed: the title, the link
    and as many fields as fit Discord's 2000 characters, all of it escaped like the embed."""
    lines = [f"**{fit(card.title or ELLIPSIS, TITLE_MAX)}**"]
    link = safe_url(card.url)
    if link is not None and not _LINK_BREAKERS.search(link):
        lines.append(f"<{plain_text(link)}>")  # in angle brackets: linked, never previewed
    used = sum(text_length(line) + 1 for line in lines)
    for field in card.fields:
        line = f"{fit(field.label, FIELD_NAME_MAX)}: {fit(field.value or '-', FIELD_VALUE_MAX)}"
        if used + text_length(line) + 1 > CONTENT_MAX:
            break
        lines.append(line)
        used += text_length(line) + 1
    return "\n".join(lines)


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts towards the 6000-character total of a message."""
    total = text_length(embed.title or "") + text_length(embed.description or "")
    total += text_length(embed.footer.text or "")
    total += text_length(embed.author.name or "")
    for field in embed.fields:
        total += text_length(field.name or "") + text_length(field.value or "")
    return total


# -- /sources -----------------------------------------------------------------------------------


def _badge(source: SourceHealth) -> str:
    if source.disabled:
        return "⛔"
    if source.last_poll is None:
        return "⚪"
    if source.consecutive_failures == 0:
        return "🟢"
    return "🟠" if source.consecutive_failures < 3 else "🔴"


def _when(iso: str | None, language: str) -> str:
    """A Discord timestamp, which each reader's client shows in their own zone and language."""
    if not iso:
        return t("discord.sources.never", language)
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return escape_text(iso)
    return discord.utils.format_dt(moment, style="R")


#: How long a source's last status may be, before the embed's 6000 in all asks for less.
STATUS_MAX = 300
_SOURCE_NAME_MAX = 100


def sources_embed(health: list[SourceHealth], language: str) -> discord.Embed:
    """A field per source (the first 25). A long list of sources with long statuses would
    pass the 6000 characters of an embed, so the statuses and names are cut shorter until
    it fits, rather than the list being refused."""
    text_max = STATUS_MAX
    while True:
        embed = _sources_embed(health, language, text_max)
        fits = embed_length(embed) <= EMBED_TOTAL_MAX and all(
            text_length(field.value or "") <= FIELD_VALUE_MAX for field in embed.fields
        )
        if fits or text_max <= 1:
            return embed
        text_max //= 2


def _sources_embed(health: list[SourceHealth], language: str, text_max: int) -> discord.Embed:
    embed = discord.Embed(title=fit(t("discord.sources.title", language), TITLE_MAX))
    for source in health[:FIELDS_MAX]:
        value = t(
            "discord.sources.disabled" if source.disabled else "discord.sources.line",
            language,
            last=_when(source.last_poll, language),
            status=fit(status_text(source, language), text_max),
            failures=source.consecutive_failures,
            next=_when(source.next_poll, language),
            seen=source.postings_seen,
        )
        name = fit(f"{_badge(source)} {source.name}", min(_SOURCE_NAME_MAX, text_max + 20))
        embed.add_field(name=name, value=value, inline=False)
    if len(health) > FIELDS_MAX:
        more = t("discord.sources.more", language, count=len(health) - FIELDS_MAX)
        embed.set_footer(text=fit(more, FOOTER_MAX, markdown=False))
    return embed
