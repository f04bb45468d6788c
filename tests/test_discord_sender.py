"""Alerts posted to a Discord channel through the outbox, and every way Discord can say no.

The sender talks to the local REST stub over a real socket; the outbox drainer decides what
happens next from the outcome, exactly as in production.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.chat.discord_sender import DiscordSender
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import ChatGone, Delivered, RateLimited, Rejected, Transient
from bot.models import ChatRef, Filter, Pay, PayPeriod, Posting, RiskLevel, Signal, Verdict
from bot.store import outbox as outbox_store
from bot.store import subscriptions as subscriptions_store
from tests.discord_helpers import CHANNEL_ID, BotHarness, rate_limited, running_bot
from tests.pipeline_helpers import store_postings

CHAT = ChatRef("discord", str(CHANNEL_ID))
OTHER_CHAT = ChatRef("discord", "700000000000000201")
MESSAGES = rf"/channels/{CHANNEL_ID}/messages"
VERDICT = Verdict(
    risk=45,
    level=RiskLevel.CAUTION,
    reasons=(Signal("contact_move", 25, "write to us on Telegram", "signal.contact_move"),),
)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(tmp_path) as harness:
        yield harness


async def enqueue_alert(
    bot: BotHarness, chat: ChatRef = CHAT, *, title: str = "AI Trainer (Spanish)", index: int = 0
) -> int:
    """A posting and its outbox row for a subscription of `chat`; returns the subscription id."""
    db = bot.app.db
    existing = await subscriptions_store.chat_subscriptions(db, chat)
    sub = (
        existing[0]
        if existing
        else await subscriptions_store.add_subscription(db, chat, Filter(), language="en")
    )
    posting = Posting(
        source="greenhouse:scaleai",
        native_id=f"{chat.chat_id}-{index}",
        url=f"https://boards.greenhouse.io/scaleai/jobs/{index}",
        title=title,
        company="Scale AI",
        location="Remote - Spain",
        remote=True,
        pay=Pay(25, 25, "USD", PayPeriod.HOUR),
        posted_at=datetime(2025, 1, 14, tzinfo=UTC),
    )
    await store_postings(db, [posting], VERDICT, sub)
    return sub.id


def drainer(bot: BotHarness) -> OutboxDrainer:
    return bot.app.drainer({"discord": DiscordSender(bot.client)})


async def outbox_rows(bot: BotHarness) -> list[tuple[str, str | None, float]]:
    rows = await bot.app.db.fetchall(
        "SELECT status, message_id, next_attempt_at FROM outbox ORDER BY id"
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def test_an_alert_is_posted_as_an_embed_with_buttons_and_no_mentions(
    bot: BotHarness,
) -> None:
    await enqueue_alert(bot)
    stats = await drainer(bot).drain_once()

    [post] = bot.stub.sent("POST", MESSAGES)
    assert stats.sent == 1
    assert post.body["allowed_mentions"] == {"parse": []}
    [embed] = post.body["embeds"]
    assert embed["title"] == "AI Trainer (Spanish)"
    assert embed["url"] == "https://boards.greenhouse.io/scaleai/jobs/0"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Company"] == "Scale AI" and fields["Posted"] == "Jan 14, 2025"
    assert "45/100" in fields["Risk"] and "Telegram" in fields["Reasons"]
    buttons = post.body["components"][0]["components"]
    assert [b.get("custom_id") or b.get("url") for b in buttons][1:] == [
        f"vigia:{action}:1" for action in ("why", "report", "fine")
    ]
    [(status, message_id, _)] = await outbox_rows(bot)
    assert status == "sent" and message_id is not None and message_id.isdigit()


async def test_a_hostile_title_pings_no_one(bot: BotHarness) -> None:
    await enqueue_alert(
        bot, title="@everyone click here <@&700000000000000999> [apply](https://evil.example)"
    )
    await drainer(bot).drain_once()
    [post] = bot.stub.sent("POST", MESSAGES)
    title = post.body["embeds"][0]["title"]
    assert post.body["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in title and "<@&" not in title
    assert "\\[apply]" in title


async def test_a_long_rate_limit_surfaces_instead_of_being_slept_through(bot: BotHarness) -> None:
    await enqueue_alert(bot)
    bot.stub.fail("POST", MESSAGES, **rate_limited(120.0))
    started = time.monotonic()

    outcome = await DiscordSender(bot.client).send(
        (await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1))[0]
    )
    assert outcome == RateLimited(120.0, everywhere=False)  # this channel's route only
    assert time.monotonic() - started < 5  # surfaced, not slept through


async def test_the_drainer_holds_a_rate_limited_channel_for_the_time_discord_gives(
    bot: BotHarness,
) -> None:
    await enqueue_alert(bot, index=0)
    await enqueue_alert(bot, OTHER_CHAT, index=1)
    bot.stub.fail("POST", MESSAGES, **rate_limited(120.0))
    now = bot.app.db.clock()

    stats = await drainer(bot).drain_once()

    assert stats.sent == 1  # the other channel went ahead
    rows = await outbox_rows(bot)
    held = next(row for row in rows if row[0] == "pending")
    assert held[2] >= now + 120.0
    assert len(bot.stub.sent("POST", r"/channels/700000000000000201/messages")) == 1


async def test_a_short_rate_limit_is_waited_out_and_the_alert_sent(bot: BotHarness) -> None:
    await enqueue_alert(bot)
    bot.stub.fail("POST", MESSAGES, **rate_limited(0.05))
    started = time.monotonic()
    stats = await drainer(bot).drain_once()
    assert stats.sent == 1
    assert len(bot.stub.sent("POST", MESSAGES)) == 2  # the 429, then the retry
    assert time.monotonic() - started >= 0.05


@pytest.mark.parametrize(
    ("status", "code"), [(403, 50001), (403, 50013), (404, 10003), (400, 50008), (400, 160005)]
)
async def test_a_forbidden_or_unknown_channel_pauses_its_subscriptions_and_keeps_the_alert(
    bot: BotHarness, status: int, code: int
) -> None:
    await enqueue_alert(bot)
    bot.stub.fail("POST", MESSAGES, status, {"message": "Missing Access", "code": code})

    stats = await drainer(bot).drain_once()

    assert stats.chats_paused == 1
    [subscription] = await bot.app.services.subscriptions.of_chat(CHAT)
    assert subscription.paused
    [(row_status, message_id, _)] = await outbox_rows(bot)
    assert row_status == "pending" and message_id is None  # kept for when it is resumed


async def test_a_server_error_is_transient(bot: BotHarness) -> None:
    await enqueue_alert(bot)
    bot.stub.fail("POST", MESSAGES, 503, {"message": "upstream", "code": 0})
    [alert] = await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1)
    outcome = await DiscordSender(bot.client).send(alert)
    assert isinstance(outcome, Transient) and "503" in outcome.reason


async def test_a_network_failure_is_transient(bot: BotHarness) -> None:
    await enqueue_alert(bot)
    [alert] = await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1)
    await bot.stub.close()  # Discord unreachable: the connection is refused
    outcome = await DiscordSender(bot.client).send(alert)
    assert isinstance(outcome, Transient)


async def test_a_chat_id_that_is_not_a_channel_is_gone(bot: BotHarness) -> None:
    await enqueue_alert(bot, ChatRef("discord", "general"))
    [alert] = await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1)
    outcome = await DiscordSender(bot.client).send(alert)
    assert isinstance(outcome, ChatGone)
    assert not bot.stub.sent("POST", "/channels/")


async def test_sent_alert_reports_the_discord_message_id(bot: BotHarness) -> None:
    await enqueue_alert(bot)
    [alert] = await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1)
    outcome = await DiscordSender(bot.client).send(alert)
    assert isinstance(outcome, Delivered) and outcome.message_id.isdigit()


async def test_a_refused_embed_is_sent_again_at_once_as_plain_text(bot: BotHarness) -> None:
    """A 400 would repeat for the same embed and hold the channel's later alerts behind it;
    the alert goes out as escaped text with its check buttons instead."""
    await enqueue_alert(bot, title="AI Trainer *urgent* @everyone")
    bot.stub.fail("POST", MESSAGES, 400, {"message": "Invalid Form Body", "code": 50035})

    stats = await drainer(bot).drain_once()

    assert stats.sent == 1
    refused, plain = bot.stub.sent("POST", MESSAGES)
    assert refused.body["embeds"]
    assert "embeds" not in plain.body or not plain.body["embeds"]
    assert plain.body["allowed_mentions"] == {"parse": []}
    assert plain.body["flags"] & 4  # SUPPRESS_EMBEDS: the link is not previewed
    content = plain.body["content"]
    assert content.startswith("**AI Trainer \\*urgent\\*") and "@everyone" not in content
    assert "<https://boards.greenhouse.io/scaleai/jobs/0>" in content
    assert "Scale AI" in content and len(content) <= 2000
    buttons = plain.body["components"][0]["components"]
    assert [b["custom_id"] for b in buttons] == [f"vigia:{a}:1" for a in ("why", "report", "fine")]
    [(status, message_id, _)] = await outbox_rows(bot)
    assert status == "sent" and message_id is not None


async def test_a_payload_refused_even_as_text_is_rejected_not_retried(bot: BotHarness) -> None:
    await enqueue_alert(bot)
    bot.stub.fail("POST", MESSAGES, 400, {"message": "Blocked by AutoMod", "code": 200000}, times=2)
    [alert] = await outbox_store.claim(bot.app.db, platforms=["discord"], limit=1)
    outcome = await DiscordSender(bot.client).send(alert)
    assert isinstance(outcome, Rejected) and "AutoMod" in outcome.reason
    assert len(bot.stub.sent("POST", MESSAGES)) == 2
