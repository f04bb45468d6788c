"""Scam scripts confirmed by chat administrators: they outlive restarts and grow the library."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database


@dataclass(frozen=True, slots=True)
class ConfirmedScript:
    id: str
    text: str
    label: str


async def add_confirmed_script(
    db: Database, *, script_id: str, text: str, label: str, check_id: int, confirmed_by: str
) -> None:
    await db.write(
        """INSERT INTO known_scripts (id, text, label, check_id, confirmed_by, added_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET text = excluded.text, label = excluded.label,
               confirmed_by = excluded.confirmed_by, added_at = excluded.added_at""",
        (script_id, text, label, check_id, confirmed_by, db.clock()),
    )


async def remove_confirmed_script(db: Database, script_id: str) -> None:
    await db.write("DELETE FROM known_scripts WHERE id = ?", (script_id,))


async def confirmed_scripts(db: Database) -> list[ConfirmedScript]:
    rows = await db.fetchall("SELECT id, text, label FROM known_scripts ORDER BY added_at")
    return [ConfirmedScript(row[0], row[1], row[2]) for row in rows]
