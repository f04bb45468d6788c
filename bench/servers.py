"""The benchmarks' loopback job boards: one helper to start a server process, read when each
path was requested, and reset it between runs.

A benchmark measures the bot, so the boards are served by a separate process (their CPU is
not the bot's) on 127.0.0.1 with fixed payloads built there. Each payload may carry an ETag:
a GET with that `If-None-Match` is answered 304, as a real board answers an unchanged poll.

Nagle's algorithm is off on every connection (TCP_NODELAY): a server that writes headers
and body apart (Python's `http.server` does) otherwise waits for the delayed ACK of the
first write, 40 ms a response on Linux, which the bench would count as the bot's latency.
aiohttp sets the option already; the server sets it again on each new connection and
`LoopbackServer.stats()` reports whether every connection had it.

    with LoopbackServer(greenhouse_boards, 1000, 5) as server:
        url = server.url("/v1/boards/b0/jobs")
        ...
        times = server.stats().times  # path -> request times (time.time())
        server.reset()
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import sys
import time
import urllib.request
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = [
    "LoopbackServer",
    "Payload",
    "ServerStats",
    "board_path",
    "greenhouse_board",
    "greenhouse_boards",
]

STATS_PATH = "/_stats"
RESET_PATH = "/_reset"
START_TIMEOUT_S = 300.0  # 10,000 boards' payloads are built before the port is known


@dataclass(frozen=True, slots=True)
class Payload:
    body: bytes
    content_type: str = "application/json"
    #: When set, sent as the ETag; a conditional GET carrying it is answered 304.
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class ServerStats:
    #: Each requested path's request times (time.time(), in order).
    times: dict[str, list[float]]
    #: Connections accepted, and how many of them already had TCP_NODELAY set.
    connections: int
    nodelay_connections: int


def board_path(name: str) -> str:
    """Where `greenhouse_boards` serves the board `name`."""
    return f"/v1/boards/{name}/jobs"


def greenhouse_boards(
    boards: int, jobs: int, prefix: str = "b", relevant_every: int = 2
) -> dict[str, Payload]:
    """`boards` Greenhouse boards named PREFIX0, PREFIX1, ... of `jobs` postings each (the
    board's number is its payload's seed), each with a stable ETag."""
    from tests.sources_helpers import greenhouse_board_payload

    return {
        board_path(f"{prefix}{index}"): Payload(
            greenhouse_board_payload(
                f"{prefix}{index}", jobs, seed=index, relevant_every=relevant_every
            ),
            etag=f'"{prefix}{index}-v1"',
        )
        for index in range(boards)
    }


def greenhouse_board(name: str, jobs: int, relevant_every: int = 2) -> dict[str, Payload]:
    """One Greenhouse board of `jobs` postings, without an ETag (every poll reads it)."""
    from tests.sources_helpers import greenhouse_board_payload

    body = greenhouse_board_payload(name, jobs, relevant_every=relevant_every)
    return {board_path(name): Payload(body)}


def _serve(
    make: Callable[..., dict[str, Payload]],
    args: tuple[Any, ...],
    ready: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    from aiohttp import web

    payloads = make(*args)
    times: dict[str, list[float]] = {}
    seen: weakref.WeakSet[asyncio.BaseTransport] = weakref.WeakSet()
    connections = [0, 0]  # accepted, already without Nagle

    def nodelay(request: web.Request) -> None:
        transport = request.transport
        if transport is None or transport in seen:
            return
        seen.add(transport)
        sock = transport.get_extra_info("socket")
        connections[0] += 1
        if sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
            connections[1] += 1
        else:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def handle(request: web.Request) -> web.Response:
        nodelay(request)
        payload = payloads.get(request.path)
        if payload is None:
            return web.Response(status=404)
        times.setdefault(request.path, []).append(time.time())
        if payload.etag is None:
            return web.Response(body=payload.body, content_type=payload.content_type)
        if request.headers.get("If-None-Match") == payload.etag:
            return web.Response(status=304, headers={"ETag": payload.etag})
        return web.Response(
            body=payload.body, content_type=payload.content_type, headers={"ETag": payload.etag}
        )

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(
            {"times": times, "connections": connections[0], "nodelay": connections[1]}
        )

    async def reset(request: web.Request) -> web.Response:
        times.clear()
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_get(STATS_PATH, stats)
        app.router.add_post(RESET_PATH, reset)
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        ready.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


class LoopbackServer:
    """A process serving `make(*args)`'s payloads by path on 127.0.0.1 until `stop()` (or
    the end of a `with` block). `make` must be a module-level function (it runs in the
    server process)."""

    def __init__(self, make: Callable[..., dict[str, Payload]], *args: Any) -> None:
        ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        self._process = multiprocessing.Process(
            target=_serve, args=(make, args, ready), daemon=True
        )
        self._process.start()
        try:
            self.port: int = ready.get(timeout=START_TIMEOUT_S)
        except BaseException:
            self._process.terminate()
            raise

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stats(self) -> ServerStats:
        with urllib.request.urlopen(self.url(STATS_PATH), timeout=60) as response:
            data = json.loads(response.read())
        return ServerStats(
            times={path: list(values) for path, values in data["times"].items()},
            connections=int(data["connections"]),
            nodelay_connections=int(data["nodelay"]),
        )

    def reset(self) -> None:
        """Forget the request times recorded so far."""
        request = urllib.request.Request(self.url(RESET_PATH), method="POST")
        with urllib.request.urlopen(request, timeout=60):
            pass

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(timeout=10)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
