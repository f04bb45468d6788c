"""The outbox delivers every alert once: across crashes, restarts and platform errors."""

from __future__ import annotations

import contextlib

from bot.config import OutboxSettings
from bot.delivery.drain import DrainStats, OutboxDrainer
from bot.delivery.outcomes import (
    ChatGone,
    ChatMoved,
    Delivered,
    RateLimited,
    Rejected,
    SendOutcome,
    Transient,
)
from bot.models import Alert, ChatRef, Deliverable, Filter, Posting, RiskLevel, Verdict
from bot.store import Database, open_database
from bot.store import outbox as outbox_store
from bot.store import subscriptions as subscriptions_store
from tests.conftest import FakeClock
from tests.pipeline_helpers import store_postings

OK = Verdict(risk=0, level=RiskLevel.OK)


class RecordingSender:
    """A sender that records what it was asked to send and answers from a script."""

    def __init__(
        self, platform: str = "console", outcomes: list[SendOutcome] | None = None
    ) -> None:
        self.platform = platform
        self.sent: list[tuple[str, str]] = []  # (chat id, posting title)
        self._outcomes = list(outcomes or [])

    async def send(self, alert: Deliverable) -> SendOutcome:
        assert isinstance(alert, Alert)  # these tests queue no digest
        outcome = self._outcomes.pop(0) if self._outcomes else Delivered(f"m{alert.id}")
        if isinstance(outcome, Delivered):
            self.sent.append((alert.subscription.chat.chat_id, alert.posting.title))
        return outcome


class PowerCut(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the drainer catches it."""


class CrashingSender(RecordingSender):
    """Delivers `before_crash` alerts, then dies as a process would (an exception mid-drain)."""

    def __init__(self, before_crash: int) -> None:
        super().__init__()
        self._left = before_crash

    async def send(self, alert: Deliverable) -> SendOutcome:
        if self._left == 0:
            raise PowerCut
        self._left -= 1
        return await super().send(alert)


async def add_alerts(db: Database, chat: ChatRef, titles: list[str]) -> None:
    sub = await subscriptions_store.add_subscription(db, chat, Filter(), language="es")
    postings = [
        Posting(
            source="test",
            native_id=f"{chat.platform}:{chat.chat_id}-{index}",
            url=f"https://x.test/{chat.chat_id}/{index}",
            title=title,
        )
        for index, title in enumerate(titles)
    ]
    await store_postings(db, postings, OK, sub)


def drainer(db: Database, *senders: RecordingSender) -> OutboxDrainer:
    return OutboxDrainer(
        db, {s.platform: s for s in senders}, settings=OutboxSettings(batch_size=10)
    )


async def test_alerts_survive_a_crash_and_are_sent_once_after_restart(
    store_target: str, clock: FakeClock
) -> None:
    path = store_target
    db = await open_database(path, clock=clock)
    await add_alerts(db, ChatRef("console", ""), ["a", "b", "c"])
    crashing = CrashingSender(before_crash=1)
    with contextlib.suppress(PowerCut):
        await drainer(db, crashing).drain_once()
    await db.close()

    clock.advance(outbox_store.LEASE_S + 1)  # the dead process's claims have expired
    db = await open_database(path, clock=clock)
    survivor = RecordingSender()
    await drainer(db, survivor).drain_all()
    await drainer(db, survivor).drain_all()
    await db.close()

    assert crashing.sent == [("", "a")]
    assert survivor.sent == [("", "b"), ("", "c")]


async def test_a_live_claim_is_not_sent_by_a_second_drainer(db: Database) -> None:
    await add_alerts(db, ChatRef("console", ""), ["a"])
    claimed = await outbox_store.claim(db, platforms=["console"], limit=10)
    other = RecordingSender()
    await drainer(db, other).drain_all()
    assert len(claimed) == 1 and other.sent == []


async def test_rate_limit_holds_the_chat_in_order_and_costs_no_attempt(
    db: Database, clock: FakeClock
) -> None:
    await add_alerts(db, ChatRef("telegram", "1"), ["first", "second"])
    sender = RecordingSender("telegram", [RateLimited(30)])
    stats = await drainer(db, sender).drain_once()
    assert stats.sent == 0 and stats.deferred == 2

    clock.advance(29)
    assert (await drainer(db, sender).drain_once()).claimed == 0
    clock.advance(1)
    await drainer(db, sender).drain_all()
    assert sender.sent == [("1", "first"), ("1", "second")]
    assert await db.fetchval("SELECT MAX(attempts) FROM outbox") == 1


async def test_an_alert_queued_after_a_429_waits_for_the_one_held_back(
    db: Database, clock: FakeClock
) -> None:
    """The chat's alerts keep their order even when the later one was not in the batch
    that met the 429 (it arrived with the next poll, or another sender claims it)."""
    chat = ChatRef("telegram", "1")
    await add_alerts(db, chat, ["first"])
    sender = RecordingSender("telegram", [RateLimited(30)])
    await drainer(db, sender).drain_once()
    sub = await subscriptions_store.add_subscription(db, chat, Filter(), language="es")
    later = Posting(source="test", native_id="later", url="https://x.test/later", title="second")
    await store_postings(db, [later], OK, sub)

    clock.advance(1)
    assert (await drainer(db, sender).drain_once()).claimed == 0
    clock.advance(29)
    await drainer(db, sender).drain_all()
    assert sender.sent == [("1", "first"), ("1", "second")]


async def test_chat_gone_pauses_its_subscriptions_and_keeps_the_alerts(db: Database) -> None:
    chat = ChatRef("discord", "42")
    await add_alerts(db, chat, ["a", "b"])
    await add_alerts(db, ChatRef("discord", "7"), ["other chat"])
    sender = RecordingSender("discord", [ChatGone("403 Missing Access")])
    await drainer(db, sender).drain_all()

    subs = await subscriptions_store.chat_subscriptions(db, chat)
    assert all(s.paused for s in subs)
    assert ("7", "other chat") in sender.sent
    assert await outbox_store.counts(db) == {"pending": 2, "sent": 1}

    await subscriptions_store.set_chat_paused(db, chat, False)
    await drainer(db, sender).drain_all()
    assert [t for c, t in sender.sent if c == "42"] == ["a", "b"]


async def test_chat_moved_follows_the_new_chat_id(db: Database) -> None:
    await add_alerts(db, ChatRef("telegram", "-100"), ["a"])
    sender = RecordingSender("telegram", [ChatMoved(ChatRef("telegram", "-100999"))])
    await drainer(db, sender).drain_all()
    assert sender.sent == [("-100999", "a")]
    assert await subscriptions_store.chat_subscriptions(db, ChatRef("telegram", "-100")) == []


async def test_transient_errors_retry_with_growing_backoff(db: Database, clock: FakeClock) -> None:
    await add_alerts(db, ChatRef("console", ""), ["a"])
    sender = RecordingSender(outcomes=[Transient("502"), Transient("502")])
    await drainer(db, sender).drain_once()
    clock.advance(5)
    await drainer(db, sender).drain_once()
    clock.advance(9)
    assert (await drainer(db, sender).drain_once()).claimed == 0  # second wait is 10 s
    clock.advance(1)
    await drainer(db, sender).drain_once()
    assert sender.sent == [("", "a")]


async def test_a_rejected_alert_is_kept_as_failed_and_does_not_block_the_chat(db: Database) -> None:
    await add_alerts(db, ChatRef("discord", "9"), ["poison", "next"])
    sender = RecordingSender("discord", [Rejected("400 AutoMod blocked the message")])
    stats = await drainer(db, sender).drain_all()
    assert stats.rejected == 1
    assert sender.sent == [("9", "next")]
    assert await outbox_store.counts(db) == {"failed": 1, "sent": 1}
    assert await drainer(db, sender).drain_all() == DrainStats()  # never claimed again


async def test_a_crashing_sender_loses_nothing(db: Database, clock: FakeClock) -> None:
    class Buggy(RecordingSender):
        async def send(self, alert: Deliverable) -> SendOutcome:
            raise RuntimeError("bug")

    await add_alerts(db, ChatRef("console", ""), ["a"])
    await drainer(db, Buggy()).drain_once()
    clock.advance(60)
    good = RecordingSender()
    await drainer(db, good).drain_all()
    assert good.sent == [("", "a")]


async def test_deleting_a_subscription_drops_its_pending_alerts(db: Database) -> None:
    chat = ChatRef("console", "")
    await add_alerts(db, chat, ["a"])
    await subscriptions_store.delete_subscriptions(db, chat, None)
    sender = RecordingSender()
    await drainer(db, sender).drain_all()
    assert sender.sent == []


async def test_alerts_sent_long_ago_are_forgotten_and_nothing_is_sent_again(
    db: Database, clock: FakeClock
) -> None:
    """A bot running for months keeps a bounded outbox: sent and refused alerts older than
    the horizon go, with their edits; waiting alerts stay however old; the postings stay."""
    chat = ChatRef("console", "")
    await add_alerts(db, chat, ["old sent", "old refused"])
    sender = RecordingSender(outcomes=[Delivered("m1"), Rejected("too long")])
    await drainer(db, sender).drain_all()
    await db.write(
        "INSERT INTO alert_edits (outbox_id, wanted, done, status, next_attempt_at, created_at)"
        " SELECT id, 1, 0, 'done', 0, 0 FROM outbox WHERE status = 'sent'"
    )
    await add_alerts(db, ChatRef("telegram", "7"), ["old, its chat paused"])
    await db.write("UPDATE subscriptions SET paused = 1 WHERE platform = 'telegram'")

    clock.advance(31 * 86_400)
    await add_alerts(db, ChatRef("console", "2"), ["new sent"])
    await drainer(db, RecordingSender()).drain_all()

    pruned = await outbox_store.prune(db, before=clock.now - 30 * 86_400)

    assert pruned == 2
    assert await outbox_store.counts(db) == {"sent": 1, "pending": 1}
    assert await db.fetchval("SELECT COUNT(*) FROM alert_edits") == 0
    assert await db.fetchval("SELECT COUNT(*) FROM postings") == 4
    again = RecordingSender()
    await drainer(db, again).drain_all()
    assert again.sent == []
