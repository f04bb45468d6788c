"""Fenced claims and an orderly stop: two senders never both record one alert, a batch that
outlives its lease keeps it, and a stop finishes the message in flight and hands back the rest.

Each test runs on SQLite and on PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest

from bot.config import OutboxSettings
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import Delivered, Sender, SendOutcome
from bot.models import Alert, ChatRef, Deliverable
from bot.store import Database
from bot.store import outbox as outbox_store
from tests.conftest import FakeClock
from tests.test_outbox import add_alerts

LEASE_S = outbox_store.LEASE_S


class HookedSender:
    """Delivers every alert (message id `<name>-<id>`), running `before` inside each send: what
    happens elsewhere while this send is on the wire."""

    def __init__(self, name: str, before: Callable[[Alert], Awaitable[None]] | None = None):
        self.platform = "console"
        self.name = name
        self.sent: list[str] = []
        self._before = before

    async def send(self, alert: Deliverable) -> SendOutcome:
        assert isinstance(alert, Alert)
        if self._before is not None:
            await self._before(alert)
        self.sent.append(alert.posting.title)
        return Delivered(f"{self.name}-{alert.id}")


def drainer(db: Database, sender: Sender) -> OutboxDrainer:
    return OutboxDrainer(db, {sender.platform: sender}, settings=OutboxSettings(batch_size=10))


async def statuses(db: Database) -> dict[str, tuple[str, str | None]]:
    rows = await db.fetchall(
        """SELECT postings.data_json, outbox.status, outbox.message_id FROM outbox
           JOIN postings ON postings.id = outbox.posting_id ORDER BY outbox.id"""
    )
    return {json.loads(row[0])["title"]: (row[1], row[2]) for row in rows}


async def test_a_stale_claimants_mark_sent_changes_nothing_and_is_logged(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await add_alerts(db, ChatRef("console", ""), ["a"])
    [first] = await outbox_store.claim(db, platforms=["console"], limit=10)
    clock.advance(LEASE_S + 1)
    [second] = await outbox_store.claim(db, platforms=["console"], limit=10)
    assert first.id == second.id and first.claim != second.claim

    assert await outbox_store.mark_sent(db, second.id, "new", claim=second.claim)
    with caplog.at_level(logging.WARNING, logger="vigia.outbox"):
        assert not await outbox_store.mark_sent(db, first.id, "stale", claim=first.claim)
        assert not await outbox_store.release(
            db, [first.id], claim=first.claim, retry_at=0, error="x", count_attempt=True
        )
    assert await statuses(db) == {"a": ("sent", "new")}
    assert f"alert {first.id}: its claim ran out" in caplog.text


async def test_a_batch_that_outlives_the_lease_is_not_sent_twice(
    db: Database, clock: FakeClock
) -> None:
    """Each send takes half a lease, and a second sender drains during every send: the
    first sender renews its claim as it goes, so the second finds nothing to take."""
    titles = [f"job {i}" for i in range(5)]
    await add_alerts(db, ChatRef("console", ""), titles)
    other = HookedSender("b")

    async def slow(_alert: Alert) -> None:
        clock.advance(LEASE_S / 2)
        await drainer(db, other).drain_once()

    first = HookedSender("a", slow)
    await drainer(db, first).drain_once()

    assert first.sent == titles and other.sent == []
    assert await statuses(db) == {t: ("sent", f"a-{i + 1}") for i, t in enumerate(titles)}


async def test_a_sender_that_stood_still_past_its_lease_sends_nothing_it_lost(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The first sender stalls on its first send for longer than the lease (a paused
    process); the second takes the whole batch over. The first then records nothing and sends
    none of the rows it lost: only the message it had on the wire went out twice."""
    await add_alerts(db, ChatRef("console", ""), ["a", "b", "c"])
    other = HookedSender("b")

    async def stall(alert: Alert) -> None:
        if alert.posting.title == "a":
            clock.advance(LEASE_S + 1)
            await drainer(db, other).drain_all()

    first = HookedSender("a", stall)
    with caplog.at_level(logging.WARNING, logger="vigia.outbox"):
        stats = await drainer(db, first).drain_once()

    assert other.sent == ["a", "b", "c"] and first.sent == ["a"]
    assert stats.sent == 0 and stats.lost == 3
    assert await statuses(db) == {t: ("sent", f"b-{i + 1}") for i, t in enumerate("abc")}
    assert "not marked sent by this one" in caplog.text
    assert "claimed by another sender" in caplog.text


async def test_stop_finishes_the_message_in_flight_and_hands_back_the_rest(
    db: Database, clock: FakeClock
) -> None:
    await add_alerts(db, ChatRef("console", ""), ["a", "b", "c", "d"])
    await add_alerts(db, ChatRef("console", "2"), ["e", "f"])
    on_the_wire = asyncio.Event()
    go_on = asyncio.Event()

    async def hold_b(alert: Alert) -> None:
        if alert.posting.title == "b":
            on_the_wire.set()
            await go_on.wait()

    sender = HookedSender("a", hold_b)
    draining = drainer(db, sender)
    run = asyncio.create_task(draining.drain_once())
    await on_the_wire.wait()
    draining.stop()  # SIGTERM
    go_on.set()
    stats = await run

    sent = set(sender.sent)
    assert {"a", "b"} <= sent and not {"c", "d"} & sent  # b was on the wire: finished
    assert stats.sent == len(sent) and stats.stopped == 6 - len(sent)
    now = clock.now
    rows = await db.fetchall("SELECT status, next_attempt_at, claimed_until FROM outbox")
    assert Counter(row[0] for row in rows) == {"sent": len(sent), "pending": 6 - len(sent)}
    assert all(row[1] <= now and row[2] is None for row in rows if row[0] == "pending")
    assert await draining.drain_once() == type(stats)()  # a stopped drainer claims nothing

    after = HookedSender("next")
    await drainer(db, after).drain_all()  # the next start sends the rest, at once
    assert sorted(sender.sent + after.sent) == ["a", "b", "c", "d", "e", "f"]


async def test_a_drain_cancelled_mid_send_records_what_went_out_and_hands_back_the_rest(
    db: Database, clock: FakeClock
) -> None:
    """The stop's grace ran out: the drain task is cancelled while its message is being
    recorded. The record is still written; the rows no send started on are pending."""
    await add_alerts(db, ChatRef("console", ""), ["a", "b", "c"])
    sent_a = asyncio.Event()

    class RecordOnce(HookedSender):
        async def send(self, alert: Deliverable) -> SendOutcome:
            outcome = await super().send(alert)
            sent_a.set()
            return outcome

    sender = RecordOnce("a")
    run = asyncio.create_task(drainer(db, sender).drain_once())
    await sent_a.wait()
    run.cancel()  # lands on the `mark_sent` that follows the send
    with pytest.raises(asyncio.CancelledError):
        await run
    assert sender.sent == ["a"]
    pending = ("pending", None)
    assert await statuses(db) == {"a": ("sent", "a-1"), "b": pending, "c": pending}
