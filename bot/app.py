"""Wires settings into running parts: the store, the checkers, the poller, the senders.

Both the long-running bot and the one-shot commands build their parts here, so `poll --once`
exercises exactly the code path `run` does.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from adapters.http.aiohttp_transport import AiohttpTransport, SourceClient
from adapters.sources import build_source, source_transports
from bot.config import Settings, source_interval_s, source_name
from bot.delivery.digest import DigestMaker
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import Sender
from bot.delivery.pacing import Pacer, StoreBudget
from bot.errors import ConfigError
from bot.health import HealthRegistry
from bot.links.addresses import AddressGuard
from bot.links.checker import LegitChecker
from bot.links.safefetch import FetchLimits, SafeFetcher
from bot.models import ChatRef, Filter, Pay, PayPeriod
from bot.polling.poller import Poller
from bot.polling.source import Source
from bot.postings.relevance import RelevanceFilter
from bot.scam import Reputation, ScamChecker
from bot.services import Services
from bot.services.ratelimit import SlidingWindowLimiter
from bot.store import Database, open_database
from bot.store import budget as budget_store
from bot.store import linkchecks as linkchecks_store
from bot.store import outbox as outbox_store
from bot.store import scripts as scripts_store
from bot.store import subscriptions as subscriptions_store

log = logging.getLogger("vigia.app")

#: A send budget key whose next slot is this far past holds nothing back: forgotten.
BUDGET_KEEP_S = 3600.0


@dataclass
class App:
    settings: Settings
    db: Database
    http: httpx.AsyncClient
    fetcher: SafeFetcher
    checker: ScamChecker
    linkchecker: LegitChecker
    poller: Poller
    services: Services
    sources: list[tuple[Source, int]] = field(default_factory=list)
    #: Where the running parts report their state (`/healthz`, `python -m bot health`).
    health: HealthRegistry = field(default_factory=HealthRegistry)
    #: Every send takes a slot in the platforms' budgets here first (`bot.delivery.pacing`).
    pacer: Pacer = field(default_factory=Pacer)

    def digest_maker(self, senders: Mapping[str, Sender]) -> DigestMaker:
        """Makes the due digests of the chats these senders reach, cut to their messages."""
        return DigestMaker(self.db, senders)

    def drainer(self, senders: dict[str, Sender], *, holder: str | None = None) -> OutboxDrainer:
        """The outbox drainer; `holder` (the worker's id) is written on the rows it claims."""
        return OutboxDrainer(
            self.db, senders, settings=self.settings.outbox, pacer=self.pacer, holder=holder
        )

    async def housekeeping(self) -> None:
        """Hourly: forget cached link checks older than their time to live, the shared send
        budget's keys that hold nothing back any more, and alerts sent longer ago than
        `outbox.keep_sent_days` (so a bot that runs for months keeps a bounded outbox)."""
        now = self.db.clock()
        await linkchecks_store.prune(
            self.db, max_age_s=self.settings.linkcheck.cache_ttl_s, now=now
        )
        await budget_store.prune(self.db, before=now - BUDGET_KEEP_S)
        keep_s = self.settings.outbox.keep_sent_days * 86_400
        if pruned := await outbox_store.prune(self.db, before=now - keep_s):
            log.info(
                "forgot %d alerts sent more than %d days ago",
                pruned,
                self.settings.outbox.keep_sent_days,
            )

    async def aclose(self) -> None:
        await self.poller.aclose()
        await self.linkchecker.aclose()
        if self.checker.reputation is not None:
            await self.checker.reputation.aclose()
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
            options=entry.jobspy.model_dump(exclude_none=True) if entry.jobspy else None,
        )
        built.append((source, source_interval_s(entry, settings.polling)))
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


async def sync_config_timezones(db: Database, settings: Settings) -> None:
    """Give each chat the time zone its config subscriptions name, when it differs from the
    stored one: setting it again at every start would close the digest period each time,
    and a digest missed while the bot was down would never be made."""
    for entry in settings.subscriptions:
        if entry.timezone is None:
            continue
        chat = ChatRef.parse(entry.chat)
        if await subscriptions_store.chat_timezone(db, chat) != entry.timezone:
            await subscriptions_store.set_chat_timezone(db, chat, entry.timezone)


def build_checker(settings: Settings) -> ScamChecker:
    """The scam checker; online reputation only when the config turns it on."""
    scam = settings.scam
    reputation = None
    if scam.online_reputation:
        reputation = Reputation(
            rdap_base_url=scam.rdap_url, blocklist=read_blocklist(scam.blocklist_file)
        )
    return ScamChecker(caution_at=scam.caution_at, scam_at=scam.scam_at, reputation=reputation)


def read_blocklist(path: str | None) -> list[str]:
    """Blocked URLs or domains, one per line; `#` starts a comment."""
    if path is None:
        return []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError("scam.blocklist_file", f"cannot read {path}: {exc.strerror}") from None
    return [entry for line in lines if (entry := line.split("#", 1)[0].strip())]


async def build_app(settings: Settings) -> App:
    """Open the store, sync config subscriptions and build every core part."""
    checker = build_checker(settings)
    # Before the store opens: a source the config cannot build stops the bot with one line.
    sources = build_sources(settings)
    db = await _open_store(settings.storage.database)
    try:
        await subscriptions_store.sync_config_subscriptions(
            db,
            config_subscriptions(settings),
            [entry.delivery for entry in settings.subscriptions],
        )
        await sync_config_timezones(db, settings)
        for script in await scripts_store.confirmed_scripts(db):
            checker.add_script(script.id, script.text, script.label)
    except BaseException:
        # The store's worker thread would keep the process alive after the error.
        await db.close()
        raise
    polling = settings.polling
    http = SourceClient(
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
            guard=AddressGuard(allow_loopback=polling.allow_loopback),
        ),
        mounts=source_transports(),  # kinds not fetched over HTTP (jobspy's scrapes)
    )
    link = settings.linkcheck
    fetcher = SafeFetcher(
        limits=FetchLimits(
            max_bytes=link.max_bytes,
            total_timeout_s=link.timeout_s,
            max_redirects=link.max_redirects,
        ),
    )
    linkchecker = LegitChecker(
        fetcher=fetcher, checker=checker, db=db, cache_ttl_s=link.cache_ttl_s
    )
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
    services = Services.build(
        db=db,
        linkchecker=linkchecker,
        limiter=SlidingWindowLimiter(max_events=link.checks_per_user, window_s=link.check_window_s),
        configured_sources=[(source.kind, source.name) for source, _ in sources],
    )
    # Several delivery processes share one PostgreSQL database: the platforms' limits are
    # shared through it too. One SQLite process keeps them in memory.
    pacer = Pacer(StoreBudget(db)) if db.dialect == "postgres" else Pacer()
    return App(
        settings, db, http, fetcher, checker, linkchecker, poller, services, sources, pacer=pacer
    )


async def _open_store(database: str) -> Database:
    """The store, or ConfigError naming `storage.database` when it cannot be opened (a folder
    that does not exist, no permission): a config mistake, not a crash."""
    _check_database_folder(database)
    try:
        return await open_database(database)
    except (OSError, sqlite3.Error) as error:
        raise ConfigError("storage.database", f"cannot open {database}: {error}") from None


def _check_database_folder(database: str) -> None:
    """SQLite creates the file, not its folder: a missing folder is the config's mistake."""
    if "://" in database or database == ":memory:":
        return
    folder = Path(database).expanduser().resolve().parent
    if not folder.is_dir():
        raise ConfigError("storage.database", f"folder {folder} does not exist")
