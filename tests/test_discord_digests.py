"""Discord: a channel's pace set with `/alerts delivery` and `/alerts timezone`, shown by
`/alerts list`, and its digest posted through the outbox as one message of embeds.

Interactions are dispatched through the client's own parser; the REST stub answers and
records what the bot sent.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.chat.discord_sender import DiscordSender
from bot.delivery.digest import DigestMaker
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import Delivered, Rejected
from bot.models import ChatRef, Posting, RiskLevel, Verdict
from bot.store import outbox as outbox_store
from tests.discord_helpers import (
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    VIEW_AND_SEND,
    BotHarness,
    interaction_payload,
    option,
    running_bot,
    slash_payload,
    snowflake,
)
from tests.pipeline_helpers import store_postings

CHAT = ChatRef("discord", str(CHANNEL_ID))
EPHEMERAL = 64
AUTOCOMPLETE_RESULT = 8
DAY_S = 86_400.0


def alerts(subcommand: str, options: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("permissions", VIEW_AND_SEND | MANAGE_CHANNELS)
    kwargs.setdefault("locale", "en-US")
    return slash_payload("alerts", options or [], subcommand=subcommand, **kwargs)


async def answer(bot: BotHarness, payload: dict[str, Any]) -> str:
    """The ephemeral text the bot answered an /alerts command with."""
    requests = await bot.interact(payload, expect=1)
    done = requests[-1]
    if done.is_callback and done.body["type"] == 4:
        assert done.body["data"]["flags"] & EPHEMERAL
        return str(done.body["data"]["content"])
    followup = await bot.followup_for(payload)
    assert followup.body["flags"] & EPHEMERAL
    return str(followup.body.get("content", ""))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(tmp_path) as harness:
        yield harness


async def test_delivery_and_time_zone_are_set_and_listed(bot: BotHarness) -> None:
    await answer(bot, alerts("subscribe", [option("keywords", "rlhf")]))
    done = await answer(
        bot,
        alerts(
            "delivery", [option("mode", "weekly"), option("day", "mon"), option("time", "9:30")]
        ),
    )
    assert done == (
        "Delivery set for 1 subscription: a digest every Monday at 09:30. Time zone: UTC."
    )
    zone = await answer(bot, alerts("timezone", [option("zone", "america/mexico city")]))
    assert zone.startswith("Time zone set to America/Mexico\\_City (local time now: ")
    [subscription] = await bot.app.services.subscriptions.of_chat(CHAT)
    assert subscription.delivery == "weekly mon 09:30"

    listed = await bot.interact(alerts("list"))
    embed = listed[-1].body["embeds"][0]
    assert "⏰ a digest every Monday at 09:30 · next digest Mon " in embed["description"]
    assert embed["footer"]["text"].startswith("Time zone: America/Mexico_City (local time now:")


async def test_subscribe_can_ask_for_a_digest_in_spanish_words(bot: BotHarness) -> None:
    reply = await answer(
        bot,
        alerts("subscribe", [option("keywords", "rlhf"), option("delivery", "diario 8:00")]),
    )
    assert reply.endswith("Alerts in English, a digest every day at 08:00.")
    [subscription] = await bot.app.services.subscriptions.of_chat(CHAT)
    assert subscription.delivery == "daily 08:00"


async def test_a_mode_or_zone_that_cannot_be_read_is_named_and_nothing_changes(
    bot: BotHarness,
) -> None:
    await answer(bot, alerts("subscribe", [option("keywords", "rlhf")]))
    bad_time = await answer(
        bot, alerts("delivery", [option("mode", "daily"), option("time", "25:00")])
    )
    assert "“25:00” is not a time" in bad_time
    no_day = await answer(
        bot, alerts("delivery", [option("mode", "weekly"), option("time", "08:00")])
    )
    assert "needs a day" in no_day
    bad_zone = await answer(bot, alerts("timezone", [option("zone", "Mars/Olympus")]))
    assert "“Mars/Olympus” is not a time zone I know" in bad_zone
    [subscription] = await bot.app.services.subscriptions.of_chat(CHAT)
    assert subscription.delivery == "instant"
    assert await bot.app.services.subscriptions.timezone(CHAT) == "UTC"


async def test_anyone_sees_the_time_zone_but_only_managers_change_it(bot: BotHarness) -> None:
    seen = await answer(bot, alerts("timezone", permissions=VIEW_AND_SEND))
    assert seen.startswith("Time zone: UTC (local time now:")
    refused = await answer(
        bot, alerts("timezone", [option("zone", "Europe/Madrid")], permissions=VIEW_AND_SEND)
    )
    assert "Manage Channels" in refused
    changed = await answer(
        bot,
        alerts(
            "delivery",
            [option("mode", "daily"), option("time", "08:00")],
            permissions=VIEW_AND_SEND,
        ),
    )
    assert "Manage Channels" in changed
    assert await bot.app.services.subscriptions.timezone(CHAT) == "UTC"


async def test_time_zones_are_offered_as_the_name_is_typed(bot: BotHarness) -> None:
    data = {
        "id": snowflake(),
        "name": "alerts",
        "type": 1,
        "guild_id": str(GUILD_ID),
        "options": [
            {
                "name": "timezone",
                "type": 1,
                "options": [{"name": "zone", "type": 3, "value": "buenos", "focused": True}],
            }
        ],
    }
    payload = interaction_payload(4, data, permissions=VIEW_AND_SEND | MANAGE_CHANNELS)
    [callback] = await bot.interact(payload, expect=1)
    assert callback.body["type"] == AUTOCOMPLETE_RESULT
    assert callback.body["data"]["choices"] == [
        {"name": "America/Buenos_Aires", "value": "America/Buenos_Aires"},
        {"name": "America/Argentina/Buenos_Aires", "value": "America/Argentina/Buenos_Aires"},
    ]


async def test_a_digest_is_one_message_of_embeds_that_pings_no_one(bot: BotHarness) -> None:
    services = bot.app.services.subscriptions
    await services.set_timezone(CHAT, "Europe/Madrid")
    await answer(bot, alerts("subscribe", [option("delivery", "daily 08:00")], locale="es-ES"))
    [subscription] = await services.of_chat(CHAT)
    postings = [
        Posting("greenhouse:acme", str(n), f"https://jobs.example/{n}", f"Rater {n} @everyone")
        for n in range(30)
    ]
    await store_postings(bot.app.db, postings, Verdict(5, RiskLevel.OK), subscription)

    sender = DiscordSender(bot.client)
    tomorrow = time.time() + DAY_S + 60  # past the next 08:00 in Madrid, whenever this runs
    stats = await DigestMaker(bot.app.db, {"discord": sender}, clock=lambda: tomorrow).run_once()
    assert (stats.digests, stats.pages, stats.postings) == (1, 1, 30)
    drained = await OutboxDrainer(
        bot.app.db, {"discord": sender}, settings=bot.settings.outbox
    ).drain_all()
    assert drained.sent == 1

    [posted] = bot.stub.sent("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    assert posted.body["allowed_mentions"] == {"parse": []}
    embeds = posted.body["embeds"]
    assert embeds[0]["title"] == "📋 Resumen diario"  # the subscription's language
    text = "\n".join(e.get("description", "") for e in embeds)
    assert text.count("https://jobs.example/") == 30
    assert "@everyone" not in text
    assert embeds[-1]["footer"]["text"] == (
        "Entrega: un resumen cada día a las 08:00 · Europe/Madrid"
    )


async def test_a_digest_refused_as_embeds_goes_as_text_and_one_refused_as_text_too_is_dropped(
    bot: BotHarness,
) -> None:
    services = bot.app.services.subscriptions
    await answer(bot, alerts("subscribe", [option("delivery", "daily 08:00")]))
    [subscription] = await services.of_chat(CHAT)
    postings = [
        Posting("greenhouse:acme", str(n), f"https://jobs.example/{n}", f"Rater {n}")
        for n in range(3)
    ]
    await store_postings(bot.app.db, postings, Verdict(5, RiskLevel.OK), subscription)
    sender = DiscordSender(bot.client)
    tomorrow = time.time() + DAY_S + 60
    await DigestMaker(bot.app.db, {"discord": sender}, clock=lambda: tomorrow).run_once()
    [page] = await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1)
    messages = rf"^/channels/{CHANNEL_ID}/messages$"
    automod = {"message": "Blocked by AutoMod", "code": 200000}

    bot.stub.fail("POST", messages, 400, automod)
    sent = await sender.send(page)
    bot.stub.fail("POST", messages, 400, automod, times=2)
    dropped = await sender.send(page)

    assert isinstance(sent, Delivered)
    refused, plain, *_ = bot.stub.sent("POST", messages)
    assert refused.body["embeds"] and not plain.body.get("embeds")
    assert plain.body["content"].count("https://jobs.example/") == 3
    assert plain.body["allowed_mentions"] == {"parse": []}
    assert isinstance(dropped, Rejected)
    assert (
        dropped.reason.startswith("digest refused as embeds and as text")
        and "AutoMod" in dropped.reason
    )
