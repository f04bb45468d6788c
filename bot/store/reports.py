"""User feedback on a checked link or text: one report per user per subject.

`user` is a reserved word in PostgreSQL, so the column is always written quoted.
"""

from __future__ import annotations

from bot.store.database import Database


async def upsert_report(db: Database, *, subject: str, user: str, kind: str, check_id: int) -> bool:
    """Store or replace a user's report on a subject. True when the user had none before."""
    async with db.transaction() as conn:
        existed = (
            await conn.fetchone(
                'SELECT 1 FROM reports WHERE subject = ? AND "user" = ?', (subject, user)
            )
            is not None
        )
        await conn.execute(
            """INSERT INTO reports (subject, "user", kind, check_id, created_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (subject, "user") DO UPDATE SET kind = excluded.kind,
                   check_id = excluded.check_id, created_at = excluded.created_at""",
            (subject, user, kind, check_id, db.clock()),
        )
    return not existed


async def report_counts(db: Database, subject: str) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT kind, COUNT(*) FROM reports WHERE subject = ? GROUP BY kind", (subject,)
    )
    return {row[0]: int(row[1]) for row in rows}
