"""How each job source is doing, for `/sources` and `python -m bot sources`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import t
from bot.serialize import utc_iso
from bot.store import Database
from bot.store import sources as sources_store

__all__ = ["SourceHealth", "SourceHealthService", "status_text"]


@dataclass(frozen=True, slots=True)
class SourceHealth:
    kind: str
    name: str
    last_poll: str | None  # ISO 8601, UTC
    last_status: str | None  # "200", "304", "error: ...", None before the first poll
    consecutive_failures: int
    next_poll: str | None
    postings_seen: int
    #: The last failure in a few words, as a code (`sources.reason.<code>`); None if none.
    reason: str | None = None
    #: Disabled for failing too often: polled again after `python -m bot sources --enable`.
    disabled: bool = False

    @property
    def state(self) -> str:
        """ "new", "ok", "failing" or "disabled" (`sources.state.<state>` in the catalogs)."""
        if self.disabled:
            return "disabled"
        if self.last_poll is None:
            return "new"
        return "failing" if self.consecutive_failures else "ok"


def status_text(source: SourceHealth, language: str) -> str:
    """What a person reads of a source's last poll: its status ("200", "304") when it went
    well, the failure's short reason in `language` when it did not ("HTTP 503", "timed out"),
    never what the source sent."""
    if source.consecutive_failures and source.reason:
        code, _, status = source.reason.partition(":")
        return t(f"sources.reason.{code}", language, status=status)
    return source.last_status or "—"


class SourceHealthService:
    def __init__(self, *, db: Database, configured: Sequence[tuple[str, str]] = ()) -> None:
        self._db = db
        self._configured_sources = list(configured)  # (kind, name)

    async def enable(self, name: str) -> bool:
        """Poll a disabled source again; False when no source of that name was ever polled."""
        return await sources_store.enable(self._db, name)

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
                    reason=row.failure_reason if row else None,
                    disabled=row is not None and row.disabled_at is not None,
                )
            )
        return health
