"""Operations: `/healthz` and `/metrics` on a configured local address (off by default),
`python -m bot health`, and `python -m bot backup` while the bot writes.

The endpoint tests run the real `python -m bot run` against a local job board and read the
endpoint over loopback, as a supervisor and a Prometheus scraper would."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.health import HealthRegistry
from bot.models import ChatRef
from bot.observability import Observability
from bot.store import open_database
from tests.cli_helpers import run_main
from tests.conftest import FakeClock
from tests.pipeline_helpers import greenhouse_jobs
from tests.process_helpers import BotRun, bot_env, closed_port, run_command
from tests.sources_helpers import PayloadServer
from tests.test_outbox import add_alerts

BOARD = "/v1/boards/acme/jobs"


def write_config(tmp_path: Path, url: str, listen: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""log_level = "INFO"
{extra}
[observability]
listen = "{listen}"
[console]
language = "en"
[storage]
database = "{tmp_path / "vigia.db"}"
[polling]
allow_loopback = true
alert_on_first_poll = true
[outbox]
drain_interval_s = 0.2
[[sources]]
kind = "greenhouse"
board = "acme"
url = "{url}"
[[subscriptions]]
chat = "console"
keywords = ["ai trainer"]
""",
        encoding="utf-8",
    )
    return path


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        if sample.split("{")[0] != name:
            continue
        found = sample.partition("{")[2].rstrip("}")
        if ",".join(sorted(found.split(","))) == wanted or (not wanted and not found):
            return float(value)
    return 0.0


async def until(check: object, what: str) -> None:
    """Wait for an async predicate (a guard against a hung bot, not a timing)."""
    async with asyncio.timeout(60):
        while not await check():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_a_running_bot_serves_health_and_metrics_and_health_command_agrees(
    tmp_path: Path, payload_server: PayloadServer
) -> None:
    jobs = [{"id": i, "title": f"AI Trainer {i}", "url": f"https://x.test/{i}"} for i in range(3)]
    url = payload_server.serve(BOARD, greenhouse_jobs(jobs))
    port = closed_port()
    config = write_config(tmp_path, url, f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    async with BotRun(config) as bot, httpx.AsyncClient(trust_env=False) as client:
        await bot.wait_for_log("Vigia running")
        metrics = ""

        async def all_sent() -> bool:
            nonlocal metrics
            metrics = (await client.get(f"{base}/metrics")).text
            return metric(metrics, "vigia_outbox_rows", status="sent") >= 3

        await until(all_sent, "three alerts sent")
        health = await client.get(f"{base}/healthz")
        checked = await run_main("health", "--config", str(config))
        bot.send(signal.SIGTERM)
        assert await bot.exit_code() == 0
    after = await run_main("health", "--config", str(config))

    assert health.status_code == 200
    state = health.json()
    assert state["status"] == "ok"
    assert {"drain", "scheduler"} <= set(state["parts"])
    assert metric(metrics, "vigia_polls_total", source="greenhouse:acme", outcome="ok") >= 1
    assert metric(metrics, "vigia_postings_total", source="greenhouse:acme") == 3
    assert metric(metrics, "vigia_verdicts_total", level="ok") == 3
    assert metric(metrics, "vigia_outbox_rows", status="sent") == 3
    assert metric(metrics, "vigia_sends_total", platform="console", outcome="sent") == 3
    assert metric(metrics, "vigia_outbox_rows", status="pending") == 0
    assert "vigia_outbox_oldest_pending_age_seconds" in metrics
    assert "vigia_link_check_seconds" in metrics and "vigia_rate_limits" in metrics
    assert checked.code == 0 and "healthy" in checked.out
    assert after.code == 1 and "does not answer" in after.out


async def test_healthz_is_503_naming_the_part_that_is_down(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "vigia.db"), clock=FakeClock())
    health = HealthRegistry()
    health.report("scheduler", up=True)
    health.report("drain", up=False, detail="last drain failed: OperationalError")
    health.report("reputation", up=False, required=False)
    endpoint = Observability(health, db, host="127.0.0.1", port=0)
    await endpoint.start()
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            down = await client.get(f"{endpoint.url}/healthz")
            health.report("drain", up=True)
            up = await client.get(f"{endpoint.url}/healthz")
            other = await client.get(f"{endpoint.url}/config")
    finally:
        await endpoint.stop()
        await db.close()
    assert down.status_code == 503 and down.json()["status"] == "down"
    assert down.json()["parts"]["drain"]["detail"] == "last drain failed: OperationalError"
    assert up.status_code == 200  # an optional part being down does not fail the check
    assert other.status_code == 404


async def test_an_address_that_cannot_be_bound_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, "http://127.0.0.1:9/x", f"127.0.0.1:{port}")
        async with BotRun(config) as bot:
            code = await bot.exit_code()
    assert code == 1
    errors = [line for line in bot.log if " ERROR " in line]
    assert len(errors) == 1 and "observability.listen" in errors[0], bot.text
    assert "Traceback" not in bot.text


async def test_the_endpoint_is_off_by_default_and_health_says_how_to_turn_it_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.health import health

    settings = Settings()
    assert settings.observability.listen is None
    assert await health(settings) == 2
    assert "[observability] listen" in capsys.readouterr().err


async def test_backup_is_a_consistent_copy_taken_while_a_write_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vigia.db"
    db = await open_database(str(path))
    try:
        await add_alerts(db, ChatRef("console", ""), ["a", "b"])
        copy = tmp_path / "backup.db"
        async with db.transaction() as conn:  # the bot is half way through a write
            await conn.execute("UPDATE outbox SET status = 'sent'")
            env = bot_env(VIGIA_STORAGE__DATABASE=str(path), VIGIA_CONSOLE__LANGUAGE="en")
            made = await run_command("backup", str(copy), env=env)  # another process
        for name, value in env.items():
            if name.startswith("VIGIA_"):
                monkeypatch.setenv(name, value)
        again = await run_main("backup", str(copy))
    finally:
        await db.close()

    assert made.code == 0, made.output
    assert str(copy) in made.out
    with sqlite3.connect(copy) as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        statuses = restored.execute("SELECT status FROM outbox").fetchall()
    assert statuses == [("pending",), ("pending",)]  # the open write is not in the copy
    assert again.code == 2 and "already exists" in again.err
