"""Source health: a source that keeps failing is disabled, said in the log, `sources` and the
chats' `/sources` with a short reason, and comes back with `sources --enable NAME`."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adapters.chat.discord_render import sources_embed
from adapters.chat.telegram_commands import source_line
from adapters.http.aiohttp_transport import AiohttpTransport
from bot.cli.sources import print_sources
from bot.config import load_settings
from bot.links.addresses import AddressGuard
from bot.services.sources import SourceHealth, status_text
from bot.store import Database, open_database
from bot.store import sources as sources_store
from tests.cli_helpers import run_main
from tests.conftest import FakeClock
from tests.pipeline_helpers import greenhouse, greenhouse_jobs, make_poller
from tests.sources_helpers import PayloadServer
from tests.test_cli import PATH, config


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = AiohttpTransport(
        limit=8, limit_per_host=4, max_body_bytes=1_000_000, guard=AddressGuard(allow_loopback=True)
    )
    async with httpx.AsyncClient(timeout=5, transport=transport) as client:
        yield client


async def test_a_source_failing_too_often_is_disabled_until_enabled(
    db: Database,
    http: httpx.AsyncClient,
    clock: FakeClock,
    payload_server: PayloadServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = payload_server.serve(PATH, b"<html>upstream down</html>", status=503)
    source = greenhouse(url)
    poller = make_poller(db, http, clock, disable_after_failures=3)
    caplog.set_level(logging.WARNING, logger="vigia")
    statuses = [(await poller.poll(source, interval_s=600, force=True)).status for _ in range(3)]
    assert statuses[:2] == ["error: HTTP 503"] * 2 and statuses[2] == "disabled"
    [line] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert line.getMessage() == (
        "source greenhouse:acme disabled after 3 failures in a row (last: error: HTTP 503); "
        "python -m bot sources --enable greenhouse:acme polls it again"
    )
    row = await sources_store.get_source(db, "greenhouse:acme")
    assert row is not None and row.disabled_at is not None and row.failure_reason == "http:503"

    # Disabled: not polled, not even when forced, and never claimed by a worker.
    sent = len(payload_server.received)
    assert (await poller.poll(source, interval_s=600, force=True)).status == "disabled"
    assert len(payload_server.received) == sent
    assert (
        await sources_store.claim_due(db, ["greenhouse:acme"], worker="w1", lease_s=60, limit=5)
        == []
    )

    # Enabled (by another process: this poller holds its own copy of the row) and healthy.
    assert await sources_store.enable(db, "greenhouse:acme")
    payload_server.serve(PATH, greenhouse_jobs([{"id": 1, "title": "AI Trainer"}]))
    result = await poller.poll(source, interval_s=600)
    assert result.status == "200" and len(payload_server.received) == sent + 1
    assert not await sources_store.enable(db, "greenhouse:nobody")


async def test_sources_command_shows_the_disabled_source_and_enables_it(
    tmp_path: Path,
    http: httpx.AsyncClient,
    clock: FakeClock,
    payload_server: PayloadServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = payload_server.serve(PATH, b"<html>Access denied by upstream firewall</html>", status=403)
    path = config(tmp_path, url)
    path.write_text(path.read_text().replace('language = "en"', 'language = "es"', 1))
    settings = load_settings(path)
    db = await open_database(settings.storage.database)
    try:  # the bot's poll, in this process
        poller = make_poller(db, http, clock, disable_after_failures=1)
        assert (await poller.poll(greenhouse(url), interval_s=600)).status == "disabled"
    finally:
        await db.close()

    assert await print_sources(settings) == 0
    header, row, *rest = capsys.readouterr().out.splitlines()
    assert header.split()[:3] == ["TIPO", "NOMBRE", "ESTADO"]
    assert row.split()[:3] == ["greenhouse", "greenhouse:acme", "DESACTIVADA"]
    assert "HTTP 403" in row and "firewall" not in row
    assert rest[-1].endswith("python -m bot sources --enable greenhouse:acme")

    # As an operator types it.
    done = await run_main("sources", "--enable", "greenhouse:acme", "--config", str(path))
    assert done.code == 0 and "greenhouse:acme vuelve a estar activa" in done.out
    with sqlite3.connect(tmp_path / "vigia.db") as conn:
        assert conn.execute("SELECT disabled_at, consecutive_failures FROM sources").fetchall() == [
            (None, 0)
        ]


def _health(**fields: object) -> SourceHealth:
    values: dict[str, object] = {
        "kind": "greenhouse",
        "name": "greenhouse:acme",
        "last_poll": "2026-12-03T10:00:00Z",
        "last_status": "error: HTTP 503",
        "consecutive_failures": 10,
        "next_poll": "2026-12-03T11:00:00Z",
        "postings_seen": 4,
        "reason": "http:503",
        "disabled": True,
    }
    values.update(fields)
    return SourceHealth(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "disabled after 10 failures in a row (HTTP 503)"),
        ("es", "desactivada tras 10 fallos seguidos (HTTP 503)"),
    ],
)
def test_chats_see_a_disabled_source_and_why(language: str, words: str) -> None:
    health = _health()
    assert words in source_line(health, language)
    assert source_line(health, language).startswith("⛔ greenhouse:acme")
    [field] = sources_embed([health], language).fields
    assert field.name == "⛔ greenhouse:acme"
    assert words[0].upper() + words[1:] in (field.value or "")


@pytest.mark.parametrize(
    ("reason", "en", "es"),
    [
        ("timeout", "timed out", "sin respuesta a tiempo"),
        ("format", "unreadable answer", "respuesta ilegible"),
        ("blocked", "blocked by the site", "bloqueada por el sitio"),
    ],
)
def test_failures_read_as_short_reasons_never_as_what_the_source_sent(
    reason: str, en: str, es: str
) -> None:
    failing = _health(
        reason=reason, disabled=False, consecutive_failures=2, last_status="error: <html>..."
    )
    assert (status_text(failing, "en"), status_text(failing, "es")) == (en, es)
    assert source_line(failing, "en").startswith("🔴 greenhouse:acme")
    healthy = _health(reason=reason, disabled=False, consecutive_failures=0, last_status="304")
    assert status_text(healthy, "en") == "304"
