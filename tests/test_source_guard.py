"""Job sources go through the same address guard as link checks.

A board (or a redirect it answers with) that points at the bot's own machine, a private
network or the cloud metadata service is refused before anything is sent there, and what a
failed source shows in `sources` never quotes the body it got.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from adapters.http.aiohttp_transport import AddressRefused, AiohttpTransport, GuardedResolver
from bot.app import App, build_app
from bot.config import Settings
from bot.errors import FetchRefused
from bot.links.addresses import AddressGuard
from tests.linkcheck_helpers import FakeResolver, LocalSite, Route, local_site

__all__ = ["local_site"]  # the fixture, imported so pytest finds it

INTERNAL = [
    "127.0.0.1",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",  # the metadata service
    "100.64.0.7",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "fd00::1",
    "::ffff:10.0.0.1",
]


@pytest.mark.parametrize("address", INTERNAL)
async def test_the_guard_refuses_a_name_resolving_to_an_internal_address(address: str) -> None:
    resolver = GuardedResolver(AddressGuard(resolver=FakeResolver({"jobs.test": [address]})))
    with pytest.raises(FetchRefused) as caught:
        await resolver.resolve("jobs.test", 443)
    assert caught.value.reason == "private_address"


async def test_one_internal_address_among_public_ones_refuses_the_name() -> None:
    table: dict[str, Sequence[str]] = {"jobs.test": ["93.184.215.14", "169.254.169.254"]}
    with pytest.raises(FetchRefused):
        await GuardedResolver(AddressGuard(resolver=FakeResolver(table))).resolve("jobs.test", 80)


async def test_the_guard_answers_with_exactly_the_checked_public_addresses() -> None:
    table: dict[str, Sequence[str]] = {
        "jobs.test": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    }
    found = await GuardedResolver(AddressGuard(resolver=FakeResolver(table))).resolve(
        "jobs.test", 443
    )
    assert [entry["host"] for entry in found] == table["jobs.test"]


async def test_loopback_permission_opens_loopback_and_nothing_else() -> None:
    guard = AddressGuard(
        resolver=FakeResolver({"local.test": ["127.0.0.1"], "lan.test": ["192.168.1.1"]}),
        allow_loopback=True,
    )
    assert [str(ip) for ip in await guard.addresses("local.test", 80)] == ["127.0.0.1"]
    with pytest.raises(FetchRefused):
        await guard.addresses("lan.test", 80)


async def get(transport: AiohttpTransport, url: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=transport, follow_redirects=True, timeout=5) as http:
        return await http.get(url)


async def test_a_board_on_loopback_is_refused_unless_the_config_allows_it(
    local_site: LocalSite,
) -> None:
    url = local_site.add("/jobs", Route(body=b'{"jobs": []}', content_type="application/json"))
    with pytest.raises(AddressRefused):
        await get(AiohttpTransport(limit=4, limit_per_host=4, max_body_bytes=10_000), url)
    assert local_site.hits == []  # nothing reached the server
    allowed = AddressGuard(allow_loopback=True)
    transport = AiohttpTransport(limit=4, limit_per_host=4, max_body_bytes=10_000, guard=allowed)
    assert (await get(transport, url)).json() == {"jobs": []}


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/",
        "http://internal.test/",
    ],
)
async def test_a_board_redirecting_to_an_internal_address_is_refused_there(
    local_site: LocalSite, target: str
) -> None:
    url = local_site.redirect("/jobs", target)
    guard = AddressGuard(
        resolver=FakeResolver({"127.0.0.1": ["127.0.0.1"], "internal.test": ["10.1.2.3"]}),
        allow_loopback=True,
    )
    transport = AiohttpTransport(limit=4, limit_per_host=4, max_body_bytes=10_000, guard=guard)
    with pytest.raises(AddressRefused):
        await get(transport, url)
    assert local_site.hits == ["/jobs"]


# -- what `sources` shows --------------------------------------------------------------------


async def app_with_board(tmp_path: Path, url: str) -> App:
    settings = Settings.model_validate(
        {
            "storage": {"database": str(tmp_path / "vigia.db")},
            "polling": {"allow_loopback": True},
            "sources": [{"kind": "greenhouse", "board": "acme", "url": url}],
        }
    )
    return await build_app(settings)


async def poll_and_show(app: App) -> str:
    try:
        for source, interval_s in app.sources:
            await app.poller.poll(source, interval_s=interval_s, force=True)
        [health] = await app.services.sources.health()
    finally:
        await app.aclose()
    assert health.last_status is not None
    return health.last_status


async def test_a_source_redirected_to_the_metadata_service_shows_a_refusal(
    tmp_path: Path, local_site: LocalSite
) -> None:
    url = local_site.redirect("/jobs", "http://169.254.169.254/latest/meta-data/iam/")
    status = await poll_and_show(await app_with_board(tmp_path, url))
    assert "169.254.169.254 is a private, loopback or link-local address" in status


async def test_sources_never_shows_the_bytes_a_failed_source_answered(
    tmp_path: Path, local_site: LocalSite
) -> None:
    secret = b"<html>admin console: root password hunter2</html>"
    url = local_site.add("/jobs", Route(body=secret, content_type="text/html"))
    status = await poll_and_show(await app_with_board(tmp_path, url))
    assert "not JSON" in status and f"{len(secret)} bytes" in status
    assert "hunter2" not in status and "admin" not in status
