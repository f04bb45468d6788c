"""The scheduler's jobs: one per source, never overlapping, jittered; the drain; housekeeping."""

from __future__ import annotations

import httpx

from adapters.sources import build_source
from bot.config import OutboxSettings, PollingSettings, RelevanceSettings
from bot.delivery.drain import OutboxDrainer
from bot.polling.poller import Poller
from bot.polling.scheduler import build_scheduler
from bot.postings.relevance import RelevanceFilter
from bot.scam import ScamChecker
from bot.store import Database


async def housekeeping() -> None:
    return None


async def test_one_non_overlapping_jittered_job_per_source(db: Database) -> None:
    async with httpx.AsyncClient() as http:
        poller = Poller(
            db=db,
            http=http,
            checker=ScamChecker(),
            relevance=RelevanceFilter(RelevanceSettings().keywords),
            settings=PollingSettings(),
        )
        sources = [
            (build_source("greenhouse", board="a", url=None, name=None, company=None), 600),
            (build_source("lever", board="b", url=None, name=None, company=None), 1800),
        ]
        scheduler = build_scheduler(
            poller=poller,
            sources=sources,
            drainer=OutboxDrainer(db, {}, settings=OutboxSettings()),
            jitter_s=30,
            drain_interval_s=2,
            housekeeping=housekeeping,
        )
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"poll:greenhouse:a", "poll:lever:b", "outbox", "housekeeping"}
    poll_a = jobs["poll:greenhouse:a"]
    assert poll_a.max_instances == 1 and poll_a.coalesce
    assert poll_a.trigger.interval.total_seconds() == 600
    assert poll_a.trigger.jitter == 30
    assert jobs["poll:lever:b"].trigger.interval.total_seconds() == 1800
    assert jobs["outbox"].max_instances == 1
