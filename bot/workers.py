"""Worker roles and the registry each worker reports itself in.

`python -m bot run --role ROLE` runs one part of the bot, so that several processes on
several machines can share one PostgreSQL database:

- `poll`: claims due sources and polls them (`bot.polling.shared`);
- `deliver`: drains the outbox (claims with SKIP LOCKED, paced by the shared send budget)
  and makes due digests; logs in to the platforms to send, but receives nothing;
- `chat`: receives from the platforms (Discord's gateway shards, Telegram's updates) and
  answers commands and "is this legit?";
- `all` (the default): everything, in one process: today's single-process bot.

Each worker writes a row in the `workers` table at start and every `heartbeat_s`, and deletes
it when it stops cleanly; `python -m bot workers` lists the live ones, their roles and claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.health import PartState
from bot.store import Database
from bot.store import workers as workers_store

__all__ = ["ROLES", "Heartbeat", "Role", "WorkerIdentity", "roles_of"]

log = logging.getLogger("vigia.workers")
Role = Literal["all", "poll", "deliver", "chat"]
ROLES: tuple[Role, ...] = ("all", "poll", "deliver", "chat")
#: A worker silent for this many heartbeats is not live.
SILENT_BEATS = 3
#: Rows of workers silent this long are deleted.
FORGET_AFTER_S = 86_400.0


def roles_of(role: Role) -> frozenset[str]:
    """The parts a role runs: `all` is every one."""
    return frozenset({"poll", "deliver", "chat"}) if role == "all" else frozenset({role})


@dataclass(slots=True)
class WorkerIdentity:
    role: Role
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    started_at: float = field(default_factory=time.time)
    suffix: str = field(default_factory=lambda: secrets.token_hex(3))
    detail: str = ""

    @property
    def id(self) -> str:
        """Unique among workers, readable in a listing: host, process id, a random tail (a
        pid is reused after a restart, a container's pid is often 1)."""
        return f"{self.host}:{self.pid}:{self.suffix}"


class Heartbeat:
    """Writes the worker's row now and every `interval_s`, until stopped."""

    def __init__(
        self,
        db: Database,
        identity: WorkerIdentity,
        *,
        interval_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self.identity = identity
        self._interval_s = interval_s
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._last_ok: float | None = None
        self._error = ""

    async def start(self) -> None:
        await self.beat()
        self._task = asyncio.create_task(self._run(), name="worker-heartbeat")

    async def beat(self) -> None:
        now = self._clock()
        identity = self.identity
        try:
            await workers_store.beat(
                self._db,
                workers_store.WorkerRow(
                    id=identity.id,
                    roles=identity.role,
                    host=identity.host,
                    pid=identity.pid,
                    started_at=identity.started_at,
                    seen_at=now,
                    detail=identity.detail,
                ),
            )
            await workers_store.prune(self._db, seen_before=now - FORGET_AFTER_S)
        except Exception as error:  # the store is down: /healthz says so, the beat goes on
            self._error = type(error).__name__
            log.warning("worker heartbeat failed: %s", self._error)
            return
        self._last_ok, self._error = now, ""

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self.beat()

    async def stop(self) -> None:
        """Stop beating and delete the row: a clean stop is not a dead worker."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await workers_store.remove(self._db, self.identity.id)

    def state(self) -> PartState:
        """For `/healthz`: this worker, its role, and whether its row is fresh."""
        described = f"{self.identity.id} role={self.identity.role}"
        if self._last_ok is None or self._clock() - self._last_ok > SILENT_BEATS * self._interval_s:
            return PartState(False, f"{described}: heartbeat not written ({self._error})")
        return PartState(True, described)
