"""The jobspy kind without python-jobspy: its pure `parse` on recorded-shape result rows, the
transport that runs a (fake) scrape in a worker thread, how blocks and failures become one
SourceError, and the config error that names the extra when it is missing."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.sources import build_source, source_transports
from adapters.sources.jobspy_scrape import (
    JobSpyTransport,
    ScrapeBlocked,
    ScrapeEmpty,
    ScrapeError,
    ScrapeFailed,
    _records,
)
from adapters.sources.jobspy_source import (
    EXTRA_HINT,
    JobSpySearch,
    JobSpySource,
    jobspy_installed,
)
from bot.config import load_settings, source_interval_s
from bot.errors import ConfigError, SourceError, SourceFormatError
from bot.models import Pay, PayPeriod
from bot.polling.source import SourceState
from bot.store import Database
from tests.cli_helpers import main_in_process
from tests.conftest import FakeClock
from tests.pipeline_helpers import make_poller
from tests.sources_helpers import assert_fields, assert_plain, by_id, response, sample_bytes

ROWS: list[dict[str, Any]] = json.loads(sample_bytes("jobspy_rows.fixture.json"))


@pytest.fixture
def no_jobspy(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-jobspy cannot be imported, even where the extra happens to be installed."""
    monkeypatch.setitem(sys.modules, "jobspy", None)


def _source(**options: Any) -> JobSpySource:
    return JobSpySource(JobSpySearch.from_options("ai trainer", options))


def _client(scrape: Any, **transport: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(mounts={"jobspy://": JobSpyTransport(scrape=scrape, **transport)})


async def _scrape_once(source: JobSpySource, scrape: Any, **transport: Any) -> httpx.Response:
    async with _client(scrape, **transport) as client:
        return await client.send(source.first_request(SourceState()))


# -- parse: result rows → postings -----------------------------------------------------------


def test_result_rows_become_postings_through_the_common_normaliser() -> None:
    source = _source()
    postings = by_id(source.parse(response(json.dumps(ROWS))).postings)

    assert len(postings) == 4  # the row without a title is skipped
    indeed = postings["in-3f2a9c1b7e6d4a10"]
    assert_fields(
        indeed,
        source="jobspy:ai trainer",
        title="AI Trainer - Spanish (Remote)",
        company="Pearl Data",
        url="https://www.indeed.com/viewjob?jk=3f2a9c1b7e6d4a10",
        company_domain=None,  # the direct link is an applicant-tracking host
        location="Austin, TX, US",
        remote=True,
        pay=Pay(20, 30, "USD", PayPeriod.HOUR),
        posted_at=datetime(2026, 11, 24, tzinfo=UTC),
    )
    assert_plain(indeed.description)
    assert indeed.description.startswith("Help train AI models by writing and rating Spanish")

    linkedin = postings["li-4071234567"]
    assert_fields(
        linkedin, remote=None, pay=None, description=""
    )  # `is_remote: false` is jobspy's default, not the site's word; no description fetched
    zip_recruiter = postings["zr-8a7c1e90d2b34f55"]
    assert_fields(
        zip_recruiter,
        company_domain="northwind-data.com",  # the employer's own careers site
        pay=Pay(65_000, 80_000, "USD", PayPeriod.YEAR),
        remote=True,  # "Remote, US"
    )
    google = postings["go-c2VhcmNoLTEyMw"]
    assert (
        google.description
        == "Buscamos tutores de IA para matemáticas.\nTrabajo desde casa, pago semanal."
    )
    assert google.language == "es"


def test_rows_of_another_shape_are_refused() -> None:
    source = _source()
    for body in ('{"jobs": []}', "<html>blocked</html>", '[{"title": null}, 3]'):
        with pytest.raises(SourceFormatError):
            source.parse(response(body))
    assert source.parse(response("[]")).postings == []


# -- the search, and the config ----------------------------------------------------------------


def test_the_request_address_carries_the_whole_search() -> None:
    search = JobSpySearch.from_options(
        "  ai   trainer ",
        {"sites": ["linkedin", "google"], "location": "Remote", "hours_old": 24, "is_remote": True},
    )
    source = JobSpySource(search, name="jobspy-es")
    request = source.first_request(SourceState())
    assert request.url.scheme == "jobspy"
    assert JobSpySearch.from_url(str(request.url)) == ("jobspy-es", search)
    assert search.scrape_kwargs() == {
        "site_name": ["linkedin", "google"],
        "search_term": "ai trainer",
        "google_search_term": "ai trainer jobs",
        "location": "Remote",
        "results_wanted": 20,
        "hours_old": 24,
        "country_indeed": "usa",
        "is_remote": True,
        "description_format": "html",
        "verbose": 2,
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sites": ["monster"]}, "jobspy sites must be some of"),
        ({"sites": []}, "jobspy sites must be some of"),
        ({"results_wanted": 0}, "results_wanted"),
        ({"proxies": ["x"]}, "unknown jobspy option"),
    ],
)
def test_bad_searches_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        JobSpySearch.from_options("ai trainer", options)


def test_building_the_source_without_the_extra_is_a_config_error_naming_it(
    no_jobspy: None,
) -> None:
    assert not jobspy_installed()
    with pytest.raises(ConfigError) as caught:
        build_source("jobspy", board="ai trainer", url=None, name=None, company=None)
    assert caught.value.key == "sources.jobspy:ai trainer"
    assert ".[jobspy]" in caught.value.problem and "python-jobspy" in caught.value.problem
    with pytest.raises(ValueError, match="needs a board"):
        build_source("jobspy", board=None, url=None, name=None, company=None)
    with pytest.raises(ValueError, match="takes no search options"):
        build_source("greenhouse", board="x", url=None, name=None, company=None, options={"a": 1})


def test_the_cli_stops_with_one_line_naming_the_extra(tmp_path: Path, no_jobspy: None) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "v.db"}"\n'
        '[[sources]]\nkind = "jobspy"\nboard = "ai trainer"\n',
        encoding="utf-8",
    )
    done = main_in_process("sources", "--config", str(config))
    assert done.code == 2
    (line,) = done.err.strip().splitlines()
    assert line.startswith("config error: sources.jobspy:ai trainer: ")
    assert 'pip install ".[jobspy]"' in line


def test_config_reads_the_search_and_polls_hourly_by_default(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sources]]\nkind = "jobspy"\nboard = "ai trainer"\n'
        '[sources.jobspy]\nsites = ["indeed", "google"]\nlocation = "Remote"\nhours_old = 48\n'
        '[[sources]]\nkind = "jobspy"\nboard = "rlhf"\nname = "jobspy-rlhf"\ninterval_s = 7200\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    first, second = settings.sources
    assert source_interval_s(first, settings.polling) == 3600
    assert first.jobspy is not None
    assert first.jobspy.model_dump(exclude_none=True) == {
        "sites": ("indeed", "google"),
        "location": "Remote",
        "hours_old": 48,
    }
    assert source_interval_s(second, settings.polling) == 7200 and second.jobspy is None


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('kind = "jobspy"\n', "needs a board"),
        ('kind = "jobspy"\nboard = "x"\nurl = "https://a.example/"\n', "takes no url"),
        ('kind = "jobspy"\nboard = "x"\ncompany = "Acme"\n', "takes no company"),
        (
            'kind = "greenhouse"\nboard = "x"\n[sources.jobspy]\nlocation = "x"\n',
            "takes no search options",
        ),
        ('kind = "jobspy"\nboard = "x"\n[sources.jobspy]\nsites = ["monster"]\n', "sites"),
    ],
)
def test_bad_jobspy_entries_name_the_source(tmp_path: Path, entry: str, problem: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[[sources]]\n{entry}", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert caught.value.key.startswith("sources.0")
    assert problem in caught.value.problem or problem in caught.value.key


# -- the transport: a scrape in a worker thread ------------------------------------------------


def _rows_scrape(rows: list[dict[str, Any]] | None = None, *, delay_s: float = 0.0) -> Any:
    calls: list[dict[str, Any]] = []

    def scrape(**kwargs: Any) -> list[dict[str, Any]]:
        calls.append({**kwargs, "thread": threading.get_ident()})
        time.sleep(delay_s)
        return list(ROWS if rows is None else rows)

    scrape.calls = calls  # type: ignore[attr-defined]
    return scrape


async def test_a_poll_runs_the_scrape_in_a_worker_thread_without_blocking_the_loop(
    db: Database, clock: FakeClock
) -> None:
    scrape = _rows_scrape(delay_s=0.3)
    source = _source(sites=["indeed", "linkedin"])
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    async with _client(scrape) as http:
        result = await make_poller(db, http, clock).poll(source, interval_s=3600)
    ticker.cancel()

    assert result.status == "200" and result.new == 4
    [call] = scrape.calls
    assert call["thread"] != threading.get_ident()  # not the event loop's thread
    assert call["site_name"] == ["indeed", "linkedin"] and call["search_term"] == "ai trainer"
    assert ticks >= 10  # the loop kept running while the scrape slept 0.3 s


def test_the_app_s_client_mounts_the_transport() -> None:
    assert set(source_transports()) == {"jobspy://"}


class _FakeFrame:
    """What python-jobspy returns, as far as the transport reads it: `to_dict`."""

    def __init__(self, rows: list[dict[Any, Any]]) -> None:
        self.rows = rows

    def to_dict(self, orient: str) -> list[dict[Any, Any]]:
        assert orient == "records"
        return self.rows


class _NumpyScalar:
    def __init__(self, value: Any) -> None:
        self.value = value

    def item(self) -> Any:
        return self.value


class _NaT:
    def __ne__(self, other: object) -> bool:
        return True


def test_dataframe_cells_become_json_values() -> None:
    frame = _FakeFrame(
        [
            {
                "id": "in-1",
                "min_amount": float("nan"),
                "max_amount": _NumpyScalar(30.5),
                "date_posted": date(2026, 11, 24),
                "posted": _NaT(),
                "is_remote": _NumpyScalar(True),
                "emails": ["a@b.c"],
                7: "non-text key",
            }
        ]
    )
    assert _records(frame) == [
        {
            "id": "in-1",
            "min_amount": None,
            "max_amount": 30.5,
            "date_posted": "2026-11-24",
            "posted": None,
            "is_remote": True,
            "emails": ["a@b.c"],
            "7": "non-text key",
        }
    ]
    assert _records(_FakeFrame([])) == [] and _records(None) == []


async def test_a_dataframe_result_is_parsed_like_recorded_rows() -> None:
    source = _source()
    reply = await _scrape_once(source, lambda **_: _FakeFrame(ROWS))
    assert reply.headers["Content-Type"] == "application/json"
    assert len(source.parse(reply).postings) == 4


# -- blocks and failures: one SourceError each, one log line, never a crash -----------------


@pytest.fixture
def jobspy_loggers() -> Iterator[io.StringIO]:
    """python-jobspy's loggers as it sets them up: no propagation, a console handler each."""
    console = io.StringIO()
    made = []
    for site in ("Indeed", "LinkedIn"):
        logger = logging.getLogger(f"JobSpy:{site}")
        logger.propagate = False
        logger.handlers = [logging.StreamHandler(console)]
        logger.setLevel(logging.INFO)
        made.append(logger)
    yield console
    for logger in made:
        logger.handlers = []


def _logging_scrape(lines: list[tuple[str, int, str]], rows: list[dict[str, Any]]) -> Any:
    def scrape(**_: Any) -> list[dict[str, Any]]:
        for site, level, message in lines:
            logging.getLogger(f"JobSpy:{site}").log(level, message)
        return rows

    return scrape


def _raising(error: Exception) -> Any:
    def scrape(**_: Any) -> Any:
        raise error

    return scrape


# What python-jobspy's scrapers log when a site refuses them (indeed/, linkedin/__init__.py).
_INDEED_403 = ("Indeed", logging.INFO, "responded with status code: 403 (submit GitHub issue)")
_LINKEDIN_429 = (
    "LinkedIn",
    logging.ERROR,
    "429 Response - Blocked by LinkedIn for too many requests",
)
_BAD_PROXY = ("LinkedIn", logging.ERROR, "LinkedIn: Bad proxy")
_FINISHED = ("Indeed", logging.INFO, "finished scraping")


@pytest.mark.parametrize(
    ("scrape", "error", "words"),
    [
        (_logging_scrape([_INDEED_403, _LINKEDIN_429], []), ScrapeBlocked, "Indeed: responded"),
        (_logging_scrape([_BAD_PROXY], []), ScrapeFailed, "Bad proxy"),
        (_logging_scrape([_FINISHED], []), ScrapeEmpty, "no results"),
        (_raising(RuntimeError("forbidden cf-waf")), ScrapeBlocked, "cf-waf"),
        (_raising(ValueError("Invalid country string")), ScrapeFailed, "ValueError"),
        (lambda **_: 42, ScrapeFailed, "TypeError: scrape_jobs returned int"),
    ],
    ids=["blocked", "logged-error", "empty", "raised-block", "raised", "odd-result"],
)
async def test_scrape_trouble_is_one_source_error(
    scrape: Any, error: type[ScrapeError], words: str, jobspy_loggers: io.StringIO
) -> None:
    loggers = [logging.getLogger(f"JobSpy:{site}") for site in ("Indeed", "LinkedIn")]
    handlers = [logger.handlers[:] for logger in loggers]
    with pytest.raises(error, match=words) as caught:
        await _scrape_once(_source(), scrape)
    assert isinstance(caught.value, SourceError) and caught.value.source == "jobspy:ai trainer"
    assert "\n" not in str(caught.value)
    assert jobspy_loggers.getvalue() == ""  # python-jobspy's console lines are kept quiet
    assert [logger.handlers for logger in loggers] == handlers  # and its handlers put back


async def test_a_blocked_source_backs_off_with_one_log_line(
    db: Database, clock: FakeClock, jobspy_loggers: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    source = _source()
    caplog.set_level(logging.INFO)
    async with _client(_logging_scrape([_LINKEDIN_429], [])) as http:
        poller = make_poller(db, http, clock)
        result = await poller.poll(source, interval_s=3600)
        skipped = await poller.poll(source, interval_s=3600)  # backing off: not polled again
    assert result.status.startswith("error: no results; blocked: LinkedIn: 429 Response")
    assert skipped.status == "skipped"
    [line] = [r for r in caplog.records if r.name == "vigia.poll"]
    assert line.levelno == logging.WARNING and "next try in 3600s" in line.getMessage()


async def test_rows_from_the_sites_that_answered_are_kept_when_another_blocks(
    jobspy_loggers: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    source = _source()
    with caplog.at_level(logging.WARNING, logger="vigia.jobspy"):
        reply = await _scrape_once(source, _logging_scrape([_LINKEDIN_429], ROWS[:1]))
    assert [p.native_id for p in source.parse(reply).postings] == ["in-3f2a9c1b7e6d4a10"]
    [line] = caplog.records
    assert "1 results; some sites blocked the scrape: LinkedIn: 429" in line.getMessage()


async def test_searches_started_together_take_turns() -> None:
    scrape = _rows_scrape(delay_s=0.2)
    first, second = _source(), JobSpySource(JobSpySearch("rlhf"))
    async with _client(scrape) as client:
        replies = await asyncio.gather(
            client.send(first.first_request(SourceState())),
            client.send(second.first_request(SourceState())),
        )
    assert [reply.status_code for reply in replies] == [200, 200]
    assert sorted(call["search_term"] for call in scrape.calls) == ["ai trainer", "rlhf"]


async def test_a_slow_scrape_times_out_and_its_thread_still_blocks_the_next() -> None:
    slow = _rows_scrape(delay_s=0.5)
    with pytest.raises(ScrapeFailed, match="no result in 0s"):
        await _scrape_once(_source(), slow, timeout_s=0.05)
    # The timed-out scrape still runs in its thread: the next one is refused, not queued.
    with pytest.raises(ScrapeFailed, match="previous scrape is still running"):
        await _scrape_once(_source(), _rows_scrape())
    await asyncio.sleep(0.6)
    reply = await _scrape_once(_source(), _rows_scrape())
    assert reply.status_code == 200


async def test_a_missing_extra_at_scrape_time_names_it(no_jobspy: None) -> None:
    with pytest.raises(ScrapeFailed, match=EXTRA_HINT.replace(".", r"\.").replace("[", r"\[")):
        await _scrape_once(_source(), None)
