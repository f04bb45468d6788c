"""Check 4 (optional, off by default): online reputation of the posting's domain.

Two lookups: the domain's age from RDAP (a domain registered last week that recruits for a
"global company" is a classic sign), and a URL blocklist (hosts or URLs, one a line, from a
local list and optionally a feed URL). Results are cached; every lookup has a timeout, and the
whole check has a budget (2 s by default) after which whatever is unknown is left out: a
verdict never waits on the network for longer than that.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Final

import httpx
from cachetools import TLRUCache

from bot.models import Signal
from bot.scam.link_parts import parse_link

DEFAULT_RDAP_BASE_URL = "https://rdap.org"
YOUNG_DOMAIN_DAYS = 30
RECENT_DOMAIN_DAYS = 180
_FAILURE_TTL_S = 300.0  # a lookup that failed is not retried for this long


_MISSING: Final = object()


class Reputation:
    """Domain age by RDAP and a URL blocklist, cached, within a time budget."""

    def __init__(
        self,
        *,
        rdap_base_url: str | None = DEFAULT_RDAP_BASE_URL,
        blocklist: Iterable[str] = (),
        blocklist_url: str | None = None,
        timeout_s: float = 2.0,
        cache_ttl_s: float = 24 * 3600.0,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        #: Lookups ask `<rdap_base_url>/domain/<name>` (`[scam] rdap_url` is read as this base).
        self.rdap_base_url = rdap_base_url.rstrip("/") if rdap_base_url else None
        self.blocklist_url = blocklist_url
        self.timeout_s = timeout_s
        self.cache_ttl_s = cache_ttl_s
        self._local_blocklist = frozenset(_normalise_entry(entry) for entry in blocklist if entry)
        self._feed_blocklist: frozenset[str] = frozenset()
        self._feed_expires_at = 0.0
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=True,
            headers={"Accept": "application/rdap+json, application/json"},
        )
        self._owns_client = client is None
        self._clock = clock
        self._now = now
        # A registration date is kept `cache_ttl_s`; a failed lookup only `_FAILURE_TTL_S`.
        self._ages: TLRUCache[str, datetime | None] = TLRUCache(
            maxsize=10_000, ttu=self._expires_at, timer=clock
        )

    def _expires_at(self, _domain: str, registered_at: datetime | None, now: float) -> float:
        return now + (self.cache_ttl_s if registered_at is not None else _FAILURE_TTL_S)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # -- the check ---------------------------------------------------------------------------

    async def signals(self, url: str) -> list[Signal]:
        """Reputation signals for `url`; what is not known within the budget is left out."""
        link = parse_link(url) if url else None
        if link is None:
            return []
        lookups: list[asyncio.Task[list[Signal]]] = [
            asyncio.create_task(self._blocklist_signals(link.host, url))
        ]
        if self.rdap_base_url and not link.is_ip and link.suffix:
            lookups.append(asyncio.create_task(self._age_signals(link.registered)))
        done, pending = await asyncio.wait(lookups, timeout=self.timeout_s)
        for task in pending:
            task.cancel()
        found: list[Signal] = []
        for task in done:
            if not task.cancelled() and task.exception() is None:
                found.extend(task.result())
        return found

    async def domain_age_days(self, domain: str) -> float | None:
        """Days since `domain` was registered, per RDAP; None when unknown."""
        cached = self._ages.get(domain, _MISSING)
        if cached is not _MISSING:
            registered_at = cached if isinstance(cached, datetime) else None
        else:
            registered_at = await self._rdap_registration(domain)
            self._ages[domain] = registered_at
        if registered_at is None:
            return None
        return (self._now() - registered_at).total_seconds() / 86400

    async def is_blocked(self, host: str, url: str) -> str | None:
        """The blocklist entry that covers this host or URL, if any."""
        entries = self._local_blocklist | await self._feed()
        if not entries:
            return None
        normalised_url = _normalise_entry(url)
        if normalised_url in entries:
            return normalised_url
        labels = host.split(".")
        for start in range(len(labels) - 1):
            candidate = ".".join(labels[start:])
            if candidate in entries:
                return candidate
        return None

    # -- parts -------------------------------------------------------------------------------

    async def _age_signals(self, domain: str) -> list[Signal]:
        age_days = await self.domain_age_days(domain)
        if age_days is None or age_days >= RECENT_DOMAIN_DAYS:
            return []
        weight = 30 if age_days < YOUNG_DOMAIN_DAYS else 15
        days = str(max(0, int(age_days)))
        return [
            Signal(
                "domain.young",
                weight,
                f"{domain}: {days} d",
                "signal.domain_young",
                {"domain": domain, "days": days},
            )
        ]

    async def _blocklist_signals(self, host: str, url: str) -> list[Signal]:
        entry = await self.is_blocked(host, url)
        if entry is None:
            return []
        return [
            Signal("domain.blocklisted", 70, entry, "signal.domain_blocklisted", {"entry": entry})
        ]

    async def _rdap_registration(self, domain: str) -> datetime | None:
        try:
            response = await self._client.get(f"{self.rdap_base_url}/domain/{domain}")
            if response.status_code != 200:
                return None
            data = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        for event in data.get("events", ()) if isinstance(data, dict) else ():
            if isinstance(event, dict) and event.get("eventAction") == "registration":
                try:
                    registered = datetime.fromisoformat(str(event.get("eventDate", "")))
                except ValueError:
                    return None
                return registered if registered.tzinfo else registered.replace(tzinfo=UTC)
        return None

    async def _feed(self) -> frozenset[str]:
        """The blocklist feed, fetched at most once per TTL; the last good copy on failure."""
        if not self.blocklist_url or self._clock() < self._feed_expires_at:
            return self._feed_blocklist
        self._feed_expires_at = self._clock() + _FAILURE_TTL_S
        try:
            response = await self._client.get(self.blocklist_url)
        except httpx.HTTPError:
            return self._feed_blocklist
        if response.status_code == 200:
            lines = (line.split("#", 1)[0].strip() for line in response.text.splitlines())
            self._feed_blocklist = frozenset(_normalise_entry(line) for line in lines if line)
            self._feed_expires_at = self._clock() + self.cache_ttl_s
        return self._feed_blocklist


def _normalise_entry(entry: str) -> str:
    """Hosts as lower-case names; URLs without scheme, `www.` or a trailing slash."""
    value = entry.strip().lower()
    for prefix in ("https://", "http://"):
        value = value.removeprefix(prefix)
    value = value.removeprefix("www.")
    return value.rstrip("/")
