"""The bot a person adds to their own account: "is this legit?" wherever a message reaches
them, privately unless they share it, while a server's alerts stay with servers that added it.

Interactions are the payloads Discord sends for each context (a server that added the bot, a
server that did not, the bot's DM, a DM with someone else, a group DM), dispatched through the
client's own parser; the assertions are on what the bot sent to the REST stub.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.chat.discord_app import invite_url, user_install_url
from bot.models import ChatRef
from tests.discord_helpers import (
    APPLICATION_ID,
    DM_CHANNEL_ID,
    MANAGE_CHANNELS,
    STRANGER_ID,
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

DEFERRED = 5
UPDATE_MESSAGE = 7
MESSAGE = 4
EPHEMERAL = 64
GUILD_INSTALL, USER_INSTALL = 0, 1
IN_SERVERS, IN_BOT_DM, IN_PRIVATE_CHANNELS = 0, 1, 2
CHANNEL_CHAT = ChatRef("discord", "700000000000000200")
SCAM_TEXT = (
    "Hi! You have been selected as an AI trainer, no experience needed, $95/hour. "
    "Before onboarding you must pay a $120 fee for the training kit in Bitcoin. "
    "Contact our HR manager on Telegram @hr_jobs_fast, the offer expires today!"
)


def followups(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.is_followup]


def custom_ids(body: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in body.get("components", [])
        for c in row["components"]
        if "custom_id" in c
    ]


def labels(body: dict[str, Any]) -> list[str]:
    return [c["label"] for row in body.get("components", []) for c in row["components"]]


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(tmp_path, global_commands=True) as harness:
        yield harness


# -- what Discord is told -------------------------------------------------------------------------


async def test_checks_install_for_people_and_servers_but_alerts_for_servers_only(
    bot: BotHarness,
) -> None:
    [sync] = bot.stub.sent("PUT", rf"^/applications/{APPLICATION_ID}/commands$")
    commands = {c["name"]: c for c in sync.body}
    for name in ("legit", "Is this legit?", "sources"):
        assert sorted(commands[name]["integration_types"]) == [GUILD_INSTALL, USER_INSTALL]
        assert sorted(commands[name]["contexts"]) == [IN_SERVERS, IN_BOT_DM, IN_PRIVATE_CHANNELS]
    alerts = commands["alerts"]
    assert alerts["integration_types"] == [GUILD_INSTALL]
    assert alerts["contexts"] == [IN_SERVERS]
    assert str(alerts["default_member_permissions"]) == str(MANAGE_CHANNELS)


def test_the_two_install_links() -> None:
    server = invite_url(APPLICATION_ID)
    assert "scope=bot&" in server and "permissions=274877926400" in server
    assert server.endswith("&integration_type=0")
    person = user_install_url(APPLICATION_ID)
    assert "scope=applications.commands" in person and "permissions" not in person
    assert person.endswith("&integration_type=1")


# -- "is this legit?" anywhere, privately ---------------------------------------------------------


@pytest.mark.parametrize("where", ["dm", "other_dm", "group_dm", "server_user_install"])
async def test_legit_through_a_persons_own_install_answers_only_them(
    bot: BotHarness, where: str
) -> None:
    payload = slash_payload("legit", [option("text", SCAM_TEXT)], locale="en-US", where=where)
    requests = await bot.interact(payload)
    callback, answer = requests[0], followups(requests)[0]
    assert callback.body["type"] == DEFERRED
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert answer.body["flags"] & EPHEMERAL
    assert answer.body["allowed_mentions"] == {"parse": []}
    [embed] = answer.body["embeds"]
    assert "Bitcoin" in str(embed) or "Telegram" in str(embed)
    check_id = custom_ids(answer.body)[0].rsplit(":", 1)[1]
    assert custom_ids(answer.body)[-1] == f"vigia:share:{check_id}"
    assert labels(answer.body)[-1] == "Share here"


async def test_legit_in_a_server_that_added_the_bot_stays_public_by_default(
    bot: BotHarness,
) -> None:
    answer = await bot.interact_result(slash_payload("legit", [option("text", SCAM_TEXT)]))
    assert not answer.body.get("flags", 0) & EPHEMERAL
    assert not any(c.startswith("vigia:share:") for c in custom_ids(answer.body))


async def test_a_person_may_choose_to_answer_in_public_through_their_own_install(
    bot: BotHarness,
) -> None:
    payload = slash_payload(
        "legit", [option("text", SCAM_TEXT), option("private", False)], where="group_dm"
    )
    requests = await bot.interact(payload)
    assert not requests[0].body.get("data", {}).get("flags", 0) & EPHEMERAL
    assert not followups(requests)[0].body.get("flags", 0) & EPHEMERAL


async def test_the_message_menu_in_a_dm_with_a_stranger_checks_what_they_wrote(
    bot: BotHarness,
) -> None:
    from_recruiter = message_payload(
        channel_id=DM_CHANNEL_ID,
        content=SCAM_TEXT,
        author=user_payload(STRANGER_ID, "recruiter"),
    )
    payload = message_menu_payload(
        "Is this legit?", from_recruiter, locale="es-419", where="other_dm"
    )
    requests = await bot.interact(payload)
    assert requests[0].body["data"]["flags"] & EPHEMERAL
    answer = followups(requests)[0]
    assert answer.body["flags"] & EPHEMERAL
    assert labels(answer.body)[-1] == "Compartir aquí"


async def test_share_posts_the_card_for_everyone_and_drops_the_share_button(
    bot: BotHarness,
) -> None:
    asked = slash_payload("legit", [option("text", SCAM_TEXT)], locale="en-US", where="group_dm")
    private = followups(await bot.interact(asked))[0]
    share = custom_ids(private.body)[-1]
    check_id = share.rsplit(":", 1)[1]

    press = button_payload(share, ephemeral=True, locale="en-US", where="group_dm")
    requests = await bot.interact(press)
    update, shared = requests[0], followups(requests)[0]
    assert update.body["type"] == UPDATE_MESSAGE
    assert not any(c.startswith("vigia:share:") for c in custom_ids(update.body["data"]))
    assert not shared.body.get("flags", 0) & EPHEMERAL
    assert shared.body["allowed_mentions"] == {"parse": []}
    assert shared.body["embeds"] == private.body["embeds"]
    assert custom_ids(shared.body) == [
        f"vigia:why:{check_id}",
        f"vigia:report:{check_id}",
        f"vigia:fine:{check_id}",
    ]


async def test_a_report_through_a_persons_own_install_never_confirms_a_script(
    bot: BotHarness,
) -> None:
    """Anyone can make a server of their own and manage its channels: only in a server that
    added the bot does a channel manager's report make the text a known scam script."""
    asked = slash_payload("legit", [option("text", SCAM_TEXT)], where="server_user_install")
    check_id = custom_ids(followups(await bot.interact(asked))[0].body)[0].rsplit(":", 1)[1]
    report = button_payload(
        f"vigia:report:{check_id}",
        permissions=VIEW_AND_SEND | MANAGE_CHANNELS,
        where="server_user_install",
    )
    await bot.interact(report)
    copy = SCAM_TEXT.replace("Hi!", "Hello!")
    verdict = (await bot.app.services.checks.legit(url=None, text=copy, language="en")).verdict
    assert verdict.matched_script is None


# -- a server's alerts stay with the server -------------------------------------------------------


def alerts(subcommand: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("permissions", VIEW_AND_SEND | MANAGE_CHANNELS)
    return slash_payload("alerts", [], subcommand=subcommand, **kwargs)


async def test_alerts_in_a_dm_are_refused(bot: BotHarness) -> None:
    [callback] = await bot.interact(alerts("subscribe", locale="en-US", where="dm"), expect=1)
    assert callback.body["type"] == MESSAGE
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert "server channel" in callback.body["data"]["content"]
    dm_chat = ChatRef("discord", str(DM_CHANNEL_ID))
    assert await bot.app.services.subscriptions.of_chat(dm_chat) == []


async def test_alerts_through_a_persons_own_install_in_a_server_are_refused(
    bot: BotHarness,
) -> None:
    payload = alerts("subscribe", locale="en-US", where="server_user_install")
    [callback] = await bot.interact(payload, expect=1)
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert "added to this server" in callback.body["data"]["content"]
    assert await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT) == []


async def test_alerts_in_a_server_that_added_the_bot_still_work(bot: BotHarness) -> None:
    await bot.interact(alerts("subscribe"))
    [subscription] = await bot.app.services.subscriptions.of_chat(CHANNEL_CHAT)
    assert subscription.chat == CHANNEL_CHAT
