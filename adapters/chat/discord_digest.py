"""Digests drawn as Discord embeds, and cut into as few messages as Discord's limits allow.

One message carries up to 10 embeds and 6000 characters across them, each embed description
up to 4096. A digest's lines (one posting each: level, linked title, company) fill embed after
embed; when a message is full the rest goes to the next page. `DiscordDigestPager` makes that
cut when the digest is made, so each page is one outbox row and a page that was sent is never
sent again; `digest_embeds` draws a page the same way when it is sent.

Posting text is escaped like every card (`discord_render.escape_text`): no mention pings, no
masked link hides its target.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import discord

from adapters.chat.discord_render import (
    CONTENT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    embed_length,
    fit,
    plain_text,
    safe_url,
    text_length,
)
from bot.delivery.digest_render import (
    digest_footer,
    digest_summary,
    digest_title,
    entry_line,
)
from bot.models import Digest, DigestEntry

#: Discord's most embeds in one message.
EMBEDS_MAX = 10
#: A posting link longer than this is not linked (the title is shown alone): one hostile URL
#: must not eat a page.
LINK_MAX = 512
#: Room kept below Discord's limits, against rounding in how we count.
_SLACK = 50
#: The page numbers a page is measured with before the real ones are known.
_WIDEST_PAGE = 99
DIGEST_COLOUR = 0x546E7A
_NO_BRACKETS = str.maketrans("[]", "()")


def _link(url: str) -> str | None:
    """A URL that cannot break out of `[title](url)`, or None when it should not be linked."""
    link = safe_url(url, max_length=LINK_MAX)
    if link is None:
        return None
    return link.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def digest_line(entry: DigestEntry, language: str) -> str:
    """ "🟢 Looks fine (12/100) · **[AI Trainer](https://…)** — Scale AI" """
    line = entry_line(entry, language)
    link = _link(line.url)
    raw_title = line.title
    if link is not None:
        # Inside the brackets of a masked link an escaped "[" is not enough: a "](" in the
        # title would end the link there and point it at the title's own address.
        raw_title = raw_title.translate(_NO_BRACKETS)
    title = f"**{fit(raw_title, 256)}**"
    if link is not None:
        title = f"[{title}]({link})"
    company = f" — {fit(line.company, 120)}" if line.company else ""
    # A board that asks for credit gets it, linked back to the posting on it.
    credit = ""
    if line.credit:
        credit = f" · [{line.credit}]({link})" if link is not None else f" · {line.credit}"
    return f"{line.badge} · {title}{company}{credit}"


def _blocks(first: str, lines: Sequence[str]) -> list[list[str]]:
    """Lines packed into embed descriptions, in order, `first` (the summary) leading."""
    blocks: list[list[str]] = [[first]]
    used = text_length(first)
    for line in lines:
        cost = text_length(line)
        if used + 1 + cost > DESCRIPTION_MAX - _SLACK:
            blocks.append([line])
            used = cost
        else:
            blocks[-1].append(line)
            used += 1 + cost
    return blocks


def digest_embeds(digest: Digest, language: str) -> list[discord.Embed]:
    """A digest page as embeds: the title and summary on the first, the lines filling one
    description after another, the delivery mode as the last footer."""
    title = fit(digest_title(digest, language), TITLE_MAX)
    footer = fit(digest_footer(digest, language), FOOTER_MAX, markdown=False)
    summary = fit(digest_summary(digest, language), DESCRIPTION_MAX // 4)
    lines = [digest_line(entry, language) for entry in digest.entries]
    embeds = [
        discord.Embed(description="\n".join(block), colour=DIGEST_COLOUR)
        for block in _blocks(summary, lines)
    ]
    embeds[0].title = title
    embeds[-1].set_footer(text=footer)
    return embeds


def digest_text(digest: Digest, language: str) -> str:
    """The page as one plain message, for when Discord refuses its embeds: each posting's
    address in angle brackets (linked, never previewed), as many postings as 2000 characters
    hold, then how many more there were."""
    lines = [f"**{fit(digest_title(digest, language), TITLE_MAX)}**"]
    lines.append(fit(digest_summary(digest, language), CONTENT_MAX // 4))
    used = sum(text_length(line) + 1 for line in lines)
    for shown, entry in enumerate(digest.entries):
        line = entry_line(entry, language)
        link = _link(line.url)
        text = f"{plain_text(line.badge)} · {fit(line.title, 256)}"
        text += f" · {line.credit}" if line.credit else ""
        text += f" <{link}>" if link and not any(ch in link for ch in "<>") else ""
        rest = len(digest.entries) - shown
        if used + text_length(text) + 1 + 20 > CONTENT_MAX:
            lines.append(f"… +{rest}")
            break
        lines.append(text)
        used += text_length(text) + 1
    return "\n".join(lines)


def fits_one_message(embeds: Sequence[discord.Embed]) -> bool:
    total = sum(embed_length(embed) for embed in embeds)
    return len(embeds) <= EMBEDS_MAX and total <= EMBED_TOTAL_MAX - _SLACK


class DiscordDigestPager:
    """How many postings go in each message of a Discord digest: as many as one message
    holds, measured with the same packing `digest_embeds` draws (and the widest page
    numbers, which are not known yet)."""

    def pages(self, digest: Digest, language: str) -> list[int]:
        widest = dataclasses.replace(digest, page=_WIDEST_PAGE, pages=_WIDEST_PAGE)
        title = fit(digest_title(widest, language), TITLE_MAX)
        footer = fit(digest_footer(widest, language), FOOTER_MAX, markdown=False)
        summary = fit(digest_summary(widest, language), DESCRIPTION_MAX // 4)
        fixed = text_length(title) + text_length(footer) + text_length(summary)
        sizes: list[int] = []
        size = blocks = used = total = 0
        for entry in digest.entries:
            if size == 0:
                blocks, used, total = 1, text_length(summary), fixed
            cost = text_length(digest_line(entry, language))
            if used + 1 + cost > DESCRIPTION_MAX - _SLACK:
                blocks, used, total = blocks + 1, cost, total + cost
            else:
                used, total = used + 1 + cost, total + 1 + cost
            if size > 0 and (blocks > EMBEDS_MAX or total > EMBED_TOTAL_MAX - _SLACK):
                sizes.append(size)  # this posting opens the next page
                size, blocks, used, total = 1, 1, text_length(summary) + 1 + cost, fixed + 1 + cost
            else:
                size += 1
        if size:
            sizes.append(size)
        return sizes or [0]
