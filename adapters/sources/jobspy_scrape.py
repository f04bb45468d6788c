"""The fetch half of the jobspy kind: an httpx transport that runs python-jobspy's scrape.

The poller's client mounts `JobSpyTransport` for `jobspy://` addresses, so a jobspy source
is polled exactly like an HTTP one (per-source backoff, `max_pages`, the unchanged-body
check), while the scrape itself runs in a worker thread (`asyncio.to_thread`): the event
loop, and with it the chats and the other sources, never waits on it.

python-jobspy reports most trouble by logging and returning fewer rows, not by raising (its
scrapers log "429 Response - Blocked by LinkedIn…", "responded with status code: 403",
"forbidden cf-waf"… and go on). So its log lines are captured while a scrape runs (and kept
off the console), and what they say decides the outcome, one `ScrapeError` per poll, which
the poller logs as one line and backs off from:

- `ScrapeBlocked`: no rows, and a site said 403/429 or showed a bot check;
- `ScrapeEmpty`: no rows and no reason given; sites answer bot checks with empty pages as
  often as a search finds nothing, and an hourly search for AI-training work always finds
  something, so an empty result is a failure to retry later, not "no jobs";
- `ScrapeFailed`: python-jobspy raised, the scrape outran its time, the previous scrape is
  still running, or python-jobspy is not installed.

Rows from the sites that answered are kept even when another site blocked: that is one
warning line, and the poll goes on. One scrape runs at a time (the log capture is process-
wide, and the sites are kinder to a slower scraper): the searches of other jobspy sources,
started by the scheduler at the same moment, wait their turn without holding a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.sources.jobspy_source import EXTRA_HINT, JobSpySearch
from bot.errors import SourceError

__all__ = [
    "SCRAPE_TIMEOUT_S",
    "JobSpyTransport",
    "ScrapeBlocked",
    "ScrapeEmpty",
    "ScrapeError",
    "ScrapeFailed",
]

log = logging.getLogger("vigia.jobspy")

#: The longest one scrape may take. LinkedIn alone waits 3–7 s between its pages.
SCRAPE_TIMEOUT_S = 600.0
#: What python-jobspy's loggers are named: "JobSpy:LinkedIn", "JobSpy:Indeed", …
_JOBSPY_LOGGER_PREFIX = "JobSpy:"
#: Words in a log line or an error that mean a site refused the scraper.
_BLOCKED_RE = re.compile(
    r"\b(?:403|429)\b|blocked|forbidden|captcha|cloudflare|cf-waf|too many requests|"
    r"access denied|just a moment|bot[- ]?(?:check|protection|detect)|rate[- ]?limit",
    re.IGNORECASE,
)
_MESSAGE_CHARS = 200
#: One scrape at a time, process-wide; held by the worker thread for the whole scrape, so a
#: scrape that outran its time still blocks the next until its thread ends.
_SCRAPE_LOCK = threading.Lock()

ScrapeFunction = Callable[..., Any]


class ScrapeError(SourceError):
    """python-jobspy gave no usable result for a search; the poller backs the source off."""


class ScrapeBlocked(ScrapeError):
    """A site refused the scrape (HTTP 403 or 429, a bot check) and no site gave rows."""

    reason = "blocked"


class ScrapeEmpty(ScrapeError):
    """The scrape gave no rows and no reason: a silent block as often as an empty search."""

    reason = "empty"


class ScrapeFailed(ScrapeError):
    """python-jobspy raised, timed out, is busy with the previous scrape, or is missing."""

    reason = "scrape"


@dataclass(slots=True)
class _Outcome:
    """What one scrape left, gathered in the worker thread."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    #: ("LinkedIn", logging level, message) for each line python-jobspy logged.
    lines: list[tuple[str, int, str]] = field(default_factory=list)
    error: BaseException | None = None
    busy: bool = False


class JobSpyTransport(httpx.AsyncBaseTransport):
    """Answers `jobspy://` requests with the rows of the search their address describes.

    `scrape` stands in for `jobspy.scrape_jobs` (tests pass a fake); by default python-jobspy
    is imported on the first scrape.
    """

    def __init__(
        self, *, scrape: ScrapeFunction | None = None, timeout_s: float = SCRAPE_TIMEOUT_S
    ) -> None:
        self._scrape = scrape
        self._timeout_s = timeout_s
        #: Whose turn it is to scrape; waiting for it takes no thread.
        self._turn = asyncio.Lock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            source, search = JobSpySearch.from_url(str(request.url))
        except ValueError as exc:
            raise ScrapeFailed("jobspy", f"bad search address: {exc}") from None
        rows = await self._rows(source, search)
        body = json.dumps(rows, ensure_ascii=False, allow_nan=False).encode()
        headers = {"Content-Type": "application/json"}
        return httpx.Response(200, headers=headers, content=body, request=request)

    async def _rows(self, source: str, search: JobSpySearch) -> list[dict[str, Any]]:
        """The search's rows, once the scrapes before it are done: each may take
        `timeout_s` to get its turn and as long again to run."""
        try:
            await asyncio.wait_for(self._turn.acquire(), self._timeout_s)
        except TimeoutError:
            raise ScrapeFailed(
                source, f"another search's scrape kept it waiting {self._timeout_s:.0f}s"
            ) from None
        try:
            outcome = await asyncio.wait_for(
                asyncio.to_thread(_run_scrape, self._scrape, search), self._timeout_s
            )
        except TimeoutError:
            raise ScrapeFailed(source, f"no result in {self._timeout_s:.0f}s") from None
        finally:
            self._turn.release()
        return _judge(source, outcome)


def _run_scrape(scrape: ScrapeFunction | None, search: JobSpySearch) -> _Outcome:
    """The scrape, in a worker thread: its rows as plain JSON values, or what went wrong.

    python-jobspy is imported here too, the first time: pandas takes a second to load, and
    that second must not be the event loop's.
    """
    if not _SCRAPE_LOCK.acquire(blocking=False):
        return _Outcome(busy=True)
    outcome = _Outcome()
    try:
        run = scrape or _import_scrape_jobs()
        with _jobspy_log_captured(outcome.lines):
            frame = run(**search.scrape_kwargs())
        outcome.rows = _records(frame)
    except Exception as exc:  # python-jobspy's, requests', pandas' errors: all one failure
        outcome.error = exc
    finally:
        _SCRAPE_LOCK.release()
    return outcome


def _import_scrape_jobs() -> ScrapeFunction:
    from jobspy import scrape_jobs

    function: ScrapeFunction = scrape_jobs
    return function


def _judge(source: str, outcome: _Outcome) -> list[dict[str, Any]]:
    """The rows, or the one ScrapeError that says why there are none."""
    if outcome.busy:
        raise ScrapeFailed(source, "the previous scrape is still running")
    blocked = [line for line in outcome.lines if _BLOCKED_RE.search(line[2])]
    if isinstance(outcome.error, ImportError):
        raise ScrapeFailed(source, f"{EXTRA_HINT} ({outcome.error})")
    if outcome.error is not None:
        message = _one_line(f"{type(outcome.error).__name__}: {outcome.error}")
        if _BLOCKED_RE.search(message):
            raise ScrapeBlocked(source, f"blocked ({message})")
        raise ScrapeFailed(source, message)
    if not outcome.rows:
        if blocked:
            raise ScrapeBlocked(source, f"no results; blocked: {_lines(blocked)}")
        trouble = [line for line in outcome.lines if line[1] >= logging.WARNING]
        if trouble:
            raise ScrapeFailed(source, f"no results: {_lines(trouble)}")
        raise ScrapeEmpty(source, "no results (often a block the site does not name)")
    if blocked:
        log.warning(
            "jobspy %s: %d results; some sites blocked the scrape: %s",
            source,
            len(outcome.rows),
            _lines(blocked),
        )
    return outcome.rows


def _lines(lines: list[tuple[str, int, str]]) -> str:
    """The first captured lines, one per site, as one short line."""
    seen: dict[str, str] = {}
    for site, _, message in lines:
        seen.setdefault(site, _one_line(message, 120))
    return "; ".join(f"{site}: {message}" for site, message in list(seen.items())[:3])


def _one_line(text: str, limit: int = _MESSAGE_CHARS) -> str:
    """`text` on one line, cut: python-jobspy's messages may hold a whole HTML error page."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# -- python-jobspy's logging -----------------------------------------------------------------


class _LineCollector(logging.Handler):
    def __init__(self, lines: list[tuple[str, int, str]]) -> None:
        super().__init__(logging.INFO)
        self._lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string in someone else's log call
            message = str(record.msg)
        site = record.name.removeprefix(_JOBSPY_LOGGER_PREFIX)
        self._lines.append((site, record.levelno, message))


@contextlib.contextmanager
def _jobspy_log_captured(lines: list[tuple[str, int, str]]) -> Iterator[None]:
    """python-jobspy's log lines go to `lines` (and not to the console) while the block runs.

    Its loggers ("JobSpy:Indeed", …) do not propagate and carry their own console handler,
    so theirs are swapped for a collector and put back after. They are made when jobspy is
    imported, which happens before a scrape.
    """
    collector = _LineCollector(lines)
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith(_JOBSPY_LOGGER_PREFIX)
    ]
    saved = [(logger, logger.handlers[:], logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.handlers = [collector]
        logger.propagate = False
    try:
        yield
    finally:
        for logger, handlers, propagate in saved:
            logger.handlers = handlers
            logger.propagate = propagate


# -- result rows -----------------------------------------------------------------------------


def _records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows (or a list of row mappings) as plain JSON values.

    pandas holds missing values as NaN or NaT, dates as `date`/`Timestamp` and numbers as
    numpy scalars; none of those is JSON, so each becomes None, an ISO string or a number.
    """
    if frame is None:
        return []
    to_dict = getattr(frame, "to_dict", None)
    records = to_dict(orient="records") if callable(to_dict) else frame
    if not isinstance(records, list):
        raise TypeError(f"scrape_jobs returned {type(frame).__name__}, not a table of rows")
    return [
        {str(key): _plain(value) for key, value in row.items()}
        for row in records
        if isinstance(row, Mapping)
    ]


def _plain(value: Any) -> Any:
    """One cell as a JSON value."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas' missing values
        return None
    with contextlib.suppress(Exception):
        if value != value:  # NaN-likes: pandas' NaT and NA, numpy's nan
            return None
    item = getattr(value, "item", None)  # a numpy scalar: its Python value
    if callable(item):
        with contextlib.suppress(Exception):
            return _plain(item())
    isoformat = getattr(value, "isoformat", None)  # date, datetime, pandas Timestamp
    if callable(isoformat):
        with contextlib.suppress(Exception):
            return str(isoformat())
    return str(value)
