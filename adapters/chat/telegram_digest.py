"""Digests drawn as Telegram HTML, and cut into as few messages as Telegram's limits allow.

A message may show 4096 characters (UTF-16 units, counted after the HTML is parsed: a link's
address does not count), hold at most 100 formatted entities (the rest are silently dropped)
and about 9500 characters of text and link addresses together ("entities too long"). Each
digest line is one link, so a page holds as many lines as fit all three. `TelegramDigestPager`
makes that cut when the digest is made, so each page is one outbox row and a page that was
sent is never sent again; `digest_html` draws a page the same way when it is sent.

Posting text goes through `telegram_render.escape_text`, like every card.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence

from adapters.chat.telegram_render import (
    MAX_MESSAGE_UTF16,
    escape_text,
    linked,
    safe_link,
    utf16_len,
)
from bot.delivery.digest_render import (
    digest_footer,
    digest_summary,
    digest_title,
    entry_line,
)
from bot.models import Digest, DigestEntry

#: Room kept below each limit, against rounding in how we count.
VISIBLE_MAX = MAX_MESSAGE_UTF16 - 96
ENTITIES_MAX = 90
RAW_MAX = 8000
#: A posting link longer than this is not linked: one hostile URL must not eat a page.
LINK_MAX = 512
_WIDEST_PAGE = 99
_TAG_RE = re.compile(r"<[^>]*>")


@dataclasses.dataclass(frozen=True, slots=True)
class _Line:
    html: str
    visible: int  # UTF-16 units once parsed
    raw: int  # visible text plus link addresses
    entities: int


def _line(entry: DigestEntry, language: str) -> _Line:
    line = entry_line(entry, language)
    title = escape_text(line.title)
    link = safe_link(line.url) if len(line.url) <= LINK_MAX else None
    company = f" — {escape_text(line.company)}" if line.company else ""
    # A board that asks for credit gets it, linked back to the posting on it.
    credit = f" · {linked(escape_text(line.credit), link)}" if line.credit else ""
    text = f"{escape_text(line.badge)} · {linked(title, link)}{company}{credit}"
    shown = _visible(text)
    links = (1 if link else 0) * (2 if line.credit else 1)
    return _Line(text, shown, shown + len(link or "") * links, links)


def _visible(markup: str) -> int:
    """What Telegram counts of HTML: the text once tags are parsed away, in UTF-16 units."""
    return utf16_len(html.unescape(_TAG_RE.sub("", markup)))


def _frame(digest: Digest, language: str) -> tuple[str, str, _Line]:
    """The heading and footer of a page, and what they cost."""
    head = f"<b>{escape_text(digest_title(digest, language))}</b>\n"
    head += escape_text(digest_summary(digest, language))
    foot = f"<i>{escape_text(digest_footer(digest, language))}</i>"
    cost = _visible(head) + _visible(foot) + 4  # the blank lines around the postings
    return head, foot, _Line("", cost, cost, 2)


def digest_html(digest: Digest, language: str) -> str:
    """A digest page: bold title, summary, one line per posting, the delivery mode last."""
    head, foot, _ = _frame(digest, language)
    lines = [_line(entry, language).html for entry in digest.entries]
    return "\n\n".join(part for part in (head, "\n".join(lines), foot) if part)


def digest_plain(digest: Digest, language: str) -> str:
    """The page as plain text, each posting's address written out: the form to fall back on
    when Telegram refuses the HTML. Handles stay defused."""
    lines = [digest_title(digest, language), digest_summary(digest, language), ""]
    for entry in digest.entries:
        line = entry_line(entry, language)
        company = f" — {line.company}" if line.company else ""
        credit = f" · {line.credit}" if line.credit else ""
        lines.append(f"{line.badge} · {line.title}{company}{credit}")
        link = safe_link(line.url) if len(line.url) <= LINK_MAX else None
        if link:
            lines.append(link)
    lines += ["", digest_footer(digest, language)]
    text = html.unescape(escape_text("\n".join(lines)))
    return text if utf16_len(text) <= MAX_MESSAGE_UTF16 else text[: MAX_MESSAGE_UTF16 // 2]


class TelegramDigestPager:
    """How many postings go in each message of a Telegram digest: as many as one message
    shows, within the entity limits, measured with the widest page numbers."""

    def pages(self, digest: Digest, language: str) -> list[int]:
        widest = dataclasses.replace(digest, page=_WIDEST_PAGE, pages=_WIDEST_PAGE)
        _, _, frame = _frame(widest, language)
        sizes: list[int] = []
        size, visible, raw, entities = 0, frame.visible, frame.raw, frame.entities
        for entry in digest.entries:
            line = _line(entry, language)
            over = (
                visible + 1 + line.visible > VISIBLE_MAX
                or raw + 1 + line.raw > RAW_MAX
                or entities + line.entities > ENTITIES_MAX
            )
            if size > 0 and over:
                sizes.append(size)
                size, visible, raw, entities = 0, frame.visible, frame.raw, frame.entities
            size += 1
            visible += 1 + line.visible
            raw += 1 + line.raw
            entities += line.entities
        if size:
            sizes.append(size)
        return sizes or [0]


def page_fits(digest: Digest, language: str) -> bool:
    """Whether a drawn page is within Telegram's limits (for tests and a last check)."""
    _, _, frame = _frame(digest, language)
    lines: Sequence[_Line] = [_line(entry, language) for entry in digest.entries]
    visible = frame.visible + sum(1 + line.visible for line in lines)
    raw = frame.raw + sum(1 + line.raw for line in lines)
    entities = frame.entities + sum(line.entities for line in lines)
    return visible <= VISIBLE_MAX and raw <= RAW_MAX and entities <= ENTITIES_MAX
