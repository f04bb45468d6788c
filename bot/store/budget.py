"""The platforms' send budgets, shared by every process on the database (`send_budget`).

One row per limit key ("telegram", "telegram:chat:42"): the earliest time its next send may
go. `reserve` locks the rows of the limits a send is under (in key order, so two senders never
wait on each other in a circle), takes the latest of their times, and moves each on by its
interval; on PostgreSQL the row lock is what makes two processes' reservations of one key
follow each other. See `bot.delivery.pacing` for the model.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.database import Database


async def reserve(
    db: Database, limits: Sequence[tuple[str, float]], *, now: float, not_after: float
) -> float:
    """The earliest time at or after `now` that every (key, interval) allows a send; taken
    only when it is at or before `not_after`."""
    intervals = dict(limits)
    keys = sorted(intervals)
    marks = ",".join("?" for _ in keys)
    lock = " FOR UPDATE" if db.dialect == "postgres" else ""
    select = f"SELECT key, next_free FROM send_budget WHERE key IN ({marks}) ORDER BY key{lock}"
    async with db.transaction() as conn:
        rows = await conn.fetchall(select, keys)
        if len(rows) < len(keys):  # a key's first send: its row, then lock them all again
            await conn.executemany(
                """INSERT INTO send_budget (key, next_free) VALUES (?, ?)
                   ON CONFLICT (key) DO NOTHING""",
                [(key, now) for key in keys],
            )
            rows = await conn.fetchall(select, keys)
        slot = max([now, *(float(row[1]) for row in rows)])
        if slot <= not_after:
            await conn.executemany(
                "UPDATE send_budget SET next_free = ? WHERE key = ?",
                [(slot + intervals[key], key) for key in keys],
            )
    return slot


async def hold(db: Database, key: str, *, until: float) -> None:
    """No send under `key` before `until`."""
    later = "GREATEST" if db.dialect == "postgres" else "MAX"
    await db.execute(
        f"""INSERT INTO send_budget (key, next_free) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE
            SET next_free = {later}(send_budget.next_free, excluded.next_free)""",
        (key, until),
    )


async def prune(db: Database, *, before: float) -> int:
    """Forget keys whose next slot is long past: they hold nothing back (chats come and go)."""
    return await db.execute("DELETE FROM send_budget WHERE next_free < ?", (before,))


async def next_free(db: Database, key: str) -> float | None:
    value = await db.fetchval("SELECT next_free FROM send_budget WHERE key = ?", (key,))
    return None if value is None else float(value)
