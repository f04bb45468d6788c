"""The link-check cache: one report per canonical URL, reused while it is fresh.

Table (created by the migrations):
`link_checks(canonical_url TEXT PRIMARY KEY, checked_at REAL NOT NULL, report_json TEXT NOT NULL)`.

Only reports of pages that were actually read are stored (the caller decides), so a link that
was down is tried again on the next request. Times are seconds since the epoch, passed in by
the caller so that tests control the clock.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.database import Database

_UPSERT = (
    "INSERT INTO link_checks (canonical_url, checked_at, report_json) VALUES (?, ?, ?) "
    "ON CONFLICT(canonical_url) DO UPDATE SET "
    "checked_at = excluded.checked_at, report_json = excluded.report_json"
)


async def get_cached(
    db: Database, canonical_url: str, *, max_age_s: float, now: float
) -> dict[str, Any] | None:
    """The stored report for this URL if it is at most `max_age_s` old, else None.

    A row that no longer parses (written by an older version) counts as a miss.
    """
    row = await db.fetchone(
        "SELECT checked_at, report_json FROM link_checks WHERE canonical_url = ?",
        (canonical_url,),
    )
    if row is None:
        return None
    checked_at, report_json = float(row[0]), str(row[1])
    if now - checked_at > max_age_s or checked_at > now:
        return None
    try:
        report = json.loads(report_json)
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


async def put_cached(
    db: Database, canonical_url: str, report: dict[str, Any], *, now: float
) -> None:
    """Store (or replace) the report for this URL, stamped `now`."""
    params = (canonical_url, now, json.dumps(report, ensure_ascii=False, separators=(",", ":")))
    await db.execute(_UPSERT, params)


async def prune(db: Database, *, max_age_s: float, now: float) -> int:
    """Drop reports older than `max_age_s`; the number dropped. For housekeeping jobs."""
    return await db.execute("DELETE FROM link_checks WHERE checked_at < ?", (now - max_age_s,))
