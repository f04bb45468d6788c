"""A message with several links, checked as one: one card, a line per link, and a link whose
page is slow answered from the link alone when the answer cannot wait.

Pages are served on 127.0.0.1; a gated page answers only when the test opens its gate, so
"slow" is a fact of the test, not a race against a clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.links.checker import LegitChecker
from bot.links.safefetch import SafeFetcher
from bot.models import RiskLevel
from bot.scam import ScamChecker
from bot.services import ReportKind, Services, TooManyRequests
from bot.store import Database
from bot.store import postings as postings_store
from bot.store import reports as reports_store

SCAM_PAGE = b"""<html><head><title>AI Trainer</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "JobPosting",
 "title": "AI Trainer - Remote", "datePosted": "2025-01-10",
 "hiringOrganization": {"@type": "Organization", "name": "Acme Labs"},
 "description": "Pay a $120 fee for training materials in USDT, then message us on Telegram."}
</script></head><body><h1>AI Trainer</h1></body></html>"""
FINE_PAGE = b"""<html><head><title>Data annotator</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "JobPosting",
 "title": "Data Annotator (Spanish)", "datePosted": "2025-01-10",
 "hiringOrganization": {"@type": "Organization", "name": "Acme Labs"},
 "description": "Annotate Spanish text for model training. Hourly pay, remote, apply online."}
</script></head><body><h1>Data annotator</h1></body></html>"""
TEXT = "Hola! Mira estas ofertas de entrenador de IA, pagan muy bien:"


@dataclass
class Site:
    """Job pages on 127.0.0.1; a gated page waits for its gate."""

    pages: dict[str, bytes] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    base: str = ""

    def add(self, name: str, body: bytes, *, gated: bool = False) -> str:
        self.pages[name] = body
        if gated:
            self.gates[name] = asyncio.Event()
        return f"{self.base}/{name}"

    async def handle(self, request: web.Request) -> web.Response:
        name = request.path.strip("/")
        self.hits.append(name)
        gate = self.gates.get(name)
        if gate is not None:
            await gate.wait()
        body = self.pages.get(name)
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="text/html")


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    served = Site()
    app = web.Application()
    app.router.add_get("/{name}", served.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    served.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield served
    finally:
        for gate in served.gates.values():
            gate.set()
        await runner.cleanup()


class LoopbackOnly:
    async def resolve(self, host: str, port: int) -> list[str]:
        assert host == "127.0.0.1", f"a test tried to reach {host}"
        return ["127.0.0.1"]


@pytest.fixture
def migrated_target(tmp_path: Path) -> str:
    """SQLite only: these are link-check tests, not store tests (those run on both engines),
    and their deadlines of a few hundredths of a second would also time a database server's
    round trips."""
    return str(tmp_path / "vigia.db")


@pytest.fixture
async def linkchecker(db: Database) -> AsyncIterator[LegitChecker]:
    fetcher = SafeFetcher(resolver=LoopbackOnly(), allow_loopback=True, allowed_ports=None)
    checker = LegitChecker(fetcher=fetcher, checker=ScamChecker(), db=db, cache_ttl_s=600)
    try:
        yield checker
    finally:
        await checker.aclose()
        await fetcher.aclose()


@pytest.fixture
def services(db: Database, linkchecker: LegitChecker) -> Services:
    return Services.build(db=db, linkchecker=linkchecker)


# -- one card for a message with several links ------------------------------------------------


async def test_several_links_get_one_card_with_a_line_each(services: Services, site: Site) -> None:
    scam = site.add("scam", SCAM_PAGE)
    fine = site.add("fine", FINE_PAGE)
    result = await services.checks.legit_message(f"{TEXT}\n{scam}\n{fine}", language="es")

    assert [part.url for part in result.parts] == [None, scam, fine]
    scam_part = result.parts[1]
    assert scam_part.verdict.level is RiskLevel.SCAM
    assert result.verdict.level is RiskLevel.SCAM and result.card.level is RiskLevel.SCAM
    labels = [f.label for f in result.card.fields]
    assert labels == ["El texto del mensaje", scam, fine]
    scam_line = result.card.fields[1].value
    assert scam_line.startswith("🔴") and f"{scam_part.verdict.risk}/100" in scam_line
    assert result.card.footer.startswith("3 partes revisadas")
    assert {b.action.value for b in result.card.buttons} == {"why", "report", "fine"}
    assert sorted(site.hits) == ["fine", "scam"]


async def test_at_most_five_links_are_checked(services: Services, site: Site) -> None:
    links = [site.add(f"p{n}", FINE_PAGE) for n in range(7)]
    result = await services.checks.legit_message(" ".join(links), language="en")
    assert [part.url for part in result.parts] == links[:5]
    assert sorted(site.hits) == [f"p{n}" for n in range(5)]


async def test_why_and_the_card_are_drawn_again_from_the_store(
    db: Database, linkchecker: LegitChecker, site: Site
) -> None:
    scam = site.add("scam", SCAM_PAGE)
    fine = site.add("fine", FINE_PAGE)
    first = Services.build(db=db, linkchecker=linkchecker)
    result = await first.checks.legit_message(f"{TEXT}\n{scam}\n{fine}", language="en")

    restarted = Services.build(db=db, linkchecker=linkchecker)  # as after a restart
    card = await restarted.checks.card(result.check_id, "en")
    assert card is not None
    assert [f.label for f in card.fields] == ["The message's text", scam, fine]
    why = await restarted.checks.why(result.check_id, "en")
    assert why is not None
    assert f"[2] {scam}" in why.description and f"[3] {fine}" in why.description
    for signal in result.parts[1].verdict.reasons:
        assert f"{signal.weight:+g}" in why.description


async def test_a_report_on_the_message_is_a_report_on_its_text(
    services: Services, db: Database, site: Site
) -> None:
    scam = site.add("scam", SCAM_PAGE)
    message = f"{TEXT}\n{scam}\nhttps://127.0.0.1:1/gone"
    result = await services.checks.legit_message(message, language="en")
    text_alone = await services.checks.legit(url=None, text=message, language="en")
    await services.reports.report(result.check_id, user="telegram:1", kind=ReportKind.SCAM)
    check = await postings_store.get_check(db, text_alone.check_id)
    assert check is not None
    assert await reports_store.report_counts(db, check.subject) == {"scam": 1}


async def test_a_message_with_links_counts_once_against_the_limit(
    services: Services, site: Site
) -> None:
    links = " ".join(site.add(f"p{n}", FINE_PAGE) for n in range(3))
    for _ in range(10):  # the default limit is 10 checks a minute per person
        await services.checks.legit_message(links, language="en", requester="discord:1")
    with pytest.raises(TooManyRequests):
        await services.checks.legit_message(links, language="en", requester="discord:1")


# -- an answer that cannot wait for a slow page -----------------------------------------------


async def test_a_slow_page_is_judged_from_its_link_and_read_for_next_time(
    linkchecker: LegitChecker, site: Site
) -> None:
    slow = site.add("slow", SCAM_PAGE, gated=True)
    quick = await linkchecker.check_url(slow, deadline_s=0.05)
    assert not quick.fetched and quick.posting is None
    assert quick.problem is not None and quick.problem.reason == "slow"
    assert "0.05 s" in quick.note("en") and "0.05 s" in quick.note("es")

    site.gates["slow"].set()  # the page answers after all: its reading fills the cache
    await asyncio.gather(*linkchecker._background)
    again = await linkchecker.check_url(slow, deadline_s=0.05)
    assert again.fetched and again.cached
    assert again.verdict.level is RiskLevel.SCAM
    assert site.hits == ["slow"]  # read once


async def test_a_slow_link_in_a_message_says_so_on_its_line(services: Services, site: Site) -> None:
    fine = site.add("fine", FINE_PAGE)
    slow = site.add("slow", SCAM_PAGE, gated=True)
    # The fine page has a whole second (a loaded CI machine); the gated one never answers.
    result = await services.checks.legit_message(f"{fine} {slow}", language="en", deadline_s=1.0)
    fine_line, slow_line = (f.value for f in result.card.fields)
    assert "could not be read" not in fine_line
    assert "could not be read" in slow_line and "1 s" in slow_line
