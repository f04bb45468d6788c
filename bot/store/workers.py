"""The workers registry: each running process's row, kept fresh by its heartbeat.

A worker writes its row when it starts, moves `seen_at` on every heartbeat and deletes the
row when it stops cleanly. A worker that died (SIGKILL, a lost machine) stops beating: it is
no longer listed once its row is older than a few heartbeats, and `prune` removes it.

`live_claims_by_worker` counts the work each worker holds: the `workers` command's columns of
sources being polled, alerts being sent and sent alerts being edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.store.database import Database


@dataclass(frozen=True, slots=True)
class WorkerRow:
    id: str
    roles: str
    host: str
    pid: int
    started_at: float
    seen_at: float
    detail: str = ""


async def beat(db: Database, worker: WorkerRow) -> None:
    """Write the worker's row (first beat) or move its `seen_at` and detail on."""
    await db.execute(
        """INSERT INTO workers (id, roles, host, pid, started_at, seen_at, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at,
               detail = excluded.detail, roles = excluded.roles""",
        (
            worker.id,
            worker.roles,
            worker.host,
            worker.pid,
            worker.started_at,
            worker.seen_at,
            worker.detail,
        ),
    )


async def remove(db: Database, worker_id: str) -> None:
    await db.execute("DELETE FROM workers WHERE id = ?", (worker_id,))


async def live(db: Database, *, seen_after: float) -> list[WorkerRow]:
    """Workers that beat after `seen_after`, by start time."""
    rows = await db.fetchall(
        """SELECT id, roles, host, pid, started_at, seen_at, detail FROM workers
           WHERE seen_at > ? ORDER BY started_at, id""",
        (seen_after,),
    )
    return [
        WorkerRow(
            id=row["id"],
            roles=row["roles"],
            host=row["host"],
            pid=int(row["pid"]),
            started_at=float(row["started_at"]),
            seen_at=float(row["seen_at"]),
            detail=row["detail"],
        )
        for row in rows
    ]


async def prune(db: Database, *, seen_before: float) -> int:
    """Forget workers silent since `seen_before`; returns how many."""
    return await db.execute("DELETE FROM workers WHERE seen_at < ?", (seen_before,))


#: The tables whose rows a worker claims for a while: `sources` (a poll), `outbox` (a send),
#: `alert_edits` (an edit of a sent alert).
ClaimedTable = Literal["sources", "outbox", "alert_edits"]

#: Besides a live claim, what makes a row held: a source's claim is its poll, while an alert or
#: an edit is held only while it is `sending` (one sent, failed or handed back is not).
_HELD_WHILE: dict[ClaimedTable, str] = {
    "sources": "",
    "outbox": "AND status = 'sending'",
    "alert_edits": "AND status = 'sending'",
}


async def live_claims_by_worker(db: Database, table: ClaimedTable) -> dict[str, int]:
    """How many rows of `table` each worker holds a live (unexpired) claim on."""
    rows = await db.fetchall(
        f"""SELECT claimed_by, COUNT(*) FROM {table}
            WHERE claimed_by IS NOT NULL AND claimed_until > ? {_HELD_WHILE[table]}
            GROUP BY claimed_by""",
        (db.clock(),),
    )
    return {row[0]: int(row[1]) for row in rows}
