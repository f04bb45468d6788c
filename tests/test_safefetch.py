"""The safe fetcher: what a user's link may and may not make the bot do."""

from __future__ import annotations

import pytest

from bot.errors import FetchFailed, FetchRefused
from bot.links.safefetch import FetchLimits, SafeFetcher, is_public_address
from tests.linkcheck_helpers import (
    FakeResolver,
    HangingTransport,
    LocalSite,
    LoopbackOnlyTransport,
    MustNotSendTransport,
    Route,
    ScriptedTransport,
    local_site,
)

__all__ = ["local_site"]  # the fixture, imported so pytest finds it

PUBLIC_IP = "93.184.215.14"


def guarded(resolver: FakeResolver | None = None, **kwargs: object) -> SafeFetcher:
    """A fetcher whose network layer fails the test when it is reached."""
    return SafeFetcher(
        resolver=resolver or FakeResolver({}),
        transport=MustNotSendTransport(),
        **kwargs,  # type: ignore[arg-type]
    )


async def refusal(fetcher: SafeFetcher, url: str) -> FetchRefused:
    try:
        with pytest.raises(FetchRefused) as caught:
            await fetcher.fetch(url)
    finally:
        await fetcher.aclose()
    return caught.value


# -- refused before anything is sent ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/job", "file:///etc/passwd", "javascript:alert(1)", "gopher://x.org/"],
)
async def test_only_http_and_https_are_fetched(url: str) -> None:
    error = await refusal(guarded(), url)
    assert error.reason == "scheme"


async def test_credentials_in_the_url_are_refused() -> None:
    error = await refusal(guarded(), "https://admin:secret@example.com/")
    assert error.reason == "credentials"


async def test_a_non_web_port_is_refused() -> None:
    error = await refusal(guarded(), "http://example.com:6379/")
    assert error.reason == "port"
    assert error.params["port"] == "6379"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.7",
        "100.100.100.200",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fd00:ec2::254",
        "fe80::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "2002:a00:1::1",
        "64:ff9b::a9fe:a9fe",
        "::",
    ],
)
async def test_a_name_resolving_to_an_internal_address_is_refused(address: str) -> None:
    resolver = FakeResolver({"jobs.example.com": [address]})
    error = await refusal(guarded(resolver), "https://jobs.example.com/offer")
    assert error.reason == "private_address"
    assert resolver.asked == ["jobs.example.com"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fd00::1]/",
        "http://10.1.2.3:8080/admin",
    ],
)
async def test_an_internal_ip_literal_is_refused_without_asking_dns(url: str) -> None:
    resolver = FakeResolver({})
    error = await refusal(guarded(resolver), url)
    assert error.reason == "private_address"
    assert resolver.asked == []


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f.1/", "http://017700000001/"])
async def test_numeric_spellings_of_loopback_are_refused(url: str) -> None:
    # The system resolver reads these numeric forms itself; no DNS query is made.
    fetcher = SafeFetcher(transport=MustNotSendTransport())
    error = await refusal(fetcher, url)
    assert error.reason == "private_address"


async def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    resolver = FakeResolver({"rebind.example": [PUBLIC_IP, "10.0.0.5"]})
    error = await refusal(guarded(resolver), "https://rebind.example/")
    assert error.reason == "private_address"


async def test_loopback_permission_opens_loopback_only() -> None:
    resolver = FakeResolver({"intranet.example": ["192.168.0.10"]})
    error = await refusal(guarded(resolver, allow_loopback=True), "http://intranet.example/")
    assert error.reason == "private_address"
    metadata = await refusal(guarded(allow_loopback=True), "http://169.254.169.254/")
    assert metadata.reason == "private_address"


def test_public_addresses_are_public() -> None:
    import ipaddress

    for text in (PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111"):
        assert is_public_address(ipaddress.ip_address(text))


async def test_an_unknown_host_fails_as_dns() -> None:
    fetcher = guarded(FakeResolver({}))
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch("https://no-such-host.example/")
    assert caught.value.reason == "dns"


# -- pinned connection -----------------------------------------------------------------------


async def test_the_connection_goes_to_the_checked_address_with_the_real_host_name() -> None:
    import httpx

    transport = ScriptedTransport(
        lambda request: httpx.Response(
            200, headers={"Content-Type": "text/html"}, content=b"<h1>Annotator</h1>"
        )
    )
    fetcher = SafeFetcher(
        resolver=FakeResolver({"careers.example.com": [PUBLIC_IP]}), transport=transport
    )
    page = await fetcher.fetch("https://careers.example.com/jobs/1")
    await fetcher.aclose()
    assert page.url == "https://careers.example.com/jobs/1"
    assert page.body == b"<h1>Annotator</h1>"
    assert transport.seen == [(PUBLIC_IP, "careers.example.com", "careers.example.com")]


async def test_a_redirect_to_a_resolved_private_name_is_refused_after_the_hop() -> None:
    import httpx

    def site(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://internal.example/secret"})

    transport = ScriptedTransport(site)
    resolver = FakeResolver({"short.example": [PUBLIC_IP], "internal.example": ["10.0.0.5"]})
    fetcher = SafeFetcher(resolver=resolver, transport=transport)
    with pytest.raises(FetchRefused) as caught:
        await fetcher.fetch("https://short.example/x")
    await fetcher.aclose()
    assert caught.value.reason == "private_address"
    assert caught.value.url == "https://internal.example/secret"
    assert [host for _, host, _ in transport.seen] == ["short.example"]


# -- against a real local server -------------------------------------------------------------


def loopback_fetcher(**limits: int | float) -> tuple[SafeFetcher, LoopbackOnlyTransport]:
    transport = LoopbackOnlyTransport()
    fetcher = SafeFetcher(
        transport=transport,
        allow_loopback=True,
        allowed_ports=None,
        limits=FetchLimits(**limits),  # type: ignore[arg-type]
    )
    return fetcher, transport


async def test_a_page_is_read_through_redirects(local_site: LocalSite) -> None:
    target = local_site.add("/job", Route(body="<p>Señal</p>".encode()))
    local_site.redirect("/b", "/job", status=301)
    start = local_site.redirect("/a", local_site.url("/b"))
    fetcher, _ = loopback_fetcher()
    page = await fetcher.fetch(start)
    await fetcher.aclose()
    assert page.url == target
    assert page.redirects == (start, local_site.url("/b"))
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.body.decode() == "<p>Señal</p>"


async def test_a_redirect_to_the_metadata_service_is_never_requested(
    local_site: LocalSite,
) -> None:
    start = local_site.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    fetcher, transport = loopback_fetcher()
    with pytest.raises(FetchRefused) as caught:
        await fetcher.fetch(start)
    await fetcher.aclose()
    assert caught.value.reason == "private_address"
    assert [str(r.url.path) for r in transport.sent] == ["/go"]
    assert local_site.hits == ["/go"]


async def test_a_redirect_to_another_scheme_is_refused(local_site: LocalSite) -> None:
    start = local_site.redirect("/go", "file:///etc/passwd")
    fetcher, _ = loopback_fetcher()
    with pytest.raises(FetchRefused) as caught:
        await fetcher.fetch(start)
    await fetcher.aclose()
    assert caught.value.reason == "scheme"


async def test_more_than_five_redirects_are_not_followed(local_site: LocalSite) -> None:
    for hop in range(7):
        local_site.redirect(f"/r{hop}", f"/r{hop + 1}")
    local_site.add("/r7", Route(body=b"end"))
    fetcher, _ = loopback_fetcher()
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(local_site.url("/r0"))
    await fetcher.aclose()
    assert caught.value.reason == "too_many_redirects"
    assert local_site.hits == [f"/r{hop}" for hop in range(6)]


async def test_exactly_five_redirects_are_followed(local_site: LocalSite) -> None:
    for hop in range(5):
        local_site.redirect(f"/r{hop}", f"/r{hop + 1}")
    local_site.add("/r5", Route(body=b"end", content_type="text/plain"))
    fetcher, _ = loopback_fetcher()
    page = await fetcher.fetch(local_site.url("/r0"))
    await fetcher.aclose()
    assert page.body == b"end"
    assert len(page.redirects) == 5


async def test_a_streamed_body_over_the_cap_is_abandoned(local_site: LocalSite) -> None:
    url = local_site.add("/big", Route(body=b"x" * 200_000, chunked=True))
    fetcher, _ = loopback_fetcher(max_bytes=50_000)
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url)
    await fetcher.aclose()
    assert caught.value.reason == "too_large"


async def test_a_declared_length_over_the_cap_is_refused_unread(local_site: LocalSite) -> None:
    url = local_site.add("/big", Route(body=b"x" * 60_000))
    fetcher, _ = loopback_fetcher(max_bytes=50_000)
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url)
    await fetcher.aclose()
    assert caught.value.reason == "too_large"


async def test_a_compressed_bomb_is_counted_at_its_unpacked_size(local_site: LocalSite) -> None:
    url = local_site.add("/bomb", Route(body=b"\0" * 3_000_000, gzip=True))
    fetcher, _ = loopback_fetcher()
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url)
    await fetcher.aclose()
    assert caught.value.reason == "too_large"


async def test_a_body_at_the_cap_is_read(local_site: LocalSite) -> None:
    url = local_site.add("/fits", Route(body=b"y" * 50_000, chunked=True))
    fetcher, _ = loopback_fetcher(max_bytes=50_000)
    page = await fetcher.fetch(url)
    await fetcher.aclose()
    assert len(page.body) == 50_000


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/zip"])
async def test_only_html_json_and_text_are_read(local_site: LocalSite, content_type: str) -> None:
    url = local_site.add("/file", Route(body=b"\x89PNG....", content_type=content_type))
    fetcher, _ = loopback_fetcher()
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(url)
    await fetcher.aclose()
    assert caught.value.reason == "content_type"
    assert caught.value.params["content_type"] == content_type


async def test_an_error_status_fails_with_the_status(local_site: LocalSite) -> None:
    fetcher, _ = loopback_fetcher()
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(local_site.url("/gone"))
    await fetcher.aclose()
    assert caught.value.reason == "http_status"
    assert caught.value.params["status"] == "404"


async def test_the_whole_fetch_has_one_deadline() -> None:
    transport = HangingTransport()
    fetcher = SafeFetcher(
        resolver=FakeResolver({"slow.example": [PUBLIC_IP]}),
        transport=transport,
        limits=FetchLimits(total_timeout_s=0.05),
    )
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch("https://slow.example/")
    await fetcher.aclose()
    assert caught.value.reason == "timeout"
    assert transport.calls == 1


async def test_a_closed_port_fails_as_connect() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fetcher, _ = loopback_fetcher()
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(f"http://127.0.0.1:{port}/")
    await fetcher.aclose()
    assert caught.value.reason == "connect"
