"""Telegram: a chat's pace set with `/delivery` and `/timezone`, shown by `/list`, and its
digest delivered through the outbox, end to end against the Bot API emulator."""

from __future__ import annotations

import time

from adapters.chat.telegram_app import build_sender
from bot.delivery.digest import DigestMaker
from bot.delivery.digest_schedule import DeliveryMode
from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
from tests.pipeline_helpers import store_postings
from tests.telegram_emulator import (  # noqa: F401  (fixtures)
    ALLOWED_TAGS,
    BotMessage,
    TelegramHarness,
    TelegramHTML,
    emulator_client_fixture,
    group_chat,
    person,
    private_chat,
    telegram_bot_fixture,
    telegram_emulator_fixture,
    telegram_gateway_fixture,
)

DAY_S = 86_400.0


def visible(message: BotMessage) -> str:
    parsed = TelegramHTML(message.text)
    assert set(parsed.tags) <= ALLOWED_TAGS, f"unexpected markup in {message.text!r}"
    return parsed.visible


async def command(
    bot: TelegramHarness, user: dict[str, object], chat: dict[str, object], text: str
) -> str:
    await bot.client.send_command(user, chat, text)
    [reply] = await bot.client.wait_for(chat["id"])  # type: ignore[arg-type]
    return visible(reply)


async def test_delivery_and_time_zone_from_a_private_chat(telegram_bot: TelegramHarness) -> None:
    ana = person(160, "Ana", language_code="es")
    chat = private_chat(ana)
    await command(telegram_bot, ana, chat, "/subscribe rlhf")
    set_reply = await command(telegram_bot, ana, chat, "/delivery semanal lunes 9:30")
    assert set_reply == (
        "Entrega cambiada en 1 suscripción: un resumen cada lunes a las 09:30. "
        "Zona horaria: UTC."
    )
    zone_reply = await command(telegram_bot, ana, chat, "/timezone america/lima")
    assert zone_reply.startswith("Zona horaria cambiada a America/Lima (hora local ahora: ")

    listing = await command(telegram_bot, ana, chat, "/list")
    assert "⏰ un resumen cada lunes a las 09:30 · próximo resumen: lun " in listing
    assert "Zona horaria: America/Lima" in listing

    bad = await command(telegram_bot, ana, chat, "/delivery diario 8:99")
    assert "«8:99» no es una hora" in bad
    unknown_zone = await command(telegram_bot, ana, chat, "/timezone Lima")
    assert "«Lima» no es una zona horaria" in unknown_zone
    usage = await command(telegram_bot, ana, chat, "/delivery")
    assert usage.startswith("Uso: /delivery")
    [subscription] = await telegram_bot.services.subscriptions.of_chat(ChatRef("telegram", "160"))
    assert subscription.delivery == "weekly mon 09:30"


async def test_in_a_group_only_administrators_change_the_pace(
    telegram_bot: TelegramHarness,
) -> None:
    group, admin, member = group_chat(-4100), person(161, "Admin", "en"), person(162, "Bea", "en")
    telegram_bot.gateway.set_member(-4100, 161, "administrator")
    await command(telegram_bot, admin, group, "/subscribe rlhf")
    refused = await command(telegram_bot, member, group, "/delivery daily 08:00")
    assert "administrators" in refused
    refused_zone = await command(telegram_bot, member, group, "/timezone Europe/Madrid")
    assert "administrators" in refused_zone
    shown = await command(telegram_bot, member, group, "/timezone")
    assert shown.startswith("Time zone: UTC")
    done = await command(telegram_bot, admin, group, "/delivery #1 daily 08:00")
    assert done.startswith("Delivery set for 1 subscription: a digest every day at 08:00")


async def test_a_digest_arrives_as_one_message_with_a_link_per_posting(
    telegram_bot: TelegramHarness,
) -> None:
    chat = ChatRef("telegram", "163")
    services = telegram_bot.services.subscriptions
    await services.set_timezone(chat, "Europe/Madrid")
    subscription = await services.subscribe(
        chat,
        Filter(max_risk=RiskLevel.SCAM),
        language="en",
        delivery=DeliveryMode.parse("daily 08:00"),
    )
    postings = [
        Posting("greenhouse:acme", str(n), f"https://jobs.example/{n}", f"<b>Rater {n}</b> @hr")
        for n in range(25)
    ]
    await store_postings(telegram_bot.app.db, postings, Verdict(5, RiskLevel.OK), subscription)
    await telegram_bot.drainer.drain_all()
    assert await telegram_bot.client.new_bot_messages(163) == []  # held for the digest

    sender = build_sender(telegram_bot.application)
    tomorrow = time.time() + DAY_S + 60
    maker = DigestMaker(telegram_bot.app.db, {"telegram": sender}, clock=lambda: tomorrow)
    stats = await maker.run_once()
    assert (stats.digests, stats.pages) == (1, 1)
    await telegram_bot.drainer.drain_all()
    [digest] = await telegram_bot.client.wait_for(163)
    parsed = TelegramHTML(digest.text)
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert parsed.visible.startswith("📋 Daily digest\n25 new postings since ")
    assert len(parsed.links) == 25
    assert "<b>Rater 0</b>" in parsed.visible  # posting markup shown as typed
    assert parsed.visible.rstrip().endswith("Delivery: a digest every day at 08:00 · Europe/Madrid")


async def test_a_digest_telegram_refuses_as_html_arrives_as_plain_text(
    telegram_bot: TelegramHarness,
) -> None:
    chat = ChatRef("telegram", "164")
    services = telegram_bot.services.subscriptions
    subscription = await services.subscribe(
        chat,
        Filter(max_risk=RiskLevel.SCAM),
        language="es",
        delivery=DeliveryMode.parse("weekly fri 17:00"),
    )
    postings = [Posting("greenhouse:acme", "1", "https://jobs.example/1", "Anotador <i>")]
    await store_postings(telegram_bot.app.db, postings, Verdict(5, RiskLevel.OK), subscription)
    telegram_bot.gateway.refuse(164, "Bad Request: can't parse entities: unsupported start tag")

    sender = build_sender(telegram_bot.application)
    next_week = time.time() + 8 * DAY_S
    await DigestMaker(telegram_bot.app.db, {"telegram": sender}, clock=lambda: next_week).run_once()
    stats = await telegram_bot.drainer.drain_all()
    assert stats.sent == 1
    [digest] = await telegram_bot.client.wait_for(164)
    assert digest.parse_mode is None
    assert digest.text.startswith("📋 Resumen semanal\n1 oferta nueva desde")
    assert "Anotador <i>" in digest.text and "https://jobs.example/1" in digest.text
