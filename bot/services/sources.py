"""How each job source is doing, for `/sources` and `python -m bot sources`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.serialize import utc_iso
from bot.store import Database
from bot.store import sources as sources_store

__all__ = ["SourceHealth", "SourceHealthService"]


@dataclass(frozen=True, slots=True)
class SourceHealth:
    kind: str
    name: str
    last_poll: str | None  # ISO 8601, UTC
    last_status: str | None  # "200", "304", "error: ...", None before the first poll
    consecutive_failures: int
    next_poll: str | None
    postings_seen: int


class SourceHealthService:
    def __init__(self, *, db: Database, configured: Sequence[tuple[str, str]] = ()) -> None:
        self._db = db
        self._configured_sources = list(configured)  # (kind, name)

    async def health(self) -> list[SourceHealth]:
        """Every configured source (and any the store remembers), with its last poll."""
        rows = {row.name: row for row in await sources_store.list_sources(self._db)}
        names = [(kind, name) for kind, name in self._configured_sources]
        names += [
            (row.kind, row.name) for row in rows.values() if (row.kind, row.name) not in names
        ]
        health = []
        for kind, name in names:
            row = rows.get(name)
            health.append(
                SourceHealth(
                    kind=kind,
                    name=name,
                    last_poll=utc_iso(row.last_poll_at) if row else None,
                    last_status=row.last_status if row else None,
                    consecutive_failures=row.consecutive_failures if row else 0,
                    next_poll=utc_iso(row.next_poll_at) if row else None,
                    postings_seen=row.postings_seen if row else 0,
                )
            )
        return health
