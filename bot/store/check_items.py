"""The parts of a checked message: one stored check per link (and one for its text), under
the check of the whole message, so its card and its "Why?" can be drawn again after a restart.

Table (created by the migrations):
`check_items(check_id, position, item_check_id)`, primary key (check_id, position).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.database import Connection, Database


async def add_items(conn: Connection, check_id: int, item_ids: Sequence[int]) -> None:
    """Record `item_ids`, in order, as the parts of the message check `check_id`."""
    await conn.executemany(
        "INSERT INTO check_items (check_id, position, item_check_id) VALUES (?, ?, ?)",
        [(check_id, position, item_id) for position, item_id in enumerate(item_ids)],
    )


async def items_of(db: Database, check_id: int) -> list[int]:
    """The parts of a message check, in order; [] for a check of one link or one text."""
    rows = await db.fetchall(
        "SELECT item_check_id FROM check_items WHERE check_id = ? ORDER BY position",
        (check_id,),
    )
    return [int(row[0]) for row in rows]
