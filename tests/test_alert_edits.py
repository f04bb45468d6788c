"""A job seen in another place after its alert went out: the sent message is edited to list
it, once, within the platform's limits, on Telegram and Discord; the console gets nothing.

The senders talk to the local Telegram Bot API stub (which enforces Telegram's limits and
refuses an edit that changes nothing) and the local Discord REST stub over real sockets; new
sightings arrive through the poll writer, as they do from a poll.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram import Bot

from adapters.chat.console import ConsoleSender
from adapters.chat.discord_sender import DiscordSender
from adapters.chat.telegram_sender import TelegramSender
from bot.config import OutboxSettings
from bot.delivery.drain import OutboxDrainer
from bot.delivery.pacing import Pacer
from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
from bot.polling.writes import PollWrite, write_batch
from bot.postings.matching import Matcher
from bot.store import Database
from bot.store import edits as edits_store
from bot.store import subscriptions as subscriptions_store
from bot.store import workers as workers_store
from tests.conftest import FakeClock
from tests.discord_helpers import CHANNEL_ID, BotHarness, running_bot
from tests.telegram_stub import TelegramStub, telegram_stub

TELEGRAM_CHAT = ChatRef("telegram", "4242")
DISCORD_CHAT = ChatRef("discord", str(CHANNEL_ID))
HOSTILE_TITLE = "<b>AI Trainer</b> @everyone <@&700000000000000999> [x](https://evil.example)"
VERDICT = Verdict(0, RiskLevel.OK, ())


def posting(
    source: str, native_id: str, url: str, *, title: str = "AI Trainer (Spanish)"
) -> Posting:
    return Posting(
        source=source,
        native_id=native_id,
        url=url,
        title=title,
        company="Acme",
        location="Remote",
        remote=True,
        description="Rank and rewrite model answers in Spanish for a research lab.",
    )


FIRST = "https://boards.greenhouse.io/acme/jobs/11"
ON_REMOTIVE = "https://remotive.com/remote-jobs/ai/501"


async def seen(db: Database, source: str, *postings_seen: Posting) -> None:
    """A poll of `source` that found these postings, written as the poller writes it."""
    write = PollWrite(
        source=source,
        scored=[(p, True) for p in postings_seen],
        verdicts={p.native_id: VERDICT for p in postings_seen},
        alerting=True,
        status="200",
        etag=None,
        last_modified=None,
        body_sha256=source,
        next_poll_at=0.0,
    )
    [result] = await write_batch(db, [write], matcher=Matcher())
    assert not isinstance(result, Exception), result


async def subscribe(db: Database, chat: ChatRef) -> None:
    await subscriptions_store.add_subscription(
        db, chat, Filter(max_risk=RiskLevel.SCAM), language="en"
    )


Drainer = Callable[..., OutboxDrainer]


@pytest.fixture
def drainer(clock: FakeClock) -> Drainer:
    """Drainers with one pacer across them (one process's pace: a restart does not reset a
    chat's spacing), the bot's own limits, on the test's clock: a wait for the next slot
    moves the clock on instead of sleeping, and the Telegram stub keeps its limits on the
    same clock, so a send and the edit after it are still a second apart as Telegram counts
    them, without a real second going by."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    pacer = Pacer(clock=clock, sleep=sleep)

    def make(db: Database, **senders: object) -> OutboxDrainer:
        return OutboxDrainer(db, senders, settings=OutboxSettings(), pacer=pacer)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def stub(clock: FakeClock) -> AsyncIterator[TelegramStub]:
    async with telegram_stub(clock=clock) as running:
        yield running


@pytest.fixture
async def telegram(stub: TelegramStub) -> AsyncIterator[TelegramSender]:
    bot = Bot("123:edit-test-token", base_url=stub.base_url)
    async with bot:
        yield TelegramSender(bot)


async def test_a_sighting_after_the_alert_went_out_edits_the_telegram_message_once(
    drainer: Drainer, db: Database, stub: TelegramStub, telegram: TelegramSender
) -> None:
    await subscribe(db, TELEGRAM_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST))
    assert (await drainer(db, telegram=telegram).drain_all()).sent == 1
    [sent] = stub.accepted
    assert "Seen in" not in sent.text

    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE))
    # A restart between the sighting and the edit: the request is in the store.
    stats = await drainer(db, telegram=telegram).drain_all()

    assert stats.edited == 1 and stats.sent == 0
    assert len(stub.accepted) == 1  # no second alert
    [edit] = stub.edited
    assert edit.message_id == 1 and edit.chat_id == 4242 and edit.parse_mode == "HTML"
    assert "Seen in 2 places" in edit.text
    assert "via Remotive" in edit.text and ON_REMOTIVE in edit.text
    assert stub.refused == 0  # the edit waited for the chat's next slot (1 a second)
    assert await edits_store.counts(db) == {"done": 1}

    again = await drainer(db, telegram=telegram).drain_all()
    assert again.edited == 0 and len(stub.edited) == 1  # made once


async def test_a_claimed_edit_whose_sender_died_is_made_by_the_next_one(
    drainer: Drainer, db: Database, clock: FakeClock, stub: TelegramStub, telegram: TelegramSender
) -> None:
    await subscribe(db, TELEGRAM_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST))
    await drainer(db, telegram=telegram).drain_all()
    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE))
    [dead] = await edits_store.claim(db, platforms=["telegram"], limit=10, lease_s=30)
    assert await drainer(db, telegram=telegram).drain_all() is not None
    assert stub.edited == []  # held by the dead sender until its lease ends

    clock.advance(31)
    assert (await drainer(db, telegram=telegram).drain_all()).edited == 1
    assert not await edits_store.mark_edited(db, dead)  # the dead one's late record: no-op
    assert len(stub.edited) == 1


async def test_a_sighting_while_the_edit_is_on_the_wire_asks_for_one_more(
    drainer: Drainer, db: Database, stub: TelegramStub, telegram: TelegramSender
) -> None:
    await subscribe(db, TELEGRAM_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST))
    await drainer(db, telegram=telegram).drain_all()
    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE))
    [edit] = await edits_store.claim(db, platforms=["telegram"], limit=10)
    third = posting("remoteok", "77", "https://remoteok.com/remote-jobs/77")
    await seen(db, "remoteok", third)
    assert await edits_store.mark_edited(db, edit)  # took in the second place, not the third
    assert await edits_store.counts(db) == {"pending": 1}

    assert (await drainer(db, telegram=telegram).drain_all()).edited == 1
    [last] = stub.edited
    assert "Seen in 3 places" in last.text and "via Remote OK" in last.text


@pytest.mark.parametrize("migrated_target", ["sqlite"], indirect=True)  # drawing, not storing
async def test_hostile_posting_text_stays_escaped_in_a_telegram_edit(
    drainer: Drainer, db: Database, stub: TelegramStub, telegram: TelegramSender
) -> None:
    await subscribe(db, TELEGRAM_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST, title=HOSTILE_TITLE))
    await drainer(db, telegram=telegram).drain_all()
    hostile_link = ON_REMOTIVE + '?a="><b>x</b>'
    await seen(db, "remotive:ai", posting("remotive:ai", "501", hostile_link, title=HOSTILE_TITLE))
    await drainer(db, telegram=telegram).drain_all()

    [edit] = stub.edited
    assert "<b>AI Trainer</b>" not in edit.text and "&lt;b&gt;AI Trainer" in edit.text
    assert '"><b>x' not in edit.text
    assert "@everyone" not in edit.text  # a handle is defused as in every card


async def test_the_console_gets_no_edit(drainer: Drainer, db: Database) -> None:
    await subscribe(db, ChatRef("console", ""))
    out = io.StringIO()
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST))
    await drainer(db, console=ConsoleSender(out)).drain_all()
    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE))
    stats = await drainer(db, console=ConsoleSender(out)).drain_all()

    assert stats.edited == 0 and await edits_store.counts(db) == {}
    assert out.getvalue().count("AI Trainer (Spanish)") == 1


@pytest.fixture
async def discord_bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(tmp_path) as harness:
        yield harness


async def test_a_sighting_after_the_alert_went_out_edits_the_discord_message_and_pings_no_one(
    drainer: Drainer,
    discord_bot: BotHarness,
) -> None:
    db = discord_bot.app.db
    sender = DiscordSender(discord_bot.client)
    await subscribe(db, DISCORD_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST, title=HOSTILE_TITLE))
    await drainer(db, discord=sender).drain_all()
    [post] = discord_bot.stub.sent("POST", rf"/channels/{CHANNEL_ID}/messages$")
    message_id = await db.fetchval("SELECT message_id FROM outbox")

    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE, title=HOSTILE_TITLE))
    stats = await drainer(db, discord=sender).drain_all()

    assert stats.edited == 1
    [patch] = discord_bot.stub.sent("PATCH", rf"/channels/{CHANNEL_ID}/messages/{message_id}$")
    assert patch.body["allowed_mentions"] == {"parse": []}
    assert patch.body["content"] is None  # no text left beside the embed
    [embed] = patch.body["embeds"]
    assert "@everyone" not in embed["title"] and "<@&" not in embed["title"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    places = fields["Seen in 2 places"]
    assert "via Remotive" in places and ON_REMOTIVE in places
    assert len(discord_bot.stub.sent("POST", rf"/channels/{CHANNEL_ID}/messages$")) == 1
    assert post.body["embeds"][0]["title"] == embed["title"]


async def test_a_deleted_discord_message_is_not_edited_and_the_channel_keeps_its_alerts(
    drainer: Drainer,
    discord_bot: BotHarness,
) -> None:
    db = discord_bot.app.db
    sender = DiscordSender(discord_bot.client)
    await subscribe(db, DISCORD_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST))
    await drainer(db, discord=sender).drain_all()
    discord_bot.stub.fail(
        "PATCH", r"/messages/\d+$", status=404, body={"message": "Unknown Message", "code": 10008}
    )
    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE))
    stats = await drainer(db, discord=sender).drain_all()

    assert stats.edits_failed == 1 and await edits_store.counts(db) == {"failed": 1}
    [sub] = await subscriptions_store.chat_subscriptions(db, DISCORD_CHAT)
    assert not sub.paused  # an edit never pauses a chat


async def test_workers_shows_the_edits_each_worker_holds(
    drainer: Drainer, db: Database, telegram: TelegramSender
) -> None:
    await subscribe(db, TELEGRAM_CHAT)
    await seen(db, "greenhouse:acme", posting("greenhouse:acme", "11", FIRST))
    await drainer(db, telegram=telegram).drain_all()
    await seen(db, "remotive:ai", posting("remotive:ai", "501", ON_REMOTIVE))
    [edit] = await edits_store.claim(db, platforms=["telegram"], limit=10, holder="h:1:aa")

    assert await workers_store.live_claims_by_worker(db, "alert_edits") == {"h:1:aa": 1}
    assert await edits_store.mark_edited(db, edit)
    # Made: no longer held.
    assert await workers_store.live_claims_by_worker(db, "alert_edits") == {}
