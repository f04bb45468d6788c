"""The CPU worker process: big polls are parsed and scored on the machine's other core, with
the very same alerts, errors and log lines as in the bot's own process; small boards never
start it; the bot stops cleanly while it works."""

from __future__ import annotations

import logging
import os
import pickle
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from adapters.sources import build_source
from bot.config import PollingSettings, RelevanceSettings
from bot.metrics import REGISTRY
from bot.models import Posting
from bot.polling.cpu import AWAY_MIN_BYTES, SLICE_POSTINGS
from bot.polling.cpu_process import WorkerProcess
from bot.polling.cpu_tasks import Kit, assess
from bot.polling.poller import Poller
from bot.polling.portable import dumps
from bot.polling.source import Source
from bot.postings.relevance import RelevanceFilter
from bot.scam import ScamChecker
from bot.store import Database, open_database
from tests.conftest import FakeClock
from tests.cpu_helpers import fail_on_the_second
from tests.pipeline_helpers import make_poller, subscribe_console
from tests.process_helpers import BotRun
from tests.sources_helpers import PayloadServer, greenhouse_board_payload, local_server

SCAM_TEXT = (
    "Remote AI trainer, no experience needed. Earn 500 dollars a day rating chatbot answers. "
    "To start, pay the 50 dollar training fee by gift card and send the code to our recruiter "
    "on Telegram @hr_fast_pay. Limited places, reply today to secure your position."
)


def board(server: PayloadServer, name: str, jobs: int, **options: Any) -> Source:
    url = server.serve(f"/v1/boards/{name}/jobs", greenhouse_board_payload(name, jobs, **options))
    return build_source("greenhouse", board=name, url=url, name=None, company=name.title())


def poller(db: Database, http: httpx.AsyncClient, clock: FakeClock, *, process: bool) -> Poller:
    """A poller whose CPU worker process starts with its first handed-off work (or never)."""
    return Poller(
        db=db,
        http=http,
        checker=ScamChecker(),
        relevance=RelevanceFilter(RelevanceSettings().keywords),
        settings=PollingSettings(alert_on_first_poll=True),
        clock=clock,
        worker_process_at=1 if process else None,
    )


async def alerts_and_verdicts(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    outbox = await db.fetchall(
        "SELECT p.native_id, o.subscription_id FROM outbox o JOIN postings p "
        "ON p.id = o.posting_id ORDER BY 1"
    )
    checks = await db.fetchall(
        "SELECT p.native_id, c.verdict_json FROM checks c JOIN postings p "
        "ON p.id = c.posting_id ORDER BY 1"
    )
    return [(row[0], row[1]) for row in outbox], [(row[0], row[1]) for row in checks]


async def test_a_big_board_scored_in_the_worker_process_alerts_exactly_as_in_the_bot(
    tmp_path: Path, clock: FakeClock, payload_server: PayloadServer
) -> None:
    warm = board(payload_server, "warm", 20)
    big = board(payload_server, "big", 3 * SLICE_POSTINGS)
    stored = {}
    async with httpx.AsyncClient(timeout=30) as http:
        for process in (False, True):
            db = await open_database(str(tmp_path / f"process-{process}.db"), clock=clock)
            try:
                await subscribe_console(db)
                polls = poller(db, http, clock, process=process)
                await polls.poll(warm, interval_s=600)  # its 20 postings start the process
                assert await polls._cpu.process_started() is process
                result = await polls.poll(big, interval_s=600)
                assert result.status == "200" and result.new == 3 * SLICE_POSTINGS
                if process:
                    assert polls._cpu.tasks_in_process > 0
                await polls.aclose()
                stored[process] = await alerts_and_verdicts(db)
            finally:
                await db.close()
    outbox, checks = stored[True]
    assert outbox and len(checks) == 20 // 2 + 3 * SLICE_POSTINGS // 2
    assert stored[True] == stored[False]


async def test_a_bad_payload_read_in_the_worker_process_fails_the_poll_as_in_the_bot(
    tmp_path: Path, clock: FakeClock, payload_server: PayloadServer
) -> None:
    garbled = b'{"jobs": [' + b"x" * AWAY_MIN_BYTES
    url = payload_server.serve("/v1/boards/bad/jobs", garbled)
    bad = build_source("greenhouse", board="bad", url=url, name=None, company="Bad")
    statuses = []
    db = await open_database(str(tmp_path / "bad.db"), clock=clock)  # the store is not the point
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            for process in (False, True):
                polls = poller(db, http, clock, process=process)
                await polls.poll(board(payload_server, f"warm{process}", 20), interval_s=600)
                assert await polls._cpu.process_started() is process
                statuses.append((await polls.poll(bad, interval_s=600, force=True)).status)
                await polls.aclose()
        reason = await db.fetchval(
            "SELECT failure_reason FROM sources WHERE name = 'greenhouse:bad'"
        )
    finally:
        await db.close()
    assert statuses[0].startswith("error: body is not JSON")
    assert statuses[1] == statuses[0]
    assert reason == "format"


def posting(native_id: str, description: str = "Rate chatbot answers.") -> Posting:
    return Posting(
        source="greenhouse:acme",
        native_id=native_id,
        url=f"https://boards.greenhouse.io/acme/jobs/{native_id}",
        title="AI Trainer",
        company="Acme",
        description=description,
    )


def posting_failures(stage: str) -> float:
    return REGISTRY.get_sample_value("vigia_posting_failures_total", {"stage": stage}) or 0.0


async def test_a_posting_failure_in_the_worker_process_is_logged_and_counted_in_the_bot(
    caplog: pytest.LogCaptureFixture,
) -> None:
    kit = Kit(ScamChecker(), RelevanceFilter(RelevanceSettings().keywords))
    before = posting_failures("score")
    process = await WorkerProcess.start()
    try:
        with caplog.at_level(logging.INFO):
            ids = await process.run(kit, fail_on_the_second, [posting("1"), posting("2")])
    finally:
        await process.aclose()
    assert ids == ["1"]  # the rest of the work went on
    lines = [r for r in caplog.records if r.name == "vigia.failures"]
    assert len(lines) == 1 and lines[0].levelno == logging.ERROR
    message = lines[0].getMessage()
    assert message.startswith(
        "score failed for posting 2 of greenhouse:acme: IndexError at cpu_helpers.py:"
    )
    assert message.endswith("; the posting is kept, the rest go on")
    assert posting_failures("score") == before + 1


async def test_a_script_an_admin_confirms_reaches_the_worker_process() -> None:
    checker = ScamChecker()
    kit = Kit(checker, RelevanceFilter(RelevanceSettings().keywords))
    scam = posting("1", SCAM_TEXT)
    process = await WorkerProcess.start()
    try:
        [(_, before, _)] = await process.run(kit, assess, [scam])
        checker.add_script("confirmed:gift-card", SCAM_TEXT, "scam")
        [(_, after, _)] = await process.run(kit, assess, [scam])
    finally:
        await process.aclose()
    assert before is not None and before.matched_script is None
    assert after is not None and after.matched_script == "confirmed:gift-card"
    assert after == checker.check(scam)  # the bot's own verdict


async def test_small_boards_never_start_the_worker_process(
    tmp_path: Path, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """Thousands of 5-posting boards must stay small: their work is done on the loop."""
    sources = [board(payload_server, f"small{n}", 5) for n in range(40)]
    db = await open_database(str(tmp_path / "small.db"), clock=clock)
    try:
        await subscribe_console(db)
        async with httpx.AsyncClient(timeout=30) as http:
            polls = make_poller(db, http, clock)
            for source in sources:
                assert (await polls.poll(source, interval_s=600)).status == "200"
            assert polls.cpu_process_id is None
            await polls.aclose()
    finally:
        await db.close()


def bot_config(folder: Path, port: int) -> Path:
    path = folder / "config.toml"
    path.write_text(
        "\n".join(
            [
                'log_level = "INFO"',
                "[storage]",
                f'database = "{folder / "vigia.db"}"',
                "[polling]",
                "allow_loopback = true",
                "alert_on_first_poll = true",
                "[[subscriptions]]",
                'chat = "console:"',
                'language = "en"',
                "[[sources]]",
                'kind = "greenhouse"',
                'board = "big"',
                f'url = "http://127.0.0.1:{port}/v1/boards/big/jobs"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


async def test_sigterm_while_the_worker_process_scores_a_big_board_stops_cleanly(
    tmp_path: Path,
) -> None:
    """The real bot, a board of 3,000 AI-training postings: SIGTERM as soon as the worker
    process has started on it. The bot exits 0 within the 10 s a supervisor allows, logs no
    traceback nor error, and leaves no worker process behind."""
    payload = greenhouse_board_payload("big", 3000, relevant_every=1)

    async def handle(_request: web.Request) -> web.Response:
        return web.Response(body=payload, content_type="application/json")

    async with local_server(handle) as port, BotRun(bot_config(tmp_path, port)) as bot:
        line = await bot.wait_for_log("started the CPU worker process")
        worker = int(line.split("(pid ")[1].split(")")[0])
        signalled = time.monotonic()
        bot.send(signal.SIGTERM)
        code = await bot.exit_code()
        stop_s = time.monotonic() - signalled
    assert code == 0, bot.text
    assert stop_s < 10, bot.text
    assert "Traceback" not in bot.text and " ERROR " not in bot.text
    assert not running(worker)


def test_postings_verdicts_and_keys_cross_the_pipe_unchanged() -> None:
    """The worker's pickling (`bot.polling.portable`) rebuilds every field, the remembered
    fingerprint too, with plain `pickle.loads`."""
    kit = Kit(ScamChecker(), RelevanceFilter(RelevanceSettings().keywords))
    source = build_source("greenhouse", board="acme", url="https://example.test/", name=None)
    response = httpx.Response(
        200,
        content=greenhouse_board_payload("acme", 30),
        request=httpx.Request("GET", "https://example.test/"),
    )
    assessed = assess(kit, [*source.parse(response).postings, posting("scam", SCAM_TEXT)])
    back = pickle.loads(dumps(assessed))
    assert back == assessed
    assert [p._fingerprint for p, _, _ in back] == [p.fingerprint for p, _, _ in assessed]
    assert any(p.pay is not None for p, _, _ in back)
    assert any(v is not None and v.reasons for _, v, _ in back)


async def test_a_killed_worker_process_costs_no_poll_its_work_runs_in_the_bot(
    tmp_path: Path,
    clock: FakeClock,
    payload_server: PayloadServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The worker dies (the OOM killer, an operator): the next big poll is still read, scored
    and alerted, in the bot's own process, and one WARNING line says so."""
    db = await open_database(str(tmp_path / "killed.db"), clock=clock)
    try:
        await subscribe_console(db)
        async with httpx.AsyncClient(timeout=30) as http:
            polls = poller(db, http, clock, process=True)
            await polls.poll(board(payload_server, "warm", 20), interval_s=600)
            assert await polls._cpu.process_started()
            worker = polls.cpu_process_id
            assert worker is not None
            os.kill(worker, signal.SIGKILL)
            with caplog.at_level(logging.WARNING, logger="vigia.poll"):
                result = await polls.poll(
                    board(payload_server, "big", 3 * SLICE_POSTINGS), interval_s=600
                )
            await polls.aclose()
        assert result.status == "200" and result.new == 3 * SLICE_POSTINGS
        assert result.relevant == 3 * SLICE_POSTINGS // 2 and result.alerts > 0
    finally:
        await db.close()
    stopped = [r for r in caplog.records if "CPU worker process" in r.getMessage()]
    assert [r.levelno for r in stopped] == [logging.WARNING]
    assert f"pid {worker}" in stopped[0].getMessage() and not running(worker)
