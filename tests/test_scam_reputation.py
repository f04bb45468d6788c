"""Check 4: optional online reputation (RDAP domain age, blocklist), cached, within 2 s."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.app import build_checker
from bot.config import load_settings
from bot.errors import ConfigError
from bot.models import Posting, RiskLevel
from bot.scam import Reputation, ScamChecker
from tests.conftest import FakeClock
from tests.scam_helpers import (
    RdapStandIn,
    rdap_server_fixture,  # noqa: F401  (fixture "rdap_server")
)

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def posting(url: str, company: str = "Nova Digital") -> Posting:
    return Posting(
        "test",
        "1",
        url,
        "Data Annotator",
        company=company,
        description="Label images for AI projects. Contact us on WhatsApp.",
    )


def reputation(server: RdapStandIn, **options: object) -> Reputation:
    return Reputation(rdap_base_url=server.base_url, now=lambda: NOW, **options)  # type: ignore[arg-type]


async def test_off_by_default_the_verdict_is_unchanged() -> None:
    checker = ScamChecker()
    offline = checker.check(posting("https://nova-digital.com/jobs"))
    assert await checker.check_online(posting("https://nova-digital.com/jobs"), offline) is offline


async def test_a_young_domain_adds_a_signal_and_can_raise_the_level(
    rdap_server: RdapStandIn,
) -> None:
    rdap_server.registered["nova-digital.com"] = "2026-11-20T10:00:00Z"
    rep = reputation(rdap_server)
    checker = ScamChecker(reputation=rep)
    item = posting("https://careers.nova-digital.com/jobs/1")
    offline = checker.check(item)
    online = await checker.check_online(item, offline)
    await rep.aclose()
    assert offline.level is RiskLevel.CAUTION  # contact on WhatsApp: 35
    young = [s for s in online.reasons if s.id == "domain.young"]
    assert young and young[0].params == {"domain": "nova-digital.com", "days": "7"}
    assert online.risk == offline.risk + 30 and online.level is RiskLevel.SCAM
    assert rdap_server.requests == ["nova-digital.com"]


async def test_an_old_domain_adds_nothing_and_lookups_are_cached(rdap_server: RdapStandIn) -> None:
    rdap_server.registered["acme.com"] = "1998-03-01T00:00:00Z"
    rep = reputation(rdap_server)
    assert await rep.signals("https://acme.com/jobs") == []
    assert await rep.signals("https://www.acme.com/other") == []
    assert await rep.domain_age_days("acme.com") == (NOW - datetime(1998, 3, 1, tzinfo=UTC)).days
    await rep.aclose()
    assert rdap_server.requests == ["acme.com"]


async def test_cache_expires_after_its_ttl(rdap_server: RdapStandIn) -> None:
    rdap_server.registered["acme.com"] = "1998-03-01T00:00:00Z"
    clock = FakeClock(1000.0)
    rep = reputation(rdap_server, cache_ttl_s=60.0, clock=clock)
    await rep.signals("https://acme.com/a")
    clock.advance(61)
    await rep.signals("https://acme.com/a")
    await rep.aclose()
    assert rdap_server.requests == ["acme.com", "acme.com"]


async def test_an_unknown_domain_is_asked_again_sooner_than_a_known_one(
    rdap_server: RdapStandIn,
) -> None:
    """A found registration date is kept for the cache TTL; a failed lookup only 5 minutes."""
    rdap_server.registered["acme.com"] = "1998-03-01T00:00:00Z"
    clock = FakeClock(1000.0)
    rep = reputation(rdap_server, cache_ttl_s=3600.0, clock=clock)
    for _ in range(2):
        await rep.signals("https://acme.com/a")
        await rep.signals("https://unknown-domain.com/a")
    clock.advance(301)
    await rep.signals("https://acme.com/a")
    await rep.signals("https://unknown-domain.com/a")
    await rep.aclose()
    assert sorted(rdap_server.requests) == ["acme.com", "unknown-domain.com", "unknown-domain.com"]


async def test_a_slow_service_never_holds_the_verdict_past_the_budget(
    rdap_server: RdapStandIn,
) -> None:
    rdap_server.stall = True
    rep = reputation(rdap_server, timeout_s=0.3)
    checker = ScamChecker(reputation=rep)
    item = posting("https://slow-domain.com/x")
    offline = checker.check(item)
    started = time.monotonic()
    online = await checker.check_online(item, offline)
    elapsed_s = time.monotonic() - started
    await rep.aclose()
    assert online is offline
    assert elapsed_s < 2.0


async def test_errors_and_unknown_domains_leave_the_verdict_alone(rdap_server: RdapStandIn) -> None:
    rep = reputation(rdap_server)  # nothing registered: the stand-in answers 404
    assert await rep.signals("https://unknown-domain.com/") == []
    assert await rep.signals("http://203.0.113.5/x") == []  # raw IPs are not looked up
    await rep.aclose()
    assert rdap_server.requests == ["unknown-domain.com"]


async def test_verified_employer_links_are_not_looked_up(rdap_server: RdapStandIn) -> None:
    rep = reputation(rdap_server)
    checker = ScamChecker(reputation=rep)
    item = posting("https://job-boards.greenhouse.io/scaleai/jobs/1", company="Scale AI")
    verdict = checker.check(item)
    assert await checker.check_online(item, verdict) is verdict
    await rep.aclose()
    assert rdap_server.requests == []


async def test_blocklist_local_and_feed(rdap_server: RdapStandIn) -> None:
    rdap_server.blocklist = "# scam hosts\nbad-jobs.com\nhttps://ok-site.com/scam-page\n"
    rep = Reputation(
        rdap_base_url=None,
        blocklist=["evil.example"],
        blocklist_url=f"{rdap_server.base_url}/blocklist.txt",
    )
    assert [s.id for s in await rep.signals("https://apply.bad-jobs.com/x")] == [
        "domain.blocklisted"
    ]
    assert [s.evidence for s in await rep.signals("https://ok-site.com/scam-page/")] == [
        "ok-site.com/scam-page"
    ]
    assert [s.id for s in await rep.signals("http://www.evil.example/")] == ["domain.blocklisted"]
    assert await rep.signals("https://ok-site.com/jobs") == []
    await rep.aclose()
    assert rdap_server.requests.count("blocklist") == 1  # fetched once, then cached


async def test_uses_the_given_client_and_never_another_address() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request to {request.url}")

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    rep = Reputation(rdap_base_url=None, client=client)
    assert await rep.signals("https://anything.com/") == []
    await client.aclose()


@pytest.mark.parametrize("written", ["", "/", "/domain/", "/domain"])
async def test_the_configured_rdap_url_asks_the_service_for_domain_slash_name(
    tmp_path: Path, rdap_server: RdapStandIn, written: str
) -> None:
    """From `[scam] rdap_url` through the checker the app builds to the request on the wire:
    one `/domain/<name>`, however the base was written (rdap.org's own docs end it in
    `/domain/`)."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[scam]\nonline_reputation = true\nrdap_url = "{rdap_server.base_url}{written}"\n',
        encoding="utf-8",
    )
    rdap_server.registered["nova-digital.com"] = "2026-11-20T10:00:00Z"
    checker = build_checker(load_settings(config))
    assert checker.reputation is not None
    job = posting("https://nova-digital.com/careers/annotator")
    try:
        verdict = await checker.check_online(job, checker.check(job))
    finally:
        await checker.reputation.aclose()
    assert rdap_server.paths == ["/domain/nova-digital.com"]
    assert "domain.young" in {reason.id for reason in verdict.reasons}


def test_the_default_rdap_url_is_the_service_base(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[scam]\nonline_reputation = true\n", encoding="utf-8")
    assert load_settings(config).scam.rdap_url == "https://rdap.org"
    config.write_text('[scam]\nrdap_url = "rdap.org/domain/"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert info.value.key == "scam.rdap_url"
