"""The Discord bot over a real socket: commands, menus and buttons as a member would use them.

Interactions are built from JSON as the gateway delivers them and dispatched through the
client's own parser and command tree; the REST calls the bot makes are answered by a local
stub, and the assertions are on the JSON the bot sent. The services are the real ones, over
a temporary SQLite file.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.cards import LEVEL_COLOURS
from bot.models import ChatRef, RiskLevel, Verdict
from bot.serialize import verdict_from_dict
from tests.discord_helpers import (
    APPLICATION_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    VIEW_AND_SEND,
    BotHarness,
    Request,
    button_payload,
    message_menu_payload,
    message_payload,
    option,
    running_bot,
    slash_payload,
    user_payload,
)

CHANNEL_CHAT = ChatRef("discord", "700000000000000200")
DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
DEFERRED_UPDATE = 6
MESSAGE = 4  # CHANNEL_MESSAGE_WITH_SOURCE
EPHEMERAL = 64
SCAM_TEXT = (
    "Hi! You have been selected as an AI trainer, no experience needed, $95/hour. "
    "Before onboarding you must pay a $120 fee for the training kit in Bitcoin. "
    "Contact our HR manager on Telegram @hr_jobs_fast, the offer expires today!"
)
JOB_PAGE = """<html><head><title>AI Trainer</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "JobPosting",
 "title": "AI Trainer - Spanish (@everyone apply)", "datePosted": "2025-01-10",
 "hiringOrganization": {"@type": "Organization", "name": "Acme Labs"},
 "description": "Pay a $120 fee for training materials, then message us on Telegram."}
</script></head><body><h1>AI Trainer</h1></body></html>"""


def followups(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.is_followup]


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f["name"] + "\n" + f["value"] for f in embed.get("fields", [])]
    parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def custom_ids(body: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in body.get("components", [])
        for c in row["components"]
        if "custom_id" in c
    ]


async def stored_verdict(bot: BotHarness, check_id: int) -> Verdict:
    verdict_json = await bot.app.db.fetchval(
        "SELECT verdict_json FROM checks WHERE id = ?", (check_id,)
    )
    assert verdict_json is not None, f"check {check_id} was not stored"
    return verdict_from_dict(json.loads(verdict_json))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(tmp_path) as harness:
        yield harness


# -- command registration ------------------------------------------------------------------------


async def test_login_syncs_commands_localized_for_spanish_and_english(
    bot: BotHarness,
) -> None:
    synced = bot.stub.sent("PUT", rf"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
    commands = {c["name"]: c for c in synced[0].body}
    assert set(commands) == {"legit", "alerts", "sources", "Is this legit?"}

    alerts = commands["alerts"]
    assert alerts["name_localizations"]["es-ES"] == "alertas"
    assert alerts["name_localizations"]["es-419"] == "alertas"
    assert str(alerts["default_member_permissions"]) == str(MANAGE_CHANNELS)
    subscribe = next(o for o in alerts["options"] if o["name"] == "subscribe")
    assert subscribe["name_localizations"]["es-419"] == "suscribir"
    assert {o["name"] for o in subscribe["options"]} == {
        "keywords",
        "exclude",
        "remote",
        "min_pay",
        "max_risk",
        "language",
        "delivery",
    }
    min_pay = next(o for o in subscribe["options"] if o["name"] == "min_pay")
    assert min_pay["name_localizations"]["es-ES"] == "pago_minimo"
    assert min_pay["description_localizations"]["es-ES"].startswith("Pago mínimo")

    legit = commands["legit"]
    assert legit["name_localizations"]["es-ES"] == "verificar"
    assert [o["name"] for o in legit["options"]] == ["url", "text", "private"]
    menu = commands["Is this legit?"]
    assert menu["type"] == 3 and menu["name_localizations"]["es-ES"] == "¿Es legítimo?"


# -- /legit --------------------------------------------------------------------------------------


async def test_legit_defers_before_reading_the_link_then_answers_with_a_verdict(
    bot: BotHarness,
) -> None:
    stub = bot.stub
    url = stub.page_url("offer", JOB_PAGE, gated=True)
    payload = slash_payload("legit", [option("url", url)], locale="en-US")
    started = time.monotonic()
    bot.dispatch(payload)

    # The page is held back: the deferral must not wait for it.
    await stub.wait_for(lambda reqs: any(r.is_callback for r in reqs) and "offer" in stub.page_hits)
    callback = next(r for r in stub.requests if r.is_callback)
    assert callback.body["type"] == DEFERRED
    assert time.monotonic() - started < 1.5
    assert not followups(stub.requests)

    stub.gates["offer"].set()
    sent = await bot.followup_for(payload)
    body = sent.body
    assert body["allowed_mentions"] == {"parse": []}
    assert not body.get("flags", 0) & EPHEMERAL
    [embed] = body["embeds"]
    check_id = int(custom_ids(body)[0].rsplit(":", 1)[1])
    verdict = await stored_verdict(bot, check_id)
    assert embed["color"] == LEVEL_COLOURS[verdict.level]
    text = embed_text(embed)
    assert f"{verdict.risk}/100" in text
    assert verdict.level is not RiskLevel.OK  # a fee and Telegram contact are red flags
    for reason in verdict.reasons[:3]:
        assert reason.evidence.split()[0] in text
    assert "@everyone" not in text  # posting text is inert
    assert custom_ids(body) == [
        f"vigia:why:{check_id}",
        f"vigia:report:{check_id}",
        f"vigia:fine:{check_id}",
    ]
    link = body["components"][0]["components"][0]
    assert link["style"] == 5 and link["url"] == url and link["label"] == "Open"


async def test_legit_private_answers_only_the_asker(bot: BotHarness) -> None:
    payload = slash_payload("legit", [option("text", SCAM_TEXT), option("private", True)])
    requests = await bot.interact(payload)
    callback, followup = requests[0], followups(requests)[0]
    assert callback.body["type"] == DEFERRED and callback.body["data"]["flags"] & EPHEMERAL
    assert followup.body["allowed_mentions"] == {"parse": []}
    [embed] = followup.body["embeds"]
    assert "Bitcoin" in embed_text(embed) or "Telegram" in embed_text(embed)


async def test_legit_without_url_or_text_explains_in_the_readers_language(
    bot: BotHarness,
) -> None:
    [callback] = await bot.interact(slash_payload("legit", [], locale="es-419"), expect=1)
    assert callback.body["type"] == MESSAGE
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert callback.body["data"]["content"].startswith("Dame un enlace")


async def test_message_menu_checks_the_text_and_every_link_in_one_card(
    bot: BotHarness,
) -> None:
    stub = bot.stub
    first = stub.page_url("a", JOB_PAGE)
    second = stub.page_url("b", JOB_PAGE.replace("Acme Labs", "Other Labs"))
    target = message_payload(
        content=f"{SCAM_TEXT}\nApply here: {first} or here: {second}.",
        author=user_payload(700000000000000555, "recruiter"),
    )
    requests = await bot.interact(
        message_menu_payload("Is this legit?", target, locale="en-GB"), expect=2
    )
    assert requests[0].body["type"] == DEFERRED
    assert requests[0].body["data"]["flags"] & EPHEMERAL
    [answer] = followups(requests)
    assert answer.body["allowed_mentions"] == {"parse": []}
    [embed] = answer.body["embeds"]
    names = [field["name"] for field in embed["fields"]]
    assert names == ["The message's text", first, second]  # the text, then each link
    assert embed["color"] == LEVEL_COLOURS[RiskLevel.SCAM]  # the worst part sets the colour
    assert "3 parts checked" in embed["footer"]["text"]
    check_id = int(custom_ids(answer.body)[0].rsplit(":", 1)[1])
    assert custom_ids(answer.body) == [
        f"vigia:why:{check_id}",
        f"vigia:report:{check_id}",
        f"vigia:fine:{check_id}",
        f"vigia:share:{check_id}",
    ]


# -- buttons -------------------------------------------------------------------------------------


async def legit_check_id(bot: BotHarness) -> int:
    result = await bot.interact_result(slash_payload("legit", [option("text", SCAM_TEXT)]))
    return int(custom_ids(result.body)[0].rsplit(":", 1)[1])


async def test_a_flood_of_checks_gets_told_when_to_try_again(bot: BotHarness) -> None:
    for _ in range(10):  # the default limit is 10 checks a minute per person
        result = await bot.interact_result(slash_payload("legit", [option("text", SCAM_TEXT)]))
        assert result.body["embeds"]
    refused = await bot.interact_result(
        slash_payload("legit", [option("text", SCAM_TEXT)], locale="en-US")
    )
    assert "Try again in" in refused.body["content"] and not refused.body.get("embeds")
    assert refused.body["flags"] & EPHEMERAL
    other = await bot.interact_result(
        slash_payload("legit", [option("text", SCAM_TEXT)], user_id=700000000000007777)
    )
    assert other.body["embeds"]


async def test_why_button_works_after_a_restart(bot: BotHarness) -> None:
    check_id = await legit_check_id(bot)
    await bot.restart()

    requests = await bot.interact(button_payload(f"vigia:why:{check_id}", locale="en-US"))
    callback, answer = requests[0], followups(requests)[0]
    assert callback.body["type"] == DEFERRED and callback.body["data"]["flags"] & EPHEMERAL
    [embed] = answer.body["embeds"]
    verdict = await stored_verdict(bot, check_id)
    text = embed_text(embed)
    for reason in verdict.reasons:  # the full breakdown, every reason with its weight
        assert f"{reason.weight:+g}" in text
    assert custom_ids(answer.body) == [f"vigia:back:{check_id}"]


async def test_back_button_turns_the_breakdown_into_the_card_again(
    bot: BotHarness,
) -> None:
    check_id = await legit_check_id(bot)
    requests = await bot.interact(
        button_payload(f"vigia:back:{check_id}", ephemeral=True, locale="en-US")
    )
    assert requests[0].body["type"] == DEFERRED_UPDATE
    edit = requests[1]
    assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
    assert custom_ids(edit.body)[0] == f"vigia:why:{check_id}"
    assert edit.body["allowed_mentions"] == {"parse": []}


async def test_reports_are_one_per_user_and_link(bot: BotHarness) -> None:
    check_id = await legit_check_id(bot)
    answers = []
    for custom_id, user in (
        (f"vigia:report:{check_id}", 1),
        (f"vigia:fine:{check_id}", 1),
        (f"vigia:report:{check_id}", 2),
    ):
        payload = button_payload(custom_id, locale="en-US", user_id=700000000000001000 + user)
        answers.append(followups(await bot.interact(payload))[0].body["content"])
    assert answers[0].startswith("Thanks: reported as a scam")
    assert answers[1].startswith("You had already reported this")
    assert answers[2].startswith("Thanks: reported as a scam")
    rows = await bot.app.db.fetchall('SELECT kind FROM reports ORDER BY "user"')
    kinds = [row[0] for row in rows]
    assert kinds == ["fine", "scam"]


async def test_a_report_by_a_channel_manager_confirms_the_script(bot: BotHarness) -> None:
    """A member's report is just a report; one by a member who manages the channel makes the
    text a known scam script, so a reworded copy is flagged as a near-copy from then on."""
    check_id = await legit_check_id(bot)
    copy = SCAM_TEXT.replace("Hi!", "Hello!").replace("$95/hour", "$90/hour")
    member = button_payload(f"vigia:report:{check_id}", locale="en-US")
    await bot.interact(member)
    assert (
        await bot.app.services.checks.legit(url=None, text=copy, language="en")
    ).verdict.matched_script is None

    manager = button_payload(
        f"vigia:report:{check_id}",
        locale="en-US",
        permissions=VIEW_AND_SEND | MANAGE_CHANNELS,
        user_id=700000000000009999,
    )
    await bot.interact(manager)
    verdict = (await bot.app.services.checks.legit(url=None, text=copy, language="en")).verdict
    assert verdict.matched_script is not None


async def test_a_button_for_an_unknown_check_says_so(bot: BotHarness) -> None:
    requests = await bot.interact(button_payload("vigia:why:999999", locale="en-US"))
    assert followups(requests)[0].body["content"].startswith("I no longer have that check")


# -- /alerts -------------------------------------------------------------------------------------


def alerts(
    subcommand: str, options: list[dict[str, Any]] | None = None, **kwargs: Any
) -> dict[str, Any]:
    kwargs.setdefault("permissions", VIEW_AND_SEND | MANAGE_CHANNELS)
    return slash_payload("alerts", options or [], subcommand=subcommand, **kwargs)


async def test_subscribe_needs_manage_channels_at_run_time(bot: BotHarness) -> None:
    payload = alerts("subscribe", [option("keywords", "rlhf")], permissions=VIEW_AND_SEND)
    [callback] = await bot.interact(payload, expect=1)
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert "Gestionar canales" in callback.body["data"]["content"]
    assert callback.body["data"]["allowed_mentions"] == {"parse": []}
    assert await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT) == []


async def test_subscribe_stores_the_filter_and_the_alert_language(bot: BotHarness) -> None:
    payload = alerts(
        "subscribe",
        [
            option("keywords", '"ai trainer" rlhf'),
            option("exclude", "crypto"),
            option("remote", True),
            option("min_pay", "20/h"),
            option("max_risk", "ok"),
            option("language", "en"),
        ],
        locale="es-ES",
    )
    requests = await bot.interact(payload)
    assert requests[0].body["data"]["flags"] & EPHEMERAL
    reply = followups(requests)[0].body["content"]
    assert reply.startswith("Suscrito (#")
    [subscription] = await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT)
    flt = subscription.filter
    assert flt.keywords == ("ai trainer", "rlhf") and flt.exclude == ("crypto",)
    assert flt.remote_only and flt.max_risk is RiskLevel.OK
    assert flt.min_pay is not None and flt.min_pay.min_amount == 20
    assert subscription.language == "en"


async def test_subscribe_without_a_language_follows_the_channels_then_the_servers(
    bot: BotHarness,
) -> None:
    """A subscription that names no language takes the one the channel chose before, else
    the server's preferred locale, not the locale of whoever happened to subscribe."""
    server_first = alerts(
        "subscribe", [option("keywords", "rlhf")], locale="es-ES", guild_locale="en-US"
    )
    await bot.interact(server_first)
    [by_server] = await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT)
    assert by_server.language == "en"

    await bot.app.services.subscriptions.set_language(CHANNEL_CHAT, "es")
    remembered = alerts(
        "subscribe", [option("keywords", "llm")], locale="en-US", guild_locale="en-US"
    )
    reply = followups(await bot.interact(remembered))[0].body["content"]
    newest = (await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT))[-1]
    assert newest.language == "es"
    assert "Spanish" in reply  # told in the reader's language which language alerts use


async def test_a_long_list_keeps_whole_subscriptions_and_fits_the_embed(bot: BotHarness) -> None:
    long_words = " ".join(f"*w{i}*" for i in range(55))  # markdown that must stay escaped
    for _ in range(12):
        await bot.interact(alerts("subscribe", [option("keywords", long_words[:300])]))
    listed = followups(await bot.interact(alerts("list", locale="en-US")))[0]
    [embed] = listed.body["embeds"]
    description = embed["description"]
    assert len(description.encode("utf-16-le")) // 2 <= 4096
    assert description.endswith("\n\n…")
    shown = description.split("\n\n")[:-1]
    assert shown and all(block.startswith("**#") and "\\*w0\\*" in block for block in shown)


async def test_a_filter_that_cannot_be_read_names_the_word(bot: BotHarness) -> None:
    payload = alerts("subscribe", [option("min_pay", "lots")], locale="en-US")
    [callback] = await bot.interact(payload, expect=1)
    assert "“lots”" in callback.body["data"]["content"]
    assert await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT) == []


async def test_list_pause_resume_and_unsubscribe(bot: BotHarness) -> None:
    await bot.interact(alerts("subscribe", [option("keywords", "rlhf")]))
    await bot.interact(alerts("pause", locale="en-US"))
    [subscription] = await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT)
    assert subscription.paused

    listed = followups(await bot.interact(alerts("list", locale="en-US")))[0]
    [embed] = listed.body["embeds"]
    assert f"#{subscription.id}" in embed["description"] and "paused" in embed["description"]

    await bot.interact(alerts("resume", locale="en-US"))
    [subscription] = await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT)
    assert not subscription.paused

    done = followups(await bot.interact(alerts("unsubscribe", locale="en-US")))[0]
    assert done.body["content"] == "Removed 1 subscription."
    assert await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT) == []


async def test_preview_without_a_filter_asks_for_one(bot: BotHarness) -> None:
    requests = await bot.interact(alerts("preview", locale="en-US"))
    assert followups(requests)[0].body["content"].startswith("Give some filter options")


# -- /sources ------------------------------------------------------------------------------------


async def test_sources_lists_each_source_with_its_health(tmp_path: Path) -> None:
    sources = [{"kind": "greenhouse", "board": "scaleai"}]
    async with running_bot(tmp_path, sources=sources) as bot:
        requests = await bot.interact(slash_payload("sources", locale="en-US"))
    assert requests[0].body["data"]["flags"] & EPHEMERAL
    [embed] = followups(requests)[0].body["embeds"]
    [field] = embed["fields"]
    assert field["name"] == "⚪ greenhouse:scaleai"
    assert "Last read: not yet" in field["value"] and "Failures in a row: 0" in field["value"]
