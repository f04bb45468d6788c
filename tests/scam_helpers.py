"""A local RDAP service and blocklist feed on 127.0.0.1 for the reputation tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler


@dataclass
class RdapStandIn:
    """Registration dates by domain; `stall` makes every answer wait until the test ends."""

    base_url: str = ""
    registered: dict[str, str] = field(default_factory=dict)
    blocklist: str = ""
    requests: list[str] = field(default_factory=list)
    #: Every request's path as it arrived, whether or not a route took it.
    paths: list[str] = field(default_factory=list)
    stall: bool = False
    release: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture(name="rdap_server")
async def rdap_server_fixture() -> AsyncIterator[RdapStandIn]:
    stand_in = RdapStandIn()

    async def domain(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        stand_in.requests.append(name)
        if stand_in.stall:
            await stand_in.release.wait()
        if name not in stand_in.registered:
            return web.json_response({"errorCode": 404}, status=404)
        events = [
            {"eventAction": "registration", "eventDate": stand_in.registered[name]},
            {"eventAction": "expiration", "eventDate": "2031-01-01T00:00:00Z"},
        ]
        return web.json_response(
            {"objectClassName": "domain", "ldhName": name, "events": events},
            content_type="application/rdap+json",
        )

    async def blocklist(request: web.Request) -> web.Response:
        stand_in.requests.append("blocklist")
        return web.Response(text=stand_in.blocklist)

    @web.middleware
    async def record_path(request: web.Request, handler: Handler) -> web.StreamResponse:
        stand_in.paths.append(request.path)
        return await handler(request)

    app = web.Application(middlewares=[record_path])
    app.router.add_get("/domain/{name}", domain)
    app.router.add_get("/blocklist.txt", blocklist)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    stand_in.base_url = f"http://127.0.0.1:{port}"
    try:
        yield stand_in
    finally:
        stand_in.release.set()
        await runner.cleanup()
