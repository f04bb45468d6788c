"""Command pieces a member meets: filters from options, previews, source health, removals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest

from adapters.chat.discord_alert_views import preview_card
from adapters.chat.discord_commands import message_text
from adapters.chat.discord_filter_options import filter_from_options
from adapters.chat.discord_render import EMBED_TOTAL_MAX, card_to_embed, embed_length, sources_embed
from bot.errors import FilterSyntaxError
from bot.models import ChatRef, Filter, PayPeriod, Posting, RiskLevel, Signal, Verdict
from bot.services import PreviewItem, SourceHealth
from tests.discord_helpers import (
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    VIEW_AND_SEND,
    BotHarness,
    message_payload,
    option,
    running_bot,
    slash_payload,
)
from tests.pipeline_helpers import store_postings

CHAT = ChatRef("discord", str(CHANNEL_ID))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(tmp_path) as harness:
        yield harness


# -- filters from options ------------------------------------------------------------------------


def test_keywords_take_the_chat_syntax_and_options_add_to_it() -> None:
    flt = filter_from_options(
        keywords='"ai trainer" rlhf -crypto',
        exclude='sales "call center"',
        remote=True,
        min_pay="45k/year",
        max_risk="ok",
    )
    assert flt.keywords == ("ai trainer", "rlhf")
    assert flt.exclude == ("crypto", "sales", "call center")
    assert flt.remote_only and flt.max_risk is RiskLevel.OK
    assert flt.min_pay is not None and flt.min_pay.min_amount == 45_000
    assert flt.min_pay.period is PayPeriod.YEAR


def test_no_options_is_the_default_filter() -> None:
    assert filter_from_options() == Filter()


def test_an_unreadable_pay_names_what_was_typed() -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        filter_from_options(min_pay="a lot")
    assert caught.value.token == "a lot"


# -- the message menu reads what a person sees ---------------------------------------------------


def test_message_text_includes_embeds_other_bots_post() -> None:
    data = message_payload(
        content="look at this",
        embeds=[
            {
                "title": "Remote AI tutor",
                "description": "$90/h, DM on Telegram",
                "url": "https://jobs.example/1",
            }
        ],
    )
    channel = discord.Object(id=CHANNEL_ID)
    state = discord.Client(intents=discord.Intents.none())._connection
    message = discord.Message(state=state, channel=channel, data=data)  # type: ignore[arg-type]
    assert message_text(message).split("\n") == [
        "look at this",
        "Remote AI tutor",
        "$90/h, DM on Telegram",
        "https://jobs.example/1",
    ]


# -- renderers for /alerts preview and /sources --------------------------------------------------


def posting(index: int, **changes: object) -> Posting:
    fields: dict[str, object] = {
        "source": "greenhouse:scaleai",
        "native_id": str(index),
        "url": f"https://boards.greenhouse.io/scaleai/jobs/{index}",
        "title": f"AI Trainer {index}",
        "company": "Scale AI",
        "description": "Help train models. " * 200,
        "posted_at": datetime(2025, 1, 10 + index, tzinfo=UTC),
        **changes,
    }
    return Posting(**fields)  # type: ignore[arg-type]


def test_three_preview_embeds_fit_one_message() -> None:
    reason = Signal("urgency", 10, "apply today " * 200, "signal.urgency")
    items = [
        PreviewItem(posting(i, title="Trainer " * 100), Verdict(35, RiskLevel.CAUTION, (reason,)))
        for i in range(3)
    ]
    embeds = [
        card_to_embed(preview_card(item, "en"), total_max=EMBED_TOTAL_MAX // 3) for item in items
    ]
    assert sum(embed_length(e) for e in embeds) <= EMBED_TOTAL_MAX
    assert all(e.title and e.title.endswith("…") for e in embeds)


def test_sources_show_health_at_a_glance() -> None:
    health = [
        SourceHealth(
            "greenhouse",
            "greenhouse:scaleai",
            "2025-01-15T10:00:00Z",
            "200",
            0,
            "2025-01-15T10:10:00Z",
            42,
        ),
        SourceHealth(
            "lever",
            "lever:acme",
            "2025-01-15T10:00:00Z",
            "error: HTTP 503",
            4,
            "2025-01-15T12:00:00Z",
            3,
        ),
        SourceHealth("rss", "rss:@everyone", None, None, 0, None, 0),
    ]
    embed = sources_embed(health, "es")
    names = [field.name for field in embed.fields]
    assert names[0] == "🟢 greenhouse:scaleai" and names[1] == "🔴 lever:acme"
    assert "@everyone" not in (names[2] or "")
    assert "<t:1736935200:R>" in (embed.fields[0].value or "")  # shown in each reader's zone
    assert "Fallos seguidos: 4" in (embed.fields[1].value or "")
    assert "todavía no" in (embed.fields[2].value or "")


def test_many_sources_with_long_statuses_fit_one_embed() -> None:
    """Thirty sources failing with long, hostile error texts: the first 25 are shown, the
    statuses cut with an ellipsis and escaped, and the embed stays within Discord's limits."""
    status = "error: **" + "upstream said no " * 30 + "@everyone"
    health = [
        SourceHealth("rss", f"rss:feed-{i}", "2025-01-15T10:00:00Z", status, 5, None, i)
        for i in range(30)
    ]
    embed = sources_embed(health, "en")
    assert len(embed.fields) == 25
    assert embed_length(embed) <= EMBED_TOTAL_MAX
    values = [field.value or "" for field in embed.fields]
    assert all("…" in value and "\\*\\*" in value for value in values)
    assert not any("@everyone" in value for value in values)
    assert embed.fields[24].name == "🔴 rss:feed-24"
    assert embed.footer.text == "…and 5 more"


# -- over the socket -----------------------------------------------------------------------------


async def store_posting(bot: BotHarness, item: Posting, verdict: Verdict) -> None:
    await store_postings(bot.app.db, [item], verdict)


async def test_preview_shows_the_last_three_postings_the_filter_lets_through(
    bot: BotHarness,
) -> None:
    ok = Verdict(5, RiskLevel.OK)
    scam = Verdict(90, RiskLevel.SCAM, (Signal("fee", 50, "pay $100", "signal.fee"),))
    for index in range(5):
        await store_posting(bot, posting(index, title=f"RLHF annotator {index}"), ok)
    await store_posting(bot, posting(9, title="RLHF annotator, pay first"), scam)
    await store_posting(bot, posting(8, title="Sales agent"), ok)

    payload = slash_payload(
        "alerts",
        [option("keywords", "rlhf")],
        subcommand="preview",
        locale="en-US",
        permissions=VIEW_AND_SEND,  # previewing changes nothing: no Manage Channels needed
    )
    requests = await bot.interact(payload)
    answer = next(r for r in requests if r.is_followup)
    titles = [embed["title"] for embed in answer.body["embeds"]]
    assert titles == ["RLHF annotator 4", "RLHF annotator 3", "RLHF annotator 2"]
    assert answer.body["allowed_mentions"] == {"parse": []}
    assert "components" not in answer.body or answer.body["components"] == []


async def test_removal_from_a_server_pauses_its_channels_subscriptions(bot: BotHarness) -> None:
    await bot.app.services.subscriptions.subscribe(CHAT, Filter(), language="es")
    state = bot.client._connection
    state.parse_guild_create(  # what the gateway sends when the bot joins / starts
        {
            "id": str(GUILD_ID),
            "name": "Trainers",
            "unavailable": False,
            "owner_id": "1",
            "channels": [
                {
                    "id": str(CHANNEL_ID),
                    "type": 0,
                    "name": "jobs",
                    "position": 0,
                    "permission_overwrites": [],
                }
            ],
            "threads": [],
            "roles": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "member_count": 2,
            "large": False,
        }
    )
    state.parse_guild_delete({"id": str(GUILD_ID)})  # the bot was removed
    handlers = [t for t in asyncio.all_tasks() if t.get_name() == "discord.py: on_guild_remove"]
    await asyncio.gather(*handlers)
    [subscription] = await bot.app.services.subscriptions.of_chat(CHAT)
    assert subscription.paused


async def test_only_managers_see_alerts_by_default(bot: BotHarness) -> None:
    [synced] = bot.stub.sent("PUT", "/commands")
    alerts = next(c for c in synced.body if c["name"] == "alerts")
    assert int(alerts["default_member_permissions"]) == MANAGE_CHANNELS
    assert alerts["dm_permission"] is False  # a channel of a server, never a DM
