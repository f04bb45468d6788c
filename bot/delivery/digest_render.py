"""A digest as neutral text parts that each chat adapter lays out in its own markup.

A digest lists the postings a subscription gathered since its last digest, one line each:
the level and risk, the title (linked to the posting) and the company. Lines are sorted by
risk, safest first, so the postings most worth a look lead and the doubtful ones trail with
their warning badge; postings of equal risk keep the order they were found in.

Posting text is hostile: the parts are raw, and the adapters escape them for their markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.delivery.digest_schedule import DeliveryMode, zone
from bot.delivery.render import credited_board, risk_badge
from bot.delivery.render_text import INDENT, inert
from bot.i18n import t
from bot.i18n.formats import format_moment
from bot.models import Digest, DigestEntry, Sighting

#: Longest title and company a digest line shows; the full posting is one click away.
TITLE_CHARS = 120
COMPANY_CHARS = 60


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One posting of a digest: `badge` is the level with its risk ("🟢 Looks fine (12/100)");
    `credit` is "via Remotive" for a board whose terms ask for credit and a link back (the
    adapters link it to `url`, as an alert's "via" line is), else ""."""

    badge: str
    title: str
    company: str
    url: str
    credit: str = ""


def sort_entries(entries: Iterable[DigestEntry]) -> list[DigestEntry]:
    """Safest first (level, then risk; an unjudged posting after the judged ones of its
    level), then in the order they were first seen."""
    return sorted(entries, key=lambda entry: entry.order)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entry_line(entry: DigestEntry, language: str) -> EntryLine:
    posting = entry.posting
    board = credited_board(Sighting(posting.source, posting.url, entry.kind))
    return EntryLine(
        badge=risk_badge(entry.verdict, language),
        title=_clip(posting.title, TITLE_CHARS) or "…",
        company=_clip(posting.company, COMPANY_CHARS),
        url=posting.url,
        credit=t("alert.via", language, board=board) if board else "",
    )


def local_time(seconds: float, timezone: str, language: str) -> str:
    """A moment as the chat reads it: "lun 14 ene 08:00" / "Mon 14 Jan 08:00"."""
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone(timezone))
    return format_moment(moment, language)


def digest_title(digest: Digest, language: str) -> str:
    """ "📋 Daily digest", with "(2/3)" when it takes several messages."""
    kind = DeliveryMode.parse(digest.delivery).kind.value
    title = "📋 " + t(f"digest.title.{kind}", language)
    if digest.pages > 1:
        title += " " + t("digest.part", language, page=digest.page, pages=digest.pages)
    return title


def digest_summary(digest: Digest, language: str) -> str:
    """ "12 new postings since Mon 14 Jan 08:00, safest first." """
    since = local_time(digest.since_at, digest.timezone, language)
    return t("digest.summary", language, count=digest.total, since=since)


def digest_footer(digest: Digest, language: str) -> str:
    """ "Every day at 08:00 · Europe/Madrid": when the next one comes, and in which zone."""
    mode = DeliveryMode.parse(digest.delivery).describe(language)
    return t("digest.footer", language, mode=mode, timezone=digest.timezone)


def digest_to_text(digest: Digest, language: str) -> str:
    """A digest page as plain text for a terminal; control characters shown, not obeyed."""
    lines = [digest_title(digest, language), digest_summary(digest, language), ""]
    for entry in digest.entries:
        line = entry_line(entry, language)
        company = f" — {line.company}" if line.company else ""
        credit = f" · {line.credit}" if line.credit else ""
        lines.append(f"{line.badge} · {line.title}{company}{credit}")
        lines.append(f"{INDENT}{line.url}")
    lines += ["", digest_footer(digest, language)]
    return inert("\n".join(lines))
