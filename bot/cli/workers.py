"""`python -m bot workers`: the live workers on the configured database, their roles, and the
claims each holds (sources being polled, alerts being sent, sent alerts being edited)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bot.config import Settings
from bot.i18n import t
from bot.store import open_database
from bot.store import workers as workers_store
from bot.terminal import inert
from bot.workers import SILENT_BEATS

__all__ = ["print_workers"]


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


async def print_workers(settings: Settings) -> int:
    language = settings.console.language
    db = await open_database(settings.storage.database, pool_size=2)
    try:
        now = time.time()
        live = await workers_store.live(
            db, seen_after=now - SILENT_BEATS * settings.workers.heartbeat_s
        )
        polls = await workers_store.live_claims_by_worker(db, "sources")
        sends = await workers_store.live_claims_by_worker(db, "outbox")
        edits = await workers_store.live_claims_by_worker(db, "alert_edits")
        target = db.target
    finally:
        await db.close()
    if not live:
        print(t("workers.none", language, target=target))
        return 0
    columns = ("worker", "role", "started", "seen", "sources", "alerts", "edits", "detail")
    headers = [t(f"workers.col.{column}", language) for column in columns]
    rows = [
        [
            inert(worker.id, one_line=True),
            worker.roles,
            _when(worker.started_at),
            t("workers.seen_ago", language, seconds=max(0, round(now - worker.seen_at))),
            str(polls.get(worker.id, 0)),
            str(sends.get(worker.id, 0)),
            str(edits.get(worker.id, 0)),
            inert(worker.detail, one_line=True) or "—",
        ]
        for worker in live
    ]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(t("workers.summary", language, count=len(live), target=target))
    return 0
