"""What the sources' operators and the readers see of a poll: the configured User-Agent on
every request, credit to the boards that ask for it, one clear log line, a place said once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.chat.discord_render import card_to_embed
from adapters.chat.telegram_render import card_html
from adapters.http.aiohttp_transport import AiohttpTransport
from bot.delivery.render import alert_card, posting_fields
from bot.delivery.render_text import card_to_text
from bot.links.addresses import AddressGuard
from bot.models import Alert, ChatRef, Filter, Posting, RiskLevel, Sighting, Subscription, Verdict
from bot.store import Database
from tests.conftest import FakeClock
from tests.pipeline_helpers import greenhouse, greenhouse_jobs, make_poller, subscribe_console
from tests.sources_helpers import PayloadServer, sample_bytes
from tests.test_sources import _KIND_PAYLOADS, _build

CONTACT_AGENT = "VigiaTest/9.1 (+https://example.org/vigia-contact)"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = AiohttpTransport(
        limit=8, limit_per_host=4, max_body_bytes=2_000_000, guard=AddressGuard(allow_loopback=True)
    )
    # The client's own default header is a different one: only the poller's may reach a board.
    async with httpx.AsyncClient(
        timeout=5, transport=transport, headers={"User-Agent": "client-default/0"}
    ) as client:
        yield client


@pytest.mark.parametrize("kind", sorted(_KIND_PAYLOADS))
async def test_every_kind_sends_the_configured_user_agent(
    kind: str,
    db: Database,
    http: httpx.AsyncClient,
    clock: FakeClock,
    payload_server: PayloadServer,
) -> None:
    url = payload_server.serve("/board", sample_bytes(_KIND_PAYLOADS[kind]))
    poller = make_poller(db, http, clock, user_agent=CONTACT_AGENT, max_pages=3)
    await poller.poll(_build(kind, url), interval_s=600, force=True)
    # Every request of the poll: the board, and the pages or detail calls it leads to.
    assert payload_server.received
    assert {request.header("User-Agent") for request in payload_server.received} == {CONTACT_AGENT}


async def test_the_poll_line_says_first_poll_alerts_were_sent_when_they_were(
    db: Database,
    http: httpx.AsyncClient,
    clock: FakeClock,
    payload_server: PayloadServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await subscribe_console(db)
    url = payload_server.serve(
        "/v1/boards/acme/jobs", greenhouse_jobs([{"id": 1, "title": "RLHF Annotator"}])
    )
    caplog.set_level(logging.INFO, logger="vigia.poll")
    alerting = make_poller(db, http, clock, alert_on_first_poll=True)
    result = await alerting.poll(greenhouse(url), interval_s=600, force=True)
    assert result.alerts == 1
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("poll ")]
    assert "alerts=1" in line and "not alerted" not in line

    caplog.clear()
    quiet = make_poller(db, http, clock)
    await quiet.poll(greenhouse(url, board="other"), interval_s=600, force=True)
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("poll ")]
    assert "(first poll: recorded, not alerted)" in line


def _alert(language: str, sightings: tuple[Sighting, ...], **fields: object) -> Alert:
    values: dict[str, object] = {
        "source": "remotive:ai",
        "native_id": "7",
        "url": "https://remotive.com/remote-jobs/ai/7",
        "title": "AI Trainer",
        "company": "Acme",
    }
    values.update(fields)
    subscription = Subscription(
        1, ChatRef("console", ""), Filter(max_risk=RiskLevel.SCAM), language
    )
    return Alert(
        id=1,
        posting=Posting(**values),  # type: ignore[arg-type]
        verdict=Verdict(5, RiskLevel.OK),
        subscription=subscription,
        check_id=3,
        sightings=sightings,
    )


@pytest.mark.parametrize(("language", "credit"), [("en", "via Remotive"), ("es", "vía Remotive")])
def test_an_alert_from_remotive_credits_it_with_a_link_back_everywhere(
    language: str, credit: str
) -> None:
    link = "https://remotive.com/remote-jobs/ai/7"
    card = alert_card(_alert(language, (Sighting("remotive:ai", link, "remotive"),)))
    embed = card_to_embed(card)
    assert any(f.name == credit and f.value == link for f in embed.fields)
    assert f"<b>{credit}:</b> {link}" in card_html(card)
    assert f"{credit}: {link}" in card_to_text(card)


@pytest.mark.parametrize(("language", "credit"), [("en", "via Remote OK"), ("es", "vía Remote OK")])
def test_remote_ok_is_credited_by_its_link_when_the_source_is_gone(
    language: str, credit: str
) -> None:
    link = "https://remoteok.com/remote-jobs/123-ai-trainer"
    card = alert_card(_alert(language, (), source="old-name", url=link))
    assert f"{credit}: {link}" in card_to_text(card)


def test_a_board_that_asks_nothing_is_not_credited() -> None:
    link = "https://boards.greenhouse.io/acme/jobs/1"
    card = alert_card(_alert("en", (Sighting("greenhouse:acme", link, "greenhouse"),), url=link))
    assert "via" not in card_to_text(card)


@pytest.mark.parametrize(("language", "word"), [("en", "Remote"), ("es", "Remoto")])
def test_a_remote_place_is_said_once(language: str, word: str) -> None:
    for location in ("Remote", "Remoto", "Anywhere", "Remote - LATAM"):
        posting = Posting("s", "1", "https://x.org/1", "AI Trainer", location=location, remote=True)
        [place] = [f.value for f in posting_fields(posting, language)]
        assert place == location  # not "Remote · Remoto"
    posting = Posting("s", "1", "https://x.org/1", "AI Trainer", location="Madrid", remote=True)
    [place] = [f.value for f in posting_fields(posting, language)]
    assert place == f"Madrid · {word}"
