"""`python -m bot sources`: each source's health, as a table in the reader's language."""

from __future__ import annotations

from bot.config import Settings
from bot.i18n import t
from bot.terminal import inert

__all__ = ["print_sources"]


async def print_sources(settings: Settings) -> int:
    from bot.app import build_app

    app = await build_app(settings)
    try:
        health = await app.services.sources.health()
    finally:
        await app.aclose()
    language = settings.console.language
    headers = [
        t(f"sources.col.{c}", language)
        for c in ("kind", "name", "last_poll", "last_status", "failures", "next_poll", "seen")
    ]
    rows = [
        [
            h.kind,
            inert(h.name, one_line=True),
            h.last_poll or "—",
            inert(h.last_status or "—", one_line=True),
            str(h.consecutive_failures),
            h.next_poll or "—",
            str(h.postings_seen),
        ]
        for h in health
    ]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0
