"""The platforms' send budgets, shared by every process on the database (`send_budget`).

One row per limit key ("telegram", "telegram:chat:42"): the earliest time its next send may
go. `reserve` locks the rows of the limits a send is under (in key order, so two senders never
wait on each other in a circle), takes the latest of their times, and moves each on by its
interval; on PostgreSQL the row lock is what makes two processes' reservations of one key
follow each other, and it is one statement, so the lock on the platform's row (which every
send takes) lasts one statement, not a transaction's round trips. See
`bot.delivery.pacing` for the model.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.database import Database

#: PostgreSQL: one statement (its own transaction) locks the keys' rows in key order, takes
#: the latest of their free times, and moves each on by its interval when the slot is in
#: time; the row locks last one statement, not a transaction's round trips.
_RESERVE_PG = """
    WITH held AS (
        SELECT key, next_free FROM send_budget
        WHERE key = ANY(?::text[]) ORDER BY key FOR UPDATE
    ), slot AS (
        SELECT GREATEST(?::float8, COALESCE(MAX(next_free), ?::float8)) AS at,
               COUNT(*) AS found
        FROM held
    ), moved AS (
        UPDATE send_budget SET next_free = slot.at + limits.interval_s
        FROM slot, unnest(?::text[], ?::float8[]) AS limits(key, interval_s)
        WHERE send_budget.key = limits.key AND slot.at <= ?::float8
          AND slot.found = ?
        RETURNING 1
    )
    SELECT at, found FROM slot"""


async def reserve(
    db: Database, limits: Sequence[tuple[str, float]], *, now: float, not_after: float
) -> float:
    """The earliest time at or after `now` that every (key, interval) allows a send; taken
    only when it is at or before `not_after`."""
    intervals = dict(limits)
    keys = sorted(intervals)
    if db.dialect == "postgres":
        return await _reserve_postgres(db, keys, intervals, now=now, not_after=not_after)
    # SQLite: the write transaction excludes every other writer while it reads and moves.
    marks = ",".join("?" for _ in keys)
    select = f"SELECT key, next_free FROM send_budget WHERE key IN ({marks}) ORDER BY key"
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


async def _reserve_postgres(
    db: Database, keys: list[str], intervals: dict[str, float], *, now: float, not_after: float
) -> float:
    values = [intervals[key] for key in keys]
    for _ in range(2):
        row = await db.fetchone(_RESERVE_PG, (keys, now, now, keys, values, not_after, len(keys)))
        assert row is not None
        if int(row["found"]) == len(keys):
            return float(row["at"])
        # A key's first send: its row, then reserve again.
        await db.executemany(
            "INSERT INTO send_budget (key, next_free) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            [(key, now) for key in keys],
        )
    raise AssertionError("send_budget rows vanished while reserving")
