"""Stopping the scheduler's jobs in order, and the drain's health, as the runner uses them."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from bot.config import OutboxSettings
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import Delivered, SendOutcome
from bot.jobs import JobWatch, stop_in_order
from bot.models import ChatRef, Deliverable, Filter, Posting, RiskLevel, Verdict
from bot.polling.scheduler import build_scheduler
from bot.store import Database
from bot.store import subscriptions as subscriptions_store
from tests.conftest import FakeClock
from tests.pipeline_helpers import greenhouse, make_poller, store_postings, table_count
from tests.process_helpers import stalled_server


class GatedSender:
    """Delivers each alert only when the test opens the gate; says when a send began."""

    platform = "console"

    def __init__(self) -> None:
        self.sending = asyncio.Event()
        self.gate = asyncio.Event()
        self.sent: list[int] = []

    async def send(self, alert: Deliverable) -> SendOutcome:
        self.sending.set()
        await self.gate.wait()
        self.sent.append(alert.id)
        return Delivered(f"m{alert.id}")


async def test_stop_cancels_polls_and_lets_the_send_in_flight_be_recorded(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    subscription = await subscriptions_store.add_subscription(
        db, ChatRef("console", ""), Filter(), language="en"
    )
    posting = Posting(source="t", native_id="1", url="https://x.test/1", title="AI Trainer")
    await store_postings(db, [posting], Verdict(risk=0, level=RiskLevel.OK), subscription)
    sender = GatedSender()
    async with stalled_server() as board, httpx.AsyncClient() as http:
        scheduler = build_scheduler(
            poller=make_poller(db, http, clock),
            sources=[(greenhouse(board.url), 600)],
            drainer=OutboxDrainer(db, {"console": sender}, settings=OutboxSettings()),
            jitter_s=0,
            drain_interval_s=60,
        )
        watch = JobWatch(drain_stale_s=600)
        watch.watch(scheduler.jobs)
        await scheduler.start()
        await board.connected.wait()  # a poll is waiting on a board that never answers
        await sender.sending.wait()  # and an alert is being sent
        stopping = asyncio.create_task(
            stop_in_order(scheduler, watch, drain_grace_s=60, polls_timeout_s=60)
        )
        await board.dropped.wait()  # the poll was cancelled
        assert not stopping.done()  # while the send in flight is still awaited
        sender.gate.set()
        await stopping
    assert not scheduler.polls.running and not scheduler.jobs.running
    assert sender.sent and await table_count(db, "outbox", "sent_at IS NOT NULL") == 1
    assert not watch.running()
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage() for r in crashes]


async def test_the_drain_is_down_when_it_fails_or_stops_finishing() -> None:
    now = [0.0]
    watch = JobWatch(drain_stale_s=300, clock=lambda: now[0])
    assert watch.drain_state().up  # just started

    async def failing_drain() -> None:
        raise RuntimeError("database is locked")

    async def drain() -> None:
        return None

    with pytest.raises(RuntimeError):
        await watch.wrap("outbox", failing_drain)()
    state = watch.drain_state()
    assert not state.up and "RuntimeError" in state.detail

    await watch.wrap("outbox", drain)()
    assert watch.drain_state().up
    now[0] += 301
    state = watch.drain_state()
    assert not state.up and "no drain finished for 301s" in state.detail
