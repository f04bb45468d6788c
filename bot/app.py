"""Wires settings into running parts: the store, the checkers, the poller, the senders.

Both the long-running bot and the one-shot commands build their parts here, so `poll --once`
exercises exactly the code path `run` does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

from adapters.sources import build_source
from adapters.sources.base import Source
from bot.aiohttp_transport import AiohttpTransport
from bot.config import Settings, source_name
from bot.delivery import Sender
from bot.linkcheck import LinkChecker
from bot.models import ChatRef, Filter, Pay, PayPeriod
from bot.outbox import OutboxDrainer
from bot.pipeline import Poller
from bot.relevance import RelevanceFilter
from bot.safefetch import FetchLimits, SafeFetcher
from bot.scam import ScamChecker
from bot.services import Services
from bot.store import Database, open_database
from bot.store import subscriptions as subscriptions_store

log = logging.getLogger("vigia")


@dataclass
class App:
    settings: Settings
    db: Database
    http: httpx.AsyncClient
    fetcher: SafeFetcher
    checker: ScamChecker
    linkchecker: LinkChecker
    poller: Poller
    services: Services
    sources: list[tuple[Source, int]] = field(default_factory=list)

    def drainer(self, senders: dict[str, Sender]) -> OutboxDrainer:
        return OutboxDrainer(self.db, senders, settings=self.settings.outbox)

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.fetcher.aclose()
        await self.db.close()


def build_sources(settings: Settings) -> list[tuple[Source, int]]:
    """Every enabled source with its poll interval in seconds."""
    built = []
    for entry in settings.sources:
        if not entry.enabled:
            continue
        source = build_source(
            entry.kind,
            board=entry.board,
            url=entry.url,
            name=source_name(entry),
            company=entry.company,
        )
        built.append((source, entry.interval_s or settings.polling.default_interval_s))
    return built


def config_subscriptions(settings: Settings) -> list[tuple[ChatRef, Filter, str]]:
    wanted: list[tuple[ChatRef, Filter, str]] = []
    for entry in settings.subscriptions:
        min_pay = (
            Pay(entry.min_pay, entry.min_pay, "", PayPeriod(entry.min_pay_period))
            if entry.min_pay is not None
            else None
        )
        flt = Filter(
            keywords=entry.keywords,
            exclude=entry.exclude,
            regex=entry.regex,
            remote_only=entry.remote_only,
            locations=entry.locations,
            min_pay=min_pay,
            languages=entry.languages,
            sources=entry.sources,
            max_risk=entry.max_risk,
        )
        wanted.append((ChatRef.parse(entry.chat), flt, entry.language))
    return wanted


def build_checker(settings: Settings) -> ScamChecker:
    return ScamChecker(caution_at=settings.scam.caution_at, scam_at=settings.scam.scam_at)


async def build_app(settings: Settings) -> App:
    """Open the store, sync config subscriptions and build every core part."""
    db = await open_database(settings.storage.database)
    await subscriptions_store.sync_config_subscriptions(db, config_subscriptions(settings))
    polling = settings.polling
    http = httpx.AsyncClient(
        timeout=httpx.Timeout(polling.request_timeout_s),
        limits=httpx.Limits(
            max_connections=polling.max_concurrent_requests,
            max_keepalive_connections=polling.max_concurrent_requests,
        ),
        headers={"User-Agent": polling.user_agent},
        follow_redirects=True,
        transport=AiohttpTransport(
            limit=polling.max_concurrent_requests,
            limit_per_host=polling.per_host_concurrency,
            max_body_bytes=polling.max_response_bytes,
        ),
    )
    checker = build_checker(settings)
    link = settings.linkcheck
    fetcher = SafeFetcher(
        limits=FetchLimits(
            max_bytes=link.max_bytes,
            total_timeout_s=link.timeout_s,
            max_redirects=link.max_redirects,
        ),
    )
    linkchecker = LinkChecker(fetcher=fetcher, checker=checker, db=db, cache_ttl_s=link.cache_ttl_s)
    sources = build_sources(settings)
    poller = Poller(
        db=db,
        http=http,
        checker=checker,
        relevance=RelevanceFilter(
            settings.relevance.keywords,
            settings.relevance.exclude,
            enabled=settings.relevance.enabled,
        ),
        settings=polling,
    )
    services = Services(
        db=db,
        linkchecker=linkchecker,
        configured_sources=[(source.kind, source.name) for source, _ in sources],
    )
    return App(settings, db, http, fetcher, checker, linkchecker, poller, services, sources)
