"""Per-source poll state: validators for conditional GET, health, and the backoff schedule."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Connection, Database, Row


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    last_poll_at: float | None = None
    last_status: str | None = None
    consecutive_failures: int = 0
    next_poll_at: float | None = None
    postings_seen: int = 0
    first_poll_done: bool = False


def _row(row: Row) -> SourceRow:
    return SourceRow(
        name=row["name"],
        kind=row["kind"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_sha256=row["body_sha256"],
        last_poll_at=row["last_poll_at"],
        last_status=row["last_status"],
        consecutive_failures=row["consecutive_failures"],
        next_poll_at=row["next_poll_at"],
        postings_seen=row["postings_seen"],
        first_poll_done=bool(row["first_poll_done"]),
    )


async def ensure_source(db: Database, name: str, kind: str) -> None:
    await db.execute(
        "INSERT INTO sources (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, kind)
    )


async def ensure_sources(db: Database, sources: list[tuple[str, str]]) -> None:
    """Rows for every (name, kind) not stored yet, in one statement (a start with 10,000)."""
    if sources:
        await db.write_many(
            "INSERT INTO sources (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", sources
        )


async def get_source(db: Database, name: str) -> SourceRow | None:
    row = await db.fetchone("SELECT * FROM sources WHERE name = ?", (name,))
    return _row(row) if row else None


async def list_sources(db: Database) -> list[SourceRow]:
    return [_row(row) for row in await db.fetchall("SELECT * FROM sources ORDER BY name")]


async def record_success(
    conn: Connection,
    name: str,
    *,
    status: str,
    etag: str | None,
    last_modified: str | None,
    body_sha256: str | None,
    now: float,
    next_poll_at: float,
    new_postings: int,
) -> None:
    """Called inside the poll's transaction, so validators move only with the postings."""
    await conn.execute(
        """UPDATE sources SET etag = ?, last_modified = ?, body_sha256 = ?, last_poll_at = ?,
               last_status = ?, consecutive_failures = 0, next_poll_at = ?,
               postings_seen = postings_seen + ?, first_poll_done = 1
           WHERE name = ?""",
        (etag, last_modified, body_sha256, now, status, next_poll_at, new_postings, name),
    )


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A poll that found nothing new (304, or the same body)."""

    name: str
    status: str
    now: float
    next_poll_at: float


async def record_unchanged(db: Database, polls: list[Unchanged]) -> None:
    """Only the health columns move; many polls in one statement."""
    await db.write_many(
        """UPDATE sources SET last_poll_at = ?, last_status = ?, consecutive_failures = 0,
               next_poll_at = ?, first_poll_done = 1
           WHERE name = ?""",
        [(p.now, p.status, p.next_poll_at, p.name) for p in polls],
    )


async def record_failure(
    db: Database, name: str, *, status: str, now: float, next_poll_at: float
) -> int:
    """Count one more failure; returns the new consecutive-failure count."""
    async with db.transaction() as conn:
        failures = await conn.fetchval(
            """UPDATE sources SET last_poll_at = ?, last_status = ?, next_poll_at = ?,
                   consecutive_failures = consecutive_failures + 1
               WHERE name = ? RETURNING consecutive_failures""",
            (now, status, next_poll_at, name),
        )
    return int(failures) if failures is not None else 0
