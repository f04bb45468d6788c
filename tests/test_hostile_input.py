"""Hostile input an operator or a stranger can feed the bot, each bounded with a clear answer:
over-long fields and links, names that are not names, subscription patterns that cannot run,
files that are not what they claim, and text that would command the terminal.

The command line is driven through `bot.__main__.main`, the real entry point (argument
parsing, dispatch, exit codes), in this process.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.__main__ import main
from bot.cli.check import classify_target, run_check_command
from bot.cli.poll import poll_once
from bot.config import Settings, load_settings
from bot.errors import ConfigError, FilterSyntaxError
from bot.i18n import t
from bot.links.checker import LegitChecker
from bot.links.extract import extract_posting
from bot.links.safefetch import SafeFetcher
from bot.logs import QUIET_LIBRARIES
from bot.models import ChatRef, Filter, RiskLevel
from bot.postings.build import build_posting
from bot.postings.matching import parse_filter_words
from bot.postings.normalize import MAX_FIELD_CHARS, MAX_ID_CHARS, MAX_URL_CHARS
from bot.scam import ScamChecker
from bot.scam.evaluate import labelled_posting
from bot.services import Services
from bot.store import Database
from bot.store import subscriptions as subscriptions_store
from tests.conftest import FakeClock
from tests.linkcheck_helpers import FakeResolver, MustNotSendTransport
from tests.pipeline_helpers import greenhouse, greenhouse_jobs, make_poller, table_count
from tests.sources_helpers import PayloadServer

PATH = "/v1/boards/acme/jobs"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`main` sets up process-wide logging; put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def config_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndatabase = "{tmp_path / "vigia.db"}"\n[console]\nlanguage = "en"\n{extra}',
        encoding="utf-8",
    )
    return path


# -- fields and links at their real maxima (item 7) ------------------------------------------


def test_a_posting_link_longer_than_any_page_is_left_out_and_the_item_skipped() -> None:
    host = "careers-" * 130_000 + "example.com"  # a 1 MB host
    jobs = [
        {"id": 1, "title": "AI Trainer", "url": f"https://{host}/j"},
        {"id": 2, "title": "AI Tutor"},
    ]
    posting = build_posting(
        source="s",
        native_id="1",
        url=f"https://{host}/j",
        title="AI trainer",
        company="X",
        description="",
    )
    assert posting.url == ""
    page = greenhouse("https://boards.test/v1/boards/acme/jobs").parse(
        httpx.Response(200, content=greenhouse_jobs(jobs))
    )
    assert [p.native_id for p in page.postings] == ["2"]


def test_a_long_payload_id_is_bounded_and_stays_distinct() -> None:
    ids = ["9" * 100_000 + "1", "9" * 100_000 + "2"]
    postings = [
        build_posting(
            source="s",
            native_id=i,
            url="https://x.test/j",
            title="t",
            company="c",
            description="",
        )
        for i in ids
    ]
    assert all(len(p.native_id) <= MAX_ID_CHARS for p in postings)
    assert postings[0].native_id != postings[1].native_id


def test_a_page_read_for_a_link_check_has_the_same_caps() -> None:
    huge = "A" * 1_000_000
    page = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": "AI Trainer",
            "description": "Annotate data.",
            "url": f"https://{huge}.com/job",
            "hiringOrganization": {"@type": "Organization", "name": huge},
            "jobLocation": {"@type": "Place", "address": {"addressLocality": huge}},
        }
    ).encode()
    extracted = extract_posting("", page, "application/ld+json")
    posting = extracted.posting
    assert len(posting.company) <= MAX_FIELD_CHARS and len(posting.location) <= MAX_FIELD_CHARS
    assert len(posting.url) <= MAX_URL_CHARS
    assert extracted.declared_url is None or len(extracted.declared_url) <= MAX_URL_CHARS


def test_a_line_given_to_score_has_the_same_caps() -> None:
    posting, profile, _ = labelled_posting(
        {
            "title": "T" * 1_000_000,
            "company": "C" * 1_000_000,
            "url": "https://x.test/" + "a" * 10**6,
            "company_profile": "P" * 10_000_000,
        }
    )
    assert len(posting.title) <= 300 and len(posting.company) <= MAX_FIELD_CHARS
    assert posting.url == "" and len(profile) <= 100_000


# -- names that are not names, links too long (item 8) ---------------------------------------


def offline_checker(db: Database | None = None) -> LegitChecker:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    return LegitChecker(fetcher=fetcher, checker=ScamChecker(), db=db)


async def test_an_invalid_idna_name_is_refused_as_an_invalid_link(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    services = Services.build(db=db, linkchecker=offline_checker(db))
    result = await services.checks.legit(url="http://xn--a.com/", text=None, language="en")
    assert not result.fetched
    assert "not a valid web link" in str(result.card)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_100_kb_link_on_the_command_line_gets_a_verdict_not_an_os_error() -> None:
    url = "http://a.com/" + "a" * 100_000
    assert classify_target(url) == ("url", url)
    out, err = io.StringIO(), io.StringIO()
    status = await run_check_command(
        url, as_json=False, language="en", checker=offline_checker(), out=out, err=err
    )
    assert status == 0
    assert f"longer than {MAX_URL_CHARS} characters" in out.getvalue()
    assert len(out.getvalue()) < 2 * MAX_URL_CHARS + 2_000  # the link is shown cut


# -- subscription patterns (item 9) ----------------------------------------------------------

BAD_PATTERNS = {
    "invalid": "(unclosed",
    "backreference": r"(ai)\1",
    "10 KB": "a" * 10_000,
}


@pytest.mark.parametrize("pattern", BAD_PATTERNS.values(), ids=BAD_PATTERNS.keys())
def test_a_config_regex_that_cannot_run_stops_the_start_with_its_key(
    tmp_path: Path, pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = f'[[subscriptions]]\nchat = "console"\nregex = {json.dumps(pattern)}\n'
    path = config_file(tmp_path, extra)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == "subscriptions.0.regex"
    assert main(["sources", "--config", str(path)]) == 2
    assert "config error: subscriptions.0.regex:" in capsys.readouterr().err


@pytest.mark.parametrize("pattern", BAD_PATTERNS.values(), ids=BAD_PATTERNS.keys())
async def test_a_chat_regex_that_cannot_run_is_refused_in_the_readers_language(
    db: Database, pattern: str
) -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse_filter_words(f"regex:{pattern}")
    for language in ("es", "en"):
        text = t(f"filter.error.{caught.value.problem}", language, token=caught.value.token)
        assert text and "filter.error" not in text
    services = Services.build(db=db, linkchecker=offline_checker(db))
    with pytest.raises(FilterSyntaxError):
        await services.subscriptions.subscribe(
            ChatRef("telegram", "1"), Filter(regex=pattern), language="es"
        )


async def test_one_subscription_whose_stored_pattern_cannot_run_does_not_stop_the_others(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    # Stored before patterns were checked: the store takes it as it is.
    broken = Filter(regex=r"(ai)\1", max_risk=RiskLevel.SCAM)
    await subscriptions_store.add_subscription(db, ChatRef("console", "a"), broken, language="en")
    good = Filter(max_risk=RiskLevel.SCAM)
    await subscriptions_store.add_subscription(db, ChatRef("console", "b"), good, language="en")
    url = payload_server.serve(PATH, greenhouse_jobs([{"id": 1, "title": "AI Trainer"}]))
    async with httpx.AsyncClient() as http:
        poller = make_poller(db, http, clock, alert_on_first_poll=True)
        result = await poller.poll(greenhouse(url), interval_s=600, force=True)
    assert result.status == "200" and result.new == 1
    assert await table_count(db, "outbox") == 1  # the good subscription's alert


# -- files and configs that are not what they claim (item 10) --------------------------------


def test_score_answers_each_unreadable_line_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = tmp_path / "postings.jsonl"
    lines.write_bytes(
        b'{"title": "AI trainer", "description": "Annotate data."}\n'
        + b'{"n": '
        + b"9" * 5000
        + b"}\n"
        + b"[" * 100_000
        + b"]" * 100_000
        + b"\n"
        + bytes(range(128, 256))
        + b"\n"
    )
    assert main(["score", "--config", str(config_file(tmp_path)), str(lines)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "level" in out[0]
    errors = [line["error"] for line in out[1:]]
    assert errors[0].startswith("line 2: Exceeds the limit")
    assert errors[1] == "line 3: JSON nested too deep"
    assert errors[2].startswith("line 4: not UTF-8 text")


@pytest.mark.parametrize("command", ["score", "eval"])
@pytest.mark.parametrize("target", ["missing", "folder"])
def test_score_and_eval_say_when_the_file_cannot_be_read(
    tmp_path: Path, command: str, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.jsonl"
    if target == "folder":
        path.mkdir()
    assert main([command, "--config", str(config_file(tmp_path)), str(path)]) == 2
    captured = capsys.readouterr()
    assert "the file could not be read" in captured.err and "Traceback" not in captured.err


def test_eval_of_a_binary_file_reports_instead_of_crashing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 64)
    assert main(["eval", "--config", str(config_file(tmp_path)), str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("problem", ["not UTF-8", "a folder", "database folder missing"])
def test_a_config_that_cannot_be_used_is_one_line_and_exit_2(
    tmp_path: Path, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if problem == "not UTF-8":
        path = tmp_path / "config.toml"
        path.write_bytes(b'log_level = "INFO"\n# caf\xe9\n')
        expected = "not UTF-8 text"
    elif problem == "a folder":
        path = tmp_path
        expected = "is a folder"
    else:
        path = tmp_path / "config.toml"
        path.write_text(f'[storage]\ndatabase = "{tmp_path / "nope" / "v.db"}"\n')
        expected = "config error: storage.database: folder"
    assert main(["sources", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and len(err.splitlines()) == 1


# -- what reaches the terminal (item 11) -----------------------------------------------------


def settings_for(tmp_path: Path, url: str) -> Settings:
    return Settings.model_validate(
        {
            "storage": {"database": str(tmp_path / "vigia.db")},
            "polling": {"allow_loopback": True},
            "console": {"language": "en"},
            "sources": [{"kind": "greenhouse", "board": "acme", "url": url}],
        }
    )


HOSTILE_LINK = "https://x.test/\x1b]0;owned\x07\x1b[2J\u202eexe.jpg\u2028/job"


@pytest.mark.parametrize("as_json", [False, True])
async def test_poll_once_prints_posting_text_inert(
    tmp_path: Path,
    payload_server: PayloadServer,
    capsys: pytest.CaptureFixture[str],
    as_json: bool,
) -> None:
    jobs = [{"id": 1, "title": "AI Trainer \u2028 line", "url": HOSTILE_LINK}]
    url = payload_server.serve(PATH, greenhouse_jobs(jobs))
    assert await poll_once(settings_for(tmp_path, url), as_json=as_json) == 0
    out = capsys.readouterr().out
    for raw in ("\x1b", "\x07", "\u202e", "\u2028"):
        assert raw not in out
    if as_json:
        [line] = out.splitlines()
        assert json.loads(line)["url"].endswith("\u202eexe.jpg\u2028/job")  # same data
    else:
        assert "\\x1b]0;owned\\x07" in out and "\\u202e" in out


async def test_poll_once_exits_1_when_every_source_failed(
    tmp_path: Path, payload_server: PayloadServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = payload_server.serve(PATH, b"down", status=503)
    assert await poll_once(settings_for(tmp_path, url), as_json=False) == 1
    assert "1 source polled, 0 new postings, 1 failed." in capsys.readouterr().out
