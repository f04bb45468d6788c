"""Telegram: "is this legit?" for a message with several links, answered with one card.

The whole bot runs against the Telegram Bot API emulator (see tests/telegram_emulator.py);
job pages are served on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.telegram_emulator import (  # noqa: F401  (fixtures)
    ALLOWED_TAGS,
    BotMessage,
    TelegramHarness,
    TelegramHTML,
    emulator_client_fixture,
    person,
    private_chat,
    telegram_bot_fixture,
    telegram_emulator_fixture,
    telegram_gateway_fixture,
)

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


def visible(message: BotMessage) -> str:
    parsed = TelegramHTML(message.text)
    assert set(parsed.tags) <= ALLOWED_TAGS, f"unexpected markup in {message.text!r}"
    return parsed.visible


@pytest.fixture
async def pages() -> AsyncIterator[str]:
    """`<base>/scam` and `<base>/fine` on 127.0.0.1."""

    async def page(request: web.Request) -> web.Response:
        body = SCAM_PAGE if request.path == "/scam" else FINE_PAGE
        return web.Response(body=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/scam", page)
    app.router.add_get("/fine", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_a_message_with_several_links_gets_one_card(
    telegram_bot: TelegramHarness, pages: str
) -> None:
    eva = person(130, "Eva", language_code="en")
    message = f"Real?\n{pages}/scam\n{pages}/fine"  # too short to be checked as text
    await telegram_bot.client.send_message(eva, private_chat(eva), message)
    [card] = await telegram_bot.client.wait_for(130)
    seen = visible(card)
    assert seen.startswith("🔴")  # the worst of its parts
    assert f"{pages}/scam:" in seen and f"{pages}/fine:" in seen
    assert seen.index(f"{pages}/scam") < seen.index(f"{pages}/fine")
    assert "2 parts checked" in seen
    assert [b["text"] for row in card.keyboard for b in row] == [
        "Why?",
        "Report as scam",
        "Looks fine",
    ]
    assert await telegram_bot.client.new_bot_messages(130) == []  # one answer, not one a link
