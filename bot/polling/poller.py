"""One poll of one source: payload → postings → new ones → score → match → outbox.

Sending (the User-Agent, the per-host and overall limits, the size cap, the translation of
httpx's errors) is `bot.polling.fetch.Fetcher`'s; this module decides what a response means
and stores what the poll learned.

Everything a poll learns is written in one transaction: the new postings, their verdicts, the
outbox rows and the source's validators. A poll that fails half way writes nothing, so the
next poll sees the same postings as new again and nothing is lost or half-alerted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from bot.config import PollingSettings
from bot.errors import SourceError, SourceHTTPError
from bot.logs import ids
from bot.metrics import count_poll
from bot.models import Posting, Verdict
from bot.polling.cpu import (
    AWAY_MIN_BYTES,
    INLINE_MAX_BYTES,
    START_AT_POSTINGS,
    CpuWorker,
)
from bot.polling.cpu_tasks import Kit, assess, parse_page
from bot.polling.fetch import Fetcher, parse_retry_after
from bot.polling.gc_pause import no_full_collections
from bot.polling.json_pieces import PIECES_MIN_BYTES
from bot.polling.source import Page, Source, SourceState
from bot.polling.writes import MAX_BATCH, GroupWriter, PollWrite, Written, write_batch
from bot.postings.matching import Matcher
from bot.postings.relevance import RelevanceFilter
from bot.scam import ScamChecker
from bot.store import Database
from bot.store import postings as postings_store
from bot.store import sightings as sightings_store
from bot.store import sources as sources_store

log = logging.getLogger("vigia.poll")
UNCHANGED_BATCH = 64
PRUNE_EVERY_S = 3600.0


@dataclass(slots=True)
class PollResult:
    source: str
    status: str  # "200", "304", "unchanged", "skipped", "error: ..."
    seen: int = 0
    new: int = 0
    relevant: int = 0
    alerts: int = 0
    first_poll: bool = False
    #: When the source is due again, as the poll recorded it (None when nothing was recorded).
    next_poll_at: float | None = None
    new_postings: list[Posting] = field(default_factory=list)
    #: Each new posting's verdict; None for the postings that are not about AI-training work
    #: (they are not scored).
    verdicts: dict[str, Verdict | None] = field(default_factory=dict)


def _first_poll_note(result: PollResult, *, alert_on_first_poll: bool) -> str:
    """What the poll line says about a source's first poll: its postings were only recorded,
    unless `alert_on_first_poll` let them alert like any other poll's."""
    if not result.first_poll or not result.new or alert_on_first_poll:
        return ""
    return " (first poll: recorded, not alerted)"


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def next_due_at(due_at: float | None, started_at: float, interval_s: float) -> float:
    """When a source polled at `started_at` is due again: one interval after it was *due*,
    not after the poll ended, or the next scheduled run would land just before it and be
    skipped (every source polled once per two intervals). A poll more than an interval late
    starts a new phase instead of being run twice in a row."""
    base = started_at if due_at is None else min(due_at, started_at)
    next_at = base + interval_s
    return next_at if next_at > started_at else started_at + interval_s


def backoff_s(failures: int, *, interval_s: float, max_backoff_s: float) -> float:
    """Exponential: interval × 2^(failures-1), capped."""
    return float(min(max_backoff_s, interval_s * 2 ** max(0, failures - 1)))


class Poller:
    def __init__(
        self,
        *,
        db: Database,
        http: httpx.AsyncClient,
        checker: ScamChecker,
        relevance: RelevanceFilter,
        settings: PollingSettings,
        matcher: Matcher | None = None,
        clock: Callable[[], float] = time.time,
        worker_process_at: int | None = START_AT_POSTINGS,
    ) -> None:
        """`worker_process_at`: postings handed off within a few seconds that start the CPU
        worker process (`bot.polling.cpu`); None: never one."""
        self._db = db
        self._checker = checker
        self._settings = settings
        self._matcher = matcher or Matcher()
        self._fetcher = Fetcher(http, settings)
        self._clock = clock
        self._cpu = CpuWorker(Kit(checker, relevance), start_at_postings=worker_process_at)
        self._horizon_s = settings.sightings_horizon_days * 86_400.0
        self._writer: GroupWriter[PollWrite, Written] = GroupWriter(
            functools.partial(write_batch, db, matcher=self._matcher, horizon_s=self._horizon_s),
            max_batch=MAX_BATCH,
        )
        self._pruned_at: float | None = None
        self._running: set[str] = set()
        # The poller is the only writer of source rows, so it keeps a copy of each, updated as
        # it writes: a poll then reads nothing from the store. A failure drops the copy, and
        # the next poll reads the row again.
        self._rows: dict[str, sources_store.SourceRow] = {}
        # Health updates of polls that found nothing new, written together when the burst of
        # polls in flight ends (or the batch fills): a cycle of 500 boards answering 304 is
        # then a handful of statements, not 500. Losing them in a crash only makes the next
        # poll come early.
        self._unchanged: list[sources_store.Unchanged] = []

    async def preload(self, sources: Sequence[Source]) -> dict[str, sources_store.SourceRow]:
        """A row for each source, created and read in two statements and kept, so the first
        poll of each after a start does not write and read its row on its own; by name."""
        await sources_store.ensure_sources(self._db, [(s.name, s.kind) for s in sources])
        rows = {row.name: row for row in await sources_store.list_sources(self._db)}
        for name, row in rows.items():
            self._rows.setdefault(name, row)
        return rows

    def adopt(self, row: sources_store.SourceRow) -> None:
        """Use `row` as the source's state: with several workers, another one may have
        polled the source since this process last did, so its cached copy is stale."""
        self._forget(row.name)
        self._rows[row.name] = row

    def close(self) -> None:
        """Stop the CPU worker thread (a slice in progress finishes by itself) and process."""
        self._cpu.close()

    @property
    def cpu_process_id(self) -> int | None:
        """The CPU worker process's id while one runs (for benchmarks to read its CPU)."""
        return self._cpu.process_id

    async def aclose(self) -> None:
        """`close`, and wait (about a second at most) for the worker process to exit."""
        await self._cpu.aclose()

    async def poll(
        self,
        source: Source,
        *,
        interval_s: float,
        force: bool = False,
        due_at: float | None = None,
    ) -> PollResult:
        """Poll `source` if it is due (or `force`); never raises for a source's failure.

        `due_at` is when the scheduler meant this poll to run: the next one is due one
        interval after it (see `next_due_at`); without it, one interval after the start."""
        if source.name in self._running:
            return PollResult(source.name, "skipped")
        self._running.add(source.name)
        try:
            return await self._poll(source, interval_s=interval_s, force=force, due_at=due_at)
        finally:
            self._running.discard(source.name)
            if self._unchanged and (not self._running or len(self._unchanged) >= UNCHANGED_BATCH):
                await self.flush()

    async def _prune_sightings(self) -> None:
        """Forget the sightings not seen within the horizon, at most once an hour."""
        now = self._clock()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY_S:
            return
        self._pruned_at = now
        pruned = await sightings_store.prune(self._db, before=now - self._horizon_s)
        if pruned:
            log.info("forgot %d sightings not seen for %d days", pruned, self._horizon_s // 86_400)

    async def flush(self) -> None:
        """Write the buffered health of unchanged polls."""
        polls, self._unchanged = self._unchanged, []
        if polls:
            await sources_store.record_unchanged(self._db, polls)

    async def _poll(
        self, source: Source, *, interval_s: float, force: bool, due_at: float | None
    ) -> PollResult:
        row = await self._row(source)
        if row.disabled_at is not None:
            # Read again: `python -m bot sources --enable` may have enabled it meanwhile.
            self._forget(source.name)
            row = await self._row(source)
            if row.disabled_at is not None:
                return PollResult(source.name, "disabled")
        now = self._clock()
        if not force and row.next_poll_at is not None and row.next_poll_at > now:
            return PollResult(source.name, "skipped", next_poll_at=row.next_poll_at)
        started = time.perf_counter()
        next_poll_at = next_due_at(due_at, now, interval_s)
        try:
            result = await self._fetch_and_store(source, row, next_poll_at=next_poll_at)
        except SourceError as exc:
            count_poll(source.name, "error")
            return await self._record_failure(source, row, exc, interval_s=interval_s)
        count_poll(
            source.name,
            "ok" if result.status.isdigit() and result.status != "304" else "unchanged",
            new=result.new,
            levels=[
                (verdict.level.value if verdict.scored else "unscored")
                for verdict in result.verdicts.values()
                if verdict is not None
            ],
        )
        log.info(
            "poll %s status=%s seen=%d new=%d relevant=%d alerts=%d%s in %.2fs",
            source.name,
            result.status,
            result.seen,
            result.new,
            result.relevant,
            result.alerts,
            _first_poll_note(result, alert_on_first_poll=self._settings.alert_on_first_poll),
            time.perf_counter() - started,
            extra=ids(source=source.name),
        )
        return result

    async def _row(self, source: Source) -> sources_store.SourceRow:
        row = self._rows.get(source.name)
        if row is None:
            await sources_store.ensure_source(self._db, source.name, source.kind)
            read = await sources_store.get_source(self._db, source.name)
            assert read is not None
            # The cached row shares the source's own name and kind strings rather than keep
            # the copies the database handed back (~120 bytes a source at 10,000 sources).
            kind = source.kind if read.kind == source.kind else read.kind
            row = dataclasses.replace(read, name=source.name, kind=kind)
            self._rows[source.name] = row
        return row

    def _forget(self, name: str) -> None:
        """Drop what the poller holds for a source before writing its row another way: the
        cached copy, and a buffered unchanged poll that a later flush would write over it."""
        self._rows.pop(name, None)
        self._unchanged = [poll for poll in self._unchanged if poll.name != name]

    async def _record_unchanged(
        self, row: sources_store.SourceRow, status: str, *, now: float, next_poll_at: float
    ) -> PollResult:
        self._unchanged.append(sources_store.Unchanged(row.name, status, now, next_poll_at))
        self._rows[row.name] = dataclasses.replace(
            row,
            last_poll_at=now,
            last_status=status,
            consecutive_failures=0,
            next_poll_at=next_poll_at,
            first_poll_done=True,
        )
        return PollResult(row.name, status, next_poll_at=next_poll_at)

    async def _record_failure(
        self, source: Source, row: sources_store.SourceRow, exc: SourceError, *, interval_s: float
    ) -> PollResult:
        self._forget(source.name)
        now = self._clock()
        failures = row.consecutive_failures + 1
        delay_s = backoff_s(
            failures, interval_s=interval_s, max_backoff_s=self._settings.max_backoff_s
        )
        if isinstance(exc, SourceHTTPError) and exc.retry_after_s is not None:
            delay_s = min(self._settings.max_backoff_s, max(delay_s, exc.retry_after_s))
        status = f"error: {exc}".replace(f"{source.name}: ", "")
        failures, disabled = await sources_store.record_failure(
            self._db,
            source.name,
            status=status,
            reason=exc.reason,
            now=now,
            next_poll_at=now + delay_s,
            disable_after=self._settings.disable_after_failures,
        )
        if disabled:
            log.error(
                "source %s disabled after %d failures in a row (last: %s); "
                "python -m bot sources --enable %s polls it again",
                source.name,
                failures,
                status,
                source.name,
                extra=ids(source=source.name),
            )
            return PollResult(source.name, "disabled")
        log.warning(
            "poll %s failed (%s); failure %d in a row, next try in %.0fs",
            source.name,
            status,
            failures,
            delay_s,
            extra=ids(source=source.name),
        )
        return PollResult(source.name, status, next_poll_at=now + delay_s)

    async def _fetch_and_store(
        self, source: Source, row: sources_store.SourceRow, *, next_poll_at: float
    ) -> PollResult:
        state = SourceState(etag=row.etag, last_modified=row.last_modified)
        response = await self._fetcher.send(source, source.first_request(state))
        now = self._clock()
        if response.status_code == 304:
            return await self._record_unchanged(row, "304", now=now, next_poll_at=next_poll_at)
        if not response.is_success:
            retry_after_s = parse_retry_after(response.headers.get("retry-after"), now=now)
            raise SourceHTTPError(source.name, response.status_code, retry_after_s)
        # Interned: every source's cached row names its last status, nearly always "200".
        status = sys.intern(str(response.status_code))
        etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
        body_sha256 = (
            _sha256(response.content)
            if len(response.content) <= INLINE_MAX_BYTES
            else await self._cpu.run_here(_sha256, response.content)
        )
        if body_sha256 == row.body_sha256:
            return await self._record_unchanged(
                row, "unchanged", now=now, next_poll_at=next_poll_at
            )
        self._forget(source.name)
        # While a big payload and its postings are in memory, full garbage collections wait.
        big = len(response.content) >= PIECES_MIN_BYTES
        with no_full_collections() if big else contextlib.nullcontext():
            page = await self._parse(source, response)
            del response  # the payload is held only while it is read
            postings = await self._collect(source, page)
            del page
            result = await self._store(
                source,
                postings,
                first_poll=not row.first_poll_done,
                validators=(etag, last_modified),
                body_sha256=body_sha256,
                status=status,
                next_poll_at=next_poll_at,
            )
            result.next_poll_at = next_poll_at
            self._rows[source.name] = dataclasses.replace(
                row,
                etag=etag,
                last_modified=last_modified,
                body_sha256=body_sha256,
                last_poll_at=now,
                last_status=result.status,
                consecutive_failures=0,
                next_poll_at=next_poll_at,
                postings_seen=row.postings_seen + result.new,
                first_poll_done=True,
            )
            return result

    async def _parse(self, source: Source, response: httpx.Response) -> Page:
        """On the loop for a small body; on the first free lane for a bigger one (from
        `AWAY_MIN_BYTES` while the worker process runs); a body of a megabyte or more on
        the CPU thread, where it is decoded a piece at a time."""
        size = len(response.content)
        if size >= PIECES_MIN_BYTES:
            return await self._cpu.run_here(source.parse, response)
        if size > INLINE_MAX_BYTES or (self._cpu.sharing and size >= AWAY_MIN_BYTES):
            return await self._cpu.run(parse_page, source, response)
        return source.parse(response)

    async def _collect(self, source: Source, page: Page) -> list[Posting]:
        """The first page's postings and those of the pages it links, up to `max_pages`."""
        postings = list(page.postings)
        pages = 1
        while page.next_request is not None and pages < self._settings.max_pages:
            response = await self._fetcher.send(source, page.next_request)
            if not response.is_success:
                raise SourceHTTPError(
                    source.name,
                    response.status_code,
                    parse_retry_after(response.headers.get("retry-after"), now=self._clock()),
                )
            page = await self._parse(source, response)
            del response
            postings.extend(page.postings)
            pages += 1
        return postings

    async def _store(
        self,
        source: Source,
        postings: list[Posting],
        *,
        first_poll: bool,
        validators: tuple[str | None, str | None],
        body_sha256: str,
        status: str,
        next_poll_at: float,
    ) -> PollResult:
        result = PollResult(source.name, status, seen=len(postings), first_poll=first_poll)
        # A source's postings are stored with its first successful poll, never before.
        known = (
            await postings_store.known_native_ids(self._db, source.name)
            if not first_poll
            else set()
        )
        fresh: dict[str, Posting] = {}
        for posting in postings:
            if posting.native_id not in known:
                fresh.setdefault(posting.native_id, posting)
        alerting = not first_poll or self._settings.alert_on_first_poll
        # Score outside the transaction (CPU work must not hold the write lock), and off the
        # loop when there is much of it.
        assessed = await self._cpu.map_sliced(assess, list(fresh.values()))
        scored = [(posting, verdict is not None) for posting, verdict, _ in assessed]
        keys = [key for _, _, key in assessed]
        verdicts = {
            posting.native_id: verdict for posting, verdict, _ in assessed if verdict is not None
        }
        del fresh, assessed
        fresh_postings = [posting for posting, _ in scored]
        written = await self._writer.submit(
            PollWrite(
                source=source.name,
                scored=scored,
                verdicts=verdicts,
                alerting=alerting,
                status=status,
                etag=validators[0],
                last_modified=validators[1],
                body_sha256=body_sha256,
                next_poll_at=next_poll_at,
                keys=keys,
                still_listed=sorted({p.native_id for p in postings if p.native_id in known}),
            )
        )
        await self._prune_sightings()
        result.alerts = written.alerts
        result.relevant = written.relevant
        result.new = len(scored)
        result.new_postings = fresh_postings
        result.verdicts = {p.native_id: verdicts.get(p.native_id) for p in fresh_postings}
        return result
