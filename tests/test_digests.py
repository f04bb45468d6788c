"""Digests over the real store (SQLite and PostgreSQL), the real drainer and the console chat,
with a clock the test moves by hand: what is due when, across a restart, a time-zone change,
a change of mode, and with postings that reach the chat another way.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from adapters.chat.console import ConsoleSender
from bot.config import OutboxSettings
from bot.delivery.digest import DigestMaker
from bot.delivery.digest_schedule import DeliveryMode
from bot.delivery.drain import OutboxDrainer
from bot.models import ChatRef, Filter, Posting, RiskLevel, Signal, Subscription, Verdict
from bot.services.subscriptions import SubscriptionService
from bot.store import Database, open_database
from bot.store import outbox as outbox_store
from tests.conftest import FakeClock
from tests.pipeline_helpers import store_postings, table_count

CONSOLE = ChatRef("console", "")
EVERYTHING = Filter(max_risk=RiskLevel.SCAM)
FINE = Verdict(5, RiskLevel.OK)
DOUBTFUL = Verdict(
    45,
    RiskLevel.CAUTION,
    (Signal("chat_move", 20.0, "WhatsApp", "scam.chat_move"),),
)


def at(text: str) -> float:
    """`2026-01-14 07:00` (UTC) as seconds."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def job(native_id: str, title: str, company: str = "Acme AI") -> Posting:
    return Posting(
        source="greenhouse:acme",
        native_id=native_id,
        url=f"https://boards.greenhouse.io/acme/jobs/{native_id}",
        title=title,
        company=company,
    )


class Bot:
    """The parts of a running bot that digests go through, over one store."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.out = io.StringIO()
        sender = ConsoleSender(self.out)
        self.maker = DigestMaker(db, {"console": sender})
        self.drainer = OutboxDrainer(db, {"console": sender}, settings=OutboxSettings())
        self.subscriptions = SubscriptionService(db=db)

    async def tick(self) -> str:
        """One round of the digest job and the drain; what the chat received."""
        before = self.out.tell()
        await self.maker.run_once()
        await self.drainer.drain_all()
        return self.out.getvalue()[before:]

    async def subscribe(self, delivery: str, chat: ChatRef = CONSOLE) -> Subscription:
        return await self.subscriptions.subscribe(
            chat, EVERYTHING, language="en", delivery=DeliveryMode.parse(delivery)
        )


@pytest.fixture
def bot(db: Database) -> Bot:
    return Bot(db)


async def test_a_daily_digest_is_one_message_at_its_local_time(bot: Bot, clock: FakeClock) -> None:
    clock.now = at("2026-01-13 12:00")
    await bot.subscriptions.set_timezone(CONSOLE, "Europe/Madrid")
    sub = await bot.subscribe("daily 08:00")
    await store_postings(bot.db, [job("1", "Rater, Spanish")], DOUBTFUL, sub)
    clock.now = at("2026-01-13 15:00")
    await store_postings(bot.db, [job("2", "AI Trainer")], FINE, sub)
    await store_postings(bot.db, [job("3", "Annotator", "@everyone Corp")], FINE, sub)

    clock.now = at("2026-01-14 06:59")  # 07:59 in Madrid
    assert await bot.tick() == ""  # held for the digest, not sent one by one

    clock.now = at("2026-01-14 07:00")  # 08:00 in Madrid
    digest = await bot.tick()
    assert digest.startswith("📋 Daily digest\n3 new postings since Tue 13 Jan 13:00")
    # Safest first, then in the order they were found; each with its level and link.
    lines = [line for line in digest.splitlines() if " · " in line and "Delivery" not in line]
    assert lines == [
        "🟢 Looks fine (5/100) · AI Trainer — Acme AI",
        "🟢 Looks fine (5/100) · Annotator — @everyone Corp",
        "🟠 Caution (45/100) · Rater, Spanish — Acme AI",
    ]
    assert "  https://boards.greenhouse.io/acme/jobs/2" in digest
    assert digest.rstrip().endswith("Delivery: a digest every day at 08:00 · Europe/Madrid")
    assert await bot.tick() == ""  # one digest per day
    assert await outbox_store.counts(bot.db) == {"digested": 3, "sent": 1}


async def test_a_day_with_nothing_new_sends_nothing(bot: Bot, clock: FakeClock) -> None:
    clock.now = at("2026-01-13 12:00")
    await bot.subscribe("daily 08:00")
    clock.now = at("2026-01-14 08:00")
    assert await bot.tick() == ""
    assert await table_count(bot.db, "digests") == 0


async def test_a_digest_missed_while_the_bot_was_down_is_sent_once_when_it_is_back(
    store_target: str, clock: FakeClock
) -> None:
    clock.now = at("2026-01-13 12:00")
    db = await open_database(store_target, clock=clock)
    bot = Bot(db)
    sub = await bot.subscribe("daily 08:00")
    await store_postings(db, [job("1", "AI Trainer")], FINE, sub)
    clock.now = at("2026-01-14 07:30")
    assert await bot.tick() == ""
    await db.close()  # down from 07:30 to 10:15: the 08:00 digest was missed

    clock.now = at("2026-01-15 10:15")  # and the next day's too
    db = await open_database(store_target, clock=clock)
    try:
        back = Bot(db)
        later = await store_postings(db, [job("2", "Rater")], FINE, sub)
        assert later
        digest = await back.tick()
        assert digest.startswith("📋 Daily digest\n2 new postings since Tue 13 Jan 12:00")
        assert "AI Trainer" in digest and "Rater" in digest
        assert await back.tick() == ""  # the missed days are one digest, not two
        clock.now = at("2026-01-16 08:00")
        assert await back.tick() == ""  # nothing new since
    finally:
        await db.close()


async def test_a_digest_page_claimed_when_the_bot_died_is_sent_after_its_lease(
    store_target: str, clock: FakeClock
) -> None:
    """A digest goes through the outbox: a page claimed by a process that died mid-send is
    sent by the next one once the claim's lease ran out, and only then."""
    clock.now = at("2026-01-13 12:00")
    db = await open_database(store_target, clock=clock)
    bot = Bot(db)
    sub = await bot.subscribe("daily 08:00")
    await store_postings(db, [job("1", "AI Trainer")], FINE, sub)
    clock.now = at("2026-01-14 08:00")
    await bot.maker.run_once()
    [claimed] = await outbox_store.claim(db, platforms=["console"], limit=10)
    await db.close()  # died before the send was recorded

    db = await open_database(store_target, clock=clock)
    try:
        back = Bot(db)
        assert await back.tick() == ""  # still leased to the dead process
        clock.advance(outbox_store.LEASE_S + 1)
        digest = await back.tick()
        assert digest.count("📋 Daily digest") == 1 and "AI Trainer" in digest
        assert await back.tick() == ""
        assert claimed.id  # the page the dead process held is the one sent
    finally:
        await db.close()


async def test_a_time_zone_change_moves_the_digest_without_an_extra_one(
    bot: Bot, clock: FakeClock
) -> None:
    clock.now = at("2026-01-13 12:00")
    sub = await bot.subscribe("daily 08:00")  # UTC until the chat picks a zone
    await store_postings(bot.db, [job("1", "AI Trainer")], FINE, sub)
    clock.now = at("2026-01-14 08:00")
    assert "AI Trainer" in await bot.tick()

    clock.now = at("2026-01-14 08:30")
    await store_postings(bot.db, [job("2", "Rater")], FINE, sub)
    # 08:00 in the Azores (UTC-1) is 09:00 UTC, which has not come yet today; 08:00 in
    # Tokyo (UTC+9) is 23:00 UTC the day before, which has passed: neither makes a digest now.
    await bot.subscriptions.set_timezone(CONSOLE, "Asia/Tokyo")
    assert await bot.tick() == ""
    await bot.subscriptions.set_timezone(CONSOLE, "Atlantic/Azores")
    assert await bot.tick() == ""

    clock.now = at("2026-01-14 08:59")
    assert await bot.tick() == ""
    clock.now = at("2026-01-14 09:00")  # 08:00 in the Azores
    digest = await bot.tick()
    assert "Rater" in digest and "AI Trainer" not in digest
    assert "since Wed 14 Jan 07:00" in digest  # 08:00 UTC, shown in the chat's new zone
    clock.now = at("2026-01-15 08:00")  # 08:00 UTC no longer means anything to this chat
    assert await bot.tick() == ""


async def test_a_weekly_digest_comes_on_its_day(bot: Bot, clock: FakeClock) -> None:
    clock.now = at("2026-01-13 12:00")  # a Tuesday
    sub = await bot.subscribe("weekly mon 09:00")
    await store_postings(bot.db, [job("1", "AI Trainer")], FINE, sub)
    for day in ("2026-01-14", "2026-01-15", "2026-01-18"):
        clock.now = at(f"{day} 09:00")
        assert await bot.tick() == ""
    clock.now = at("2026-01-19 09:00")
    assert (await bot.tick()).startswith("📋 Weekly digest\n1 new posting since")


async def test_a_posting_that_reaches_the_chat_at_once_is_left_out_of_its_digest(
    bot: Bot, clock: FakeClock
) -> None:
    clock.now = at("2026-01-13 12:00")
    instant = await bot.subscribe("instant")
    daily = await bot.subscribe("daily 08:00")
    other_daily = await bot.subscribe("daily 18:00")
    both = job("1", "AI Trainer")
    check_ids = await store_postings(bot.db, [both], FINE, instant)
    async with bot.db.transaction() as conn:  # the same posting matched the digests too
        posting_id = await conn.fetchval("SELECT id FROM postings WHERE native_id = '1'")
        await outbox_store.enqueue_many(
            conn,
            [(posting_id, check_ids[0], daily.id), (posting_id, check_ids[0], other_daily.id)],
            now=clock.now,
        )
    only_digests = job("2", "Rater")
    await store_postings(bot.db, [only_digests], FINE, daily)
    async with bot.db.transaction() as conn:
        rater = await conn.fetchval("SELECT id FROM postings WHERE native_id = '2'")
        rater_check = await conn.fetchval("SELECT id FROM checks WHERE posting_id = ?", (rater,))
        await outbox_store.enqueue_many(conn, [(rater, rater_check, other_daily.id)], now=clock.now)

    sent_at_once = await bot.tick()
    assert "AI Trainer" in sent_at_once and "📋" not in sent_at_once

    clock.now = at("2026-01-14 08:00")
    morning = await bot.tick()
    assert "Rater" in morning and "AI Trainer" not in morning  # it already came at once
    clock.now = at("2026-01-14 18:00")
    assert await bot.tick() == ""  # both postings already reached the chat
    assert await table_count(bot.db, "outbox", "status = 'merged'") == 3


async def test_back_to_instant_sends_what_was_held_in_one_last_digest(
    bot: Bot, clock: FakeClock
) -> None:
    clock.now = at("2026-01-13 12:00")
    sub = await bot.subscribe("daily 08:00")
    await store_postings(bot.db, [job("1", "AI Trainer"), job("2", "Rater")], FINE, sub)
    clock.now = at("2026-01-13 13:00")
    assert await bot.subscriptions.set_delivery(CONSOLE, DeliveryMode()) == 1
    last = await bot.tick()
    assert last.startswith("📋 Digest\n2 new postings")
    await store_postings(bot.db, [job("3", "Annotator")], FINE, sub)
    now_instant = await bot.tick()
    assert "Annotator" in now_instant and "📋" not in now_instant


async def test_a_paused_digest_waits_and_comes_once_resumed(bot: Bot, clock: FakeClock) -> None:
    clock.now = at("2026-01-13 12:00")
    sub = await bot.subscribe("daily 08:00")
    await store_postings(bot.db, [job("1", "AI Trainer")], FINE, sub)
    await bot.subscriptions.set_paused(CONSOLE, True)
    clock.now = at("2026-01-15 08:00")
    assert await bot.tick() == ""
    await bot.subscriptions.set_paused(CONSOLE, False)
    assert "AI Trainer" in await bot.tick()


async def test_changing_the_schedule_keeps_what_was_gathered(bot: Bot, clock: FakeClock) -> None:
    clock.now = at("2026-01-13 12:00")
    sub = await bot.subscribe("daily 08:00")
    await store_postings(bot.db, [job("1", "AI Trainer")], FINE, sub)
    clock.now = at("2026-01-14 07:00")
    assert await bot.subscriptions.set_delivery(CONSOLE, DeliveryMode.parse("daily 20:00")) == 1
    clock.now = at("2026-01-14 08:00")
    assert await bot.tick() == ""
    clock.now = at("2026-01-14 20:00")
    digest = await bot.tick()
    assert "AI Trainer" in digest and "since Tue 13 Jan 12:00" in digest


async def test_digests_sent_long_ago_are_forgotten_and_the_next_one_still_comes(
    bot: Bot, clock: FakeClock
) -> None:
    clock.now = at("2026-01-13 12:00")
    sub = await bot.subscribe("daily 08:00")
    await store_postings(bot.db, [job("1", "AI Trainer")], FINE, sub)
    clock.now = at("2026-01-14 08:00")
    assert "AI Trainer" in await bot.tick()

    clock.now = at("2026-02-20 07:00")
    await store_postings(bot.db, [job("2", "Rater")], FINE, sub)
    assert await outbox_store.prune(bot.db, before=clock.now - 30 * 86_400) == 2
    assert await table_count(bot.db, "digests") == 0
    assert await outbox_store.counts(bot.db) == {"held": 1}  # what the next digest gathers

    clock.now = at("2026-02-20 08:00")
    digest = await bot.tick()
    assert "Rater" in digest and "AI Trainer" not in digest
