"""Builders for pipeline and outbox tests: a poller over a real store and real checkers."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from adapters.sources import build_source
from bot.config import PollingSettings, RelevanceSettings
from bot.models import ChatRef, Filter, Posting, RiskLevel, Subscription, Verdict
from bot.polling.poller import Poller
from bot.polling.source import Page, Source, SourceState
from bot.postings.relevance import RelevanceFilter
from bot.scam import ScamChecker
from bot.store import Database
from bot.store import outbox as outbox_store
from bot.store import postings as postings_store
from bot.store import subscriptions as subscriptions_store
from tests.conftest import FakeClock


class CountingSource:
    """A real source whose `parse` calls are counted, to prove when parsing was skipped."""

    def __init__(self, inner: Source) -> None:
        self.inner = inner
        self.kind = inner.kind
        self.name = inner.name
        self.parses = 0

    def first_request(self, state: SourceState) -> httpx.Request:
        return self.inner.first_request(state)

    def parse(self, response: httpx.Response) -> Page:
        self.parses += 1
        return self.inner.parse(response)


def greenhouse(url: str, board: str = "acme") -> CountingSource:
    return CountingSource(
        build_source("greenhouse", board=board, url=url, name=None, company=board.title())
    )


@dataclass
class Harness:
    db: Database
    http: httpx.AsyncClient
    poller: Poller
    clock: FakeClock


def make_poller(
    db: Database,
    http: httpx.AsyncClient,
    clock: FakeClock,
    *,
    checker: ScamChecker | None = None,
    **polling: object,
) -> Poller:
    settings = PollingSettings(**polling)
    relevance = RelevanceSettings()
    return Poller(
        db=db,
        http=http,
        checker=checker or ScamChecker(),
        relevance=RelevanceFilter(relevance.keywords, relevance.exclude),
        settings=settings,
        clock=clock,
    )


async def subscribe_console(db: Database, **filter_fields: object) -> None:
    flt = Filter(**filter_fields) if filter_fields else Filter(max_risk=RiskLevel.SCAM)  # type: ignore[arg-type]
    await subscriptions_store.add_subscription(db, ChatRef("console", ""), flt, language="en")


async def store_postings(
    db: Database,
    postings: list[Posting],
    verdict: Verdict,
    subscription: Subscription | None = None,
) -> list[int]:
    """Relevant postings with their checks, and an outbox row each for `subscription`, written
    with the pipeline's own store calls in one transaction; returns the check ids."""
    now = db.clock()
    async with db.transaction() as conn:
        posting_ids = await postings_store.insert_postings(
            conn, [(posting, True, None) for posting in postings], now=now
        )
        check_ids = await postings_store.insert_posting_checks(
            conn,
            [(pid, posting, verdict) for pid, posting in zip(posting_ids, postings, strict=True)],
            now=now,
        )
        if subscription is not None:
            await outbox_store.enqueue_many(
                conn,
                [
                    (pid, cid, subscription.id)
                    for pid, cid in zip(posting_ids, check_ids, strict=True)
                ],
                now=now,
            )
    return check_ids


async def table_count(db: Database, table: str, where: str = "1 = 1") -> int:
    return int(await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE {where}"))


def greenhouse_jobs(jobs: list[dict[str, object]]) -> bytes:
    """A minimal Greenhouse payload from (id, title, content, location) dicts."""
    full = [
        {
            "id": job["id"],
            "title": job["title"],
            "updated_at": "2026-11-20T10:00:00Z",
            "location": {"name": job.get("location", "Remote")},
            "absolute_url": job.get("url", f"https://boards.greenhouse.io/acme/jobs/{job['id']}"),
            "content": job.get("content", "&lt;p&gt;Help us train our models.&lt;/p&gt;"),
            "metadata": None,
            "departments": [],
            "offices": [],
        }
        for job in jobs
    ]
    return json.dumps({"jobs": full, "meta": {"total": len(full)}}).encode()


def posting_titles(postings: list[Posting]) -> list[str]:
    return sorted(p.title for p in postings)
