"""`python -m bot sources`: each source's health, as a table in the reader's language;
`--enable NAME` polls a source that was disabled for failing too often again."""

from __future__ import annotations

from bot.config import Settings
from bot.i18n import t
from bot.services.sources import status_text
from bot.terminal import inert

__all__ = ["print_sources"]


async def print_sources(settings: Settings, *, enable: str | None = None) -> int:
    from bot.app import build_app

    language = settings.console.language
    app = await build_app(settings)
    try:
        if enable is not None:
            if not await app.services.sources.enable(enable):
                print(t("sources.enable.unknown", language, name=inert(enable, one_line=True)))
                return 1
            print(t("sources.enable.done", language, name=inert(enable, one_line=True)))
            return 0
        health = await app.services.sources.health()
    finally:
        await app.aclose()
    columns = ("kind", "name", "state", "last_poll", "last_status", "failures", "next_poll", "seen")
    headers = [t(f"sources.col.{c}", language) for c in columns]
    rows = [
        [
            h.kind,
            inert(h.name, one_line=True),
            t(f"sources.state.{h.state}", language),
            h.last_poll or "—",
            inert(status_text(h, language), one_line=True),
            str(h.consecutive_failures),
            "—" if h.disabled else (h.next_poll or "—"),
            str(h.postings_seen),
        ]
        for h in health
    ]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    disabled = [h.name for h in health if h.disabled]
    if disabled:
        print()
        print(t("sources.enable.hint", language, name=inert(disabled[0], one_line=True)))
    return 0
