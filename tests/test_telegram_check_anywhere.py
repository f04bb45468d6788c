"""Telegram: "is this legit?" for a message with several links, answered with one card, and
from any chat through inline mode (`@bot <link or text>`).

The whole bot runs against the Telegram Bot API emulator (see tests/telegram_emulator.py);
job pages are served on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.telegram_emulator import (  # noqa: F401  (fixtures)
    ALLOWED_TAGS,
    BOT_ID,
    BOT_USERNAME,
    BotMessage,
    EmulatorClient,
    TelegramGateway,
    TelegramHarness,
    TelegramHTML,
    emulator_client_fixture,
    free_port,
    person,
    private_chat,
    running_bot,
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


# -- inline mode: @bot <link or text> in any chat ----------------------------------------------


@pytest.fixture
async def slow_page() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A scam page on 127.0.0.1 that answers only once its gate is opened."""
    gate = asyncio.Event()

    async def page(_: web.Request) -> web.Response:
        await gate.wait()
        return web.Response(body=SCAM_PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/slow", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/slow", gate
    finally:
        gate.set()
        await runner.cleanup()


async def ask_inline(bot: TelegramHarness, user: dict[str, Any], query: str) -> dict[str, Any]:
    """`user` types `@bot <query>`; the bot's answer, which Telegram accepted."""
    gateway, token = bot.gateway, bot.client.token
    query_id = await gateway.inline_query(token, user, query, chat_type="supergroup")
    answer = await gateway.wait_for_inline_answer(query_id)
    assert answer["accepted"], "answered after Telegram's inline time limit"
    return answer


def sent_card(result: dict[str, Any]) -> str:
    """What the chat sees once the person sends the result: the card's visible text."""
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["link_preview_options"] == {"is_disabled": True}
    parsed = TelegramHTML(content["message_text"])
    assert set(parsed.tags) <= ALLOWED_TAGS
    return parsed.visible


def buttons(result: dict[str, Any]) -> list[str]:
    return [b["text"] for row in result["reply_markup"]["inline_keyboard"] for b in row]


async def test_an_inline_link_is_answered_with_the_card_to_send(
    telegram_bot: TelegramHarness, pages: str
) -> None:
    ana = person(140, "Ana", language_code="en")
    answer = await ask_inline(telegram_bot, ana, f"{pages}/scam")
    [result] = answer["results"]
    assert result["type"] == "article"
    assert result["title"] == "This looks like a scam"
    assert result["description"].startswith("🔴 Likely scam (")
    card = sent_card(result)
    assert card.startswith("🔴 This looks like a scam")
    assert "AI Trainer - Remote" in card  # read from the page
    assert buttons(result) == ["Open", "Why?", "Report as scam", "Looks fine"]
    assert answer["is_personal"] in {"True", "true"}
    assert answer["cache_time"] == "300"


async def test_an_inline_answer_is_in_the_askers_language(
    telegram_bot: TelegramHarness, pages: str
) -> None:
    lucia = person(141, "Lucía", language_code="es")
    [result] = (await ask_inline(telegram_bot, lucia, f"{pages}/scam"))["results"]
    assert result["title"] == "Esto parece una estafa"
    assert buttons(result) == ["Abrir", "¿Por qué?", "Denunciar estafa", "Parece legítima"]


async def test_an_inline_message_with_several_links_is_one_card(
    telegram_bot: TelegramHarness, pages: str
) -> None:
    ana = person(142, "Ana", language_code="en")
    [result] = (await ask_inline(telegram_bot, ana, f"{pages}/scam {pages}/fine"))["results"]
    card = sent_card(result)
    assert f"{pages}/scam:" in card and f"{pages}/fine:" in card
    assert "2 parts checked" in card


async def test_an_empty_inline_query_shows_a_hint_in_the_askers_language(
    telegram_bot: TelegramHarness,
) -> None:
    spanish, english = person(143, language_code="es-419"), person(144, language_code="en")
    hint_es = await ask_inline(telegram_bot, spanish, "")
    hint_en = await ask_inline(telegram_bot, english, "www")
    assert hint_es["results"] == [] and hint_en["results"] == []
    assert hint_es["button"]["text"].startswith("Escribe o pega un enlace")
    assert hint_en["button"]["text"].startswith("Type or paste a job link")
    assert hint_es["button"]["start_parameter"] == "inline_help"

    await telegram_bot.client.send_command(english, private_chat(english), "/start inline_help")
    [help_text] = await telegram_bot.client.wait_for(144)
    assert f"type @{BOT_USERNAME} followed by the link" in TelegramHTML(help_text.text).visible


async def test_a_slow_page_is_answered_in_time_from_its_link_alone(
    telegram_gateway: TelegramGateway,
    emulator_client: EmulatorClient,
    tmp_path: Path,
    slow_page: tuple[str, asyncio.Event],
) -> None:
    url, gate = slow_page
    ana = person(145, "Ana", language_code="en")
    async with running_bot(
        telegram_gateway, emulator_client, tmp_path, inline_page_timeout_s=0.2
    ) as bot:
        answer = await ask_inline(bot, ana, url)  # refused by the gateway if too late
        [quick] = answer["results"]
        assert "too slow" not in quick["title"]
        assert "could not be read" in sent_card(quick) and "0.2 s" in sent_card(quick)
        assert answer["cache_time"] == "0"  # not kept: the next ask should get the page's

        gate.set()  # the page answers after all; its reading fills the cache
        await asyncio.gather(*bot.app.services.checks._linkchecker._background)
        [full] = (await ask_inline(bot, ana, url))["results"]
        assert "AI Trainer - Remote" in sent_card(full)
        assert "could not be read" not in sent_card(full)


async def test_inline_checks_count_against_the_same_limit(
    telegram_bot: TelegramHarness, pages: str
) -> None:
    ana = person(146, "Ana", language_code="en")
    for _ in range(10):  # the default limit is 10 checks a minute per person
        assert (await ask_inline(telegram_bot, ana, f"{pages}/fine"))["results"]
    refused = await ask_inline(telegram_bot, ana, f"{pages}/fine")
    assert refused["results"] == []
    assert refused["button"]["text"].startswith("Too many checks: try again in ")
    assert refused["cache_time"] == "0"


async def test_why_on_a_card_sent_through_inline_mode_edits_it_in_place(
    telegram_bot: TelegramHarness, pages: str
) -> None:
    ana, reader = person(147, "Ana", language_code="en"), person(148, "Bea", language_code="en")
    [result] = (await ask_inline(telegram_bot, ana, f"{pages}/scam"))["results"]
    why = next(
        b["callback_data"]
        for row in result["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "Why?"
    )
    # Ana sends the result to a group the bot is not in; Bea taps "Why?" on it.
    await telegram_bot.gateway.press_inline(telegram_bot.client.token, reader, "inline-1", why)
    [answered] = await telegram_bot.gateway.wait_for_calls("answerCallbackQuery", 1)
    assert answered["callback_query_id"]
    await telegram_bot.gateway.wait_for_calls("editMessageText", 1)
    [edit] = telegram_bot.gateway.inline_edits
    assert edit["inline_message_id"] == "inline-1" and "chat_id" not in edit
    assert TelegramHTML(edit["text"]).visible.startswith("🔴 Why this verdict")
    assert [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row] == ["Back"]


async def test_inline_queries_reach_a_bot_on_a_webhook(
    telegram_gateway: TelegramGateway,
    emulator_client: EmulatorClient,
    tmp_path: Path,
    pages: str,
) -> None:
    port = free_port()
    async with running_bot(
        telegram_gateway,
        emulator_client,
        tmp_path,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret="s3cret-token",
    ) as bot:
        [registered] = telegram_gateway.sent("setWebhook")
        assert "inline_query" in registered["allowed_updates"]
        ana = person(149, "Ana", language_code="en")
        [result] = (await ask_inline(bot, ana, f"{pages}/scam"))["results"]
        assert sent_card(result).startswith("🔴")


async def test_a_verdict_sent_through_inline_mode_is_not_checked_again(
    telegram_gateway: TelegramGateway, emulator_client: EmulatorClient, tmp_path: Path
) -> None:
    """In the private chat with the bot, a sent inline result comes back as a message
    `via_bot`: it is the answer, not a new question."""
    ana = person(150, "Ana", language_code="en")
    via_bot = {"id": BOT_ID, "is_bot": True, "first_name": "Bot", "username": BOT_USERNAME}
    async with running_bot(telegram_gateway, emulator_client, tmp_path):
        await emulator_client.send_message(
            ana, private_chat(ana), "🔴 This looks like a scam ... pay a fee", via_bot=via_bot
        )
        await emulator_client.send_command(ana, private_chat(ana), "/help")
        [only] = await emulator_client.wait_for(150)
        assert "/legit" in TelegramHTML(only.text).visible
        # The bot's own help copies as typed: no hidden word joiner in "@channel".
        assert "/subscribe @channel words" in only.text
        assert "\u2060" not in only.text
    # Stopping the bot let every handler finish: nothing but the help was sent.
    assert [call["chat_id"] for call in telegram_gateway.sent("sendMessage")] == ["150"]
