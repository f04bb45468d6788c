"""The command line as a person runs it, against boards served on 127.0.0.1.

`run` is a real `python -m bot` process, stopped by a signal; the other commands run their
`main` in the test process (`tests.cli_helpers`), which prints and exits as the process would."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from tests.cli_helpers import main_in_process, run_main
from tests.pipeline_helpers import greenhouse_jobs
from tests.sources_helpers import PayloadServer

ROOT = Path(__file__).resolve().parent.parent
PATH = "/v1/boards/acme/jobs"
JOBS = [
    {"id": 1, "title": "AI Trainer - Spanish"},
    {"id": 2, "title": "Senior Accountant", "content": "&lt;p&gt;Ledgers.&lt;/p&gt;"},
    {"id": 3, "title": "@everyone RLHF Annotator \x1b[31mred"},
]


def config(tmp_path: Path, url: str, *, first_poll_alerts: bool = False) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[storage]
database = "{tmp_path / "vigia.db"}"

[polling]
alert_on_first_poll = {str(first_poll_alerts).lower()}
allow_loopback = true

[outbox]
drain_interval_s = 0.1

[console]
language = "en"

[[sources]]
kind = "greenhouse"
board = "acme"
company = "Acme"
url = "{url}"

[[subscriptions]]
chat = "console"
language = "en"
""",
        encoding="utf-8",
    )
    return path


async def test_poll_once_json_prints_each_new_posting(
    tmp_path: Path, payload_server: PayloadServer
) -> None:
    url = payload_server.serve(PATH, greenhouse_jobs(JOBS))
    done = await run_main("poll", "--once", "--json", "--config", str(config(tmp_path, url)))
    status, out, err = done.code, done.out, done.err
    assert status == 0, err
    postings = [json.loads(line) for line in out.splitlines()]
    assert sorted(p["id"] for p in postings) == ["1", "2", "3"]
    assert {p["source"] for p in postings} == {"greenhouse:acme"}
    assert "poll greenhouse:acme status=200" in err
    by_id = {p["id"]: p for p in postings}
    assert by_id["2"]["relevant"] is False and by_id["2"]["level"] is None
    trainer = by_id["1"]
    assert trainer["relevant"] is True and trainer["level"] in {"ok", "caution", "scam"}
    assert isinstance(trainer["risk"], int) and isinstance(trainer["reasons"], list)

    again = await run_main("poll", "--once", "--json", "--config", str(config(tmp_path, url)))
    assert again.code == 0 and again.out == ""  # nothing new the second time


async def test_sources_table_shows_health(tmp_path: Path, payload_server: PayloadServer) -> None:
    url = payload_server.serve(PATH, b"oops", status=503)
    path = config(tmp_path, url)
    await run_main("poll", "--once", "--config", str(path))
    done = await run_main("sources", "--config", str(path))
    assert done.code == 0
    header, row = done.out.splitlines()[:2]
    assert header.split()[:2] == ["KIND", "NAME"]
    assert row.split()[:2] == ["greenhouse", "greenhouse:acme"]
    assert "HTTP 503" in row and " 1 " in row


async def test_run_prints_alerts_to_the_console_and_stops_on_sigterm(
    tmp_path: Path, payload_server: PayloadServer
) -> None:
    url = payload_server.serve(PATH, greenhouse_jobs(JOBS))
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "TELEGRAM_TOKEN"}}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config(tmp_path, url, first_poll_alerts=True)),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    seen: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not any("RLHF Annotator" in line for line in seen):
                line = await process.stdout.readline()
                assert line, "the bot exited before printing the alerts"
                seen.append(line.decode())
            while not any("AI Trainer - Spanish" in line for line in seen):
                seen.append((await process.stdout.readline()).decode())
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    text = "".join(seen)
    assert "\x1b" not in text  # a posting cannot send terminal escape codes
    assert "Senior Accountant" not in text  # not relevant, so not alerted
    assert process.returncode == 0


async def test_check_dash_reads_a_pasted_message_from_standard_input(tmp_path: Path) -> None:
    """`... | python -m bot check -`: the message piped in gets a verdict in the asked language,
    with the reasons that message earns; nothing is fetched."""
    message = (
        "Hola! Tu perfil fue seleccionado. Para activar tu cuenta paga 30 USDT de verificación "
        "y gana 300 euros por semana. Escríbeme por WhatsApp."
    )
    config_path = tmp_path / "config.toml"
    config_path.write_text(f'[storage]\ndatabase = "{tmp_path / "v.db"}"\n', encoding="utf-8")
    done = await run_main(
        "check", "-", "--json", "--lang", "es", "--config", str(config_path), stdin=message
    )
    assert done.code == 0, done.err
    verdict = json.loads(done.out)
    assert verdict["level"] == "scam"
    assert verdict["url"] is None and not verdict["fetched"]


def test_check_help_explains_what_each_target_and_option_does() -> None:
    done = main_in_process("check", "--help")
    assert done.code == 0
    text = " ".join(done.out.split())
    assert ".txt file is read as a pasted message" in text
    assert "- reads the message from standard input" in text
    assert "--json" in text and "one JSON object" in text
    assert "--lang" in text and "language of the verdict" in text
