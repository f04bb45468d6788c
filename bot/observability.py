"""The operator's HTTP endpoint: `/healthz` and `/metrics`, off unless configured.

    [observability]
    listen = "127.0.0.1:9108"

`/healthz` answers 200 with a small JSON of the parts' state (`bot.health`), or 503 when a
required part (the scheduler, the outbox drain, a chat platform) is down or the bot is still
starting or already stopping. `/metrics` is Prometheus' text format (`bot.metrics`); the
outbox's depth and oldest pending age are read from the store when it is asked. Nothing else
is served, and nothing served holds a secret or a user's text. `python -m bot health` asks
`/healthz` and exits 0 or 1 on its answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.config import parse_listen
from bot.health import HealthRegistry
from bot.metrics import REGISTRY, set_outbox
from bot.store import Database
from bot.store import outbox as outbox_store

__all__ = ["Observability", "parse_listen"]

log = logging.getLogger("vigia.observability")
#: A scrape never waits on a busy store longer than this: the gauges keep their last values.
STORE_READ_TIMEOUT_S = 2.0


class Observability:
    """The endpoint's server, on the event loop of the bot it reports on."""

    def __init__(
        self,
        health: HealthRegistry,
        db: Database,
        *,
        host: str,
        port: int,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._health = health
        self._db = db
        self._host, self._port = host, port
        self._clock = clock or db.clock
        self._runner: web.AppRunner | None = None
        self.port = port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Listen; OSError when the address cannot be bound (in use, not local)."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server  # the bound port, when 0 asked for any free one
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("health and metrics on %s (/healthz, /metrics)", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        snapshot = self._health.snapshot()
        return web.Response(
            text=json.dumps(snapshot.to_dict(), sort_keys=True),
            status=200 if snapshot.ok else 503,
            content_type="application/json",
        )

    async def _metrics(self, _request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(STORE_READ_TIMEOUT_S):
                counts = await outbox_store.counts(self._db)
                oldest = await outbox_store.oldest_pending_at(self._db)
            set_outbox(counts, 0.0 if oldest is None else self._clock() - oldest)
        except Exception as error:  # a scrape still answers with what the process counted
            log.warning("metrics: the outbox could not be read: %s", type(error).__name__)
        body = generate_latest(REGISTRY)
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
