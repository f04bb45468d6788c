"""`python -m bot copy-db SRC DST`: move a store to another engine (SQLite → PostgreSQL).

Both ends are migrated to the same schema first, then every table that holds what people
made or are owed (subscriptions, chat settings, pending alerts, checks, reports, confirmed
scam scripts, postings, source state) is copied row by row with its ids, parents before the
rows that refer to them. Runtime bookkeeping (who is running, who holds which claim) is not
copied: it belongs to the processes of the old deployment. An alert that was being sent when
the copy was taken is copied as pending, so the new deployment sends it.

The destination must be empty: copying into a store that is in use would mix two histories.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import CopyRefused
from bot.store.database import Database

log = logging.getLogger("vigia.store")

#: Parents first: a row is inserted after every row it refers to.
COPIED_TABLES: tuple[str, ...] = (
    "sources",
    "subscriptions",
    "chat_settings",
    "chat_zones",
    "postings",
    "sightings",
    "sighting_spellings",
    "checks",
    "check_items",
    "digests",
    "outbox",
    "alert_edits",
    "reports",
    "known_scripts",
    "link_checks",
)
#: Tables whose `id` the destination numbers itself afterwards (identity columns).
NUMBERED_TABLES: tuple[str, ...] = (
    "postings",
    "sightings",
    "checks",
    "subscriptions",
    "digests",
    "outbox",
    "reports",
)
BATCH_ROWS = 500


@dataclass(slots=True)
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)


async def _columns(db: Database, table: str) -> list[str]:
    row = await db.fetchone(f"SELECT * FROM {table} LIMIT 1")
    if row is not None and hasattr(row, "keys"):
        return list(row.keys())
    if db.dialect == "sqlite":
        return [r[1] for r in await db.fetchall(f"PRAGMA table_info({table})")]
    rows = await db.fetchall(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position""",
        (table,),
    )
    return [r[0] for r in rows]


def _quoted(column: str) -> str:
    return f'"{column}"'


async def copy_database(
    source: Database,
    destination: Database,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every kept table from `source` into the empty `destination`."""
    if await source.schema_version() > await destination.schema_version():
        raise CopyRefused("the source has a newer schema than this version of Vigia")
    for table in COPIED_TABLES:
        if await destination.fetchval(f"SELECT COUNT(*) FROM {table}"):
            raise CopyRefused(f"the destination is not empty (table {table} has rows)")
    report = CopyReport()
    async with destination.transaction() as conn:
        for table in COPIED_TABLES:
            source_columns = await _columns(source, table)
            wanted = set(await _columns(destination, table))
            columns = [c for c in source_columns if c in wanted]
            names = ", ".join(_quoted(c) for c in columns)
            marks = ", ".join("?" for _ in columns)
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            order = " ORDER BY id" if "id" in columns else ""
            rows = await source.fetchall(f"SELECT {names} FROM {table}{order}")
            values = [_kept(table, columns, row) for row in rows]
            for start in range(0, len(values), BATCH_ROWS):
                await conn.executemany(insert, values[start : start + BATCH_ROWS])
            report.rows[table] = len(values)
            if progress is not None:
                progress(table, len(values))
        for table in NUMBERED_TABLES:
            await conn.restart_ids(table)
    log.info("copied %s from %s to %s", report.rows, source.target, destination.target)
    return report


def _kept(table: str, columns: list[str], row: object) -> tuple[object, ...]:
    values = [row[i] for i in range(len(columns))]  # type: ignore[index]
    if table == "sources":  # a poll claim of the old deployment's workers
        for name in ("claimed_by", "claimed_until"):
            if name in columns:
                values[columns.index(name)] = None
    if table == "outbox":  # a claim of the old deployment: the new one sends it again
        status = columns.index("status")
        if values[status] == "sending":
            values[status] = "pending"
            for name in ("claimed_until", "claim_token", "claimed_by"):
                if name in columns:
                    values[columns.index(name)] = None
    return tuple(values)
