"""No secret reaches a log line, whoever logs it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from telegram import Update
from telegram.ext import AIORateLimiter, ExtBot

from adapters.chat.telegram_handlers import CheckHandlers
from bot.links.checker import LegitChecker
from bot.links.safefetch import SafeFetcher
from bot.logs import QUIET_LIBRARIES, configure_logging, ids
from bot.models import ChatRef
from bot.scam import ScamChecker
from bot.services import Services
from bot.store import Database
from tests.telegram_stub import telegram_stub
from tests.test_services import NoNetwork, PrivateResolver

TOKEN = "123456:AAH-very-secret-token"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def test_tokens_are_redacted_from_library_log_lines_and_tracebacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", [TOKEN])
    logging.getLogger("vigia").info("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise ValueError(f"bad url https://api.telegram.org/bot{TOKEN}/x")
    except ValueError:
        logging.getLogger("vigia").exception("request failed")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count("***") == 2
    assert "HTTP Request" not in err  # library request logs are kept at WARNING


def test_json_log_lines_carry_the_ids_as_fields_and_no_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", ["123456:secret-token-xyz"], json_lines=True)
    log = logging.getLogger("vigia.test")
    log.warning("poll %s failed", "greenhouse:acme", extra=ids(source="greenhouse:acme"))
    log.info("GET /bot123456:secret-token-xyz/getMe", extra=ids(chat=ChatRef("telegram", "5")))
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["source"] == "greenhouse:acme" and lines[0]["level"] == "WARNING"
    assert lines[0]["message"] == "poll greenhouse:acme failed"
    assert lines[1]["chat"] == "telegram:5" and "secret-token-xyz" not in json.dumps(lines)


SECRET_TEXT = (
    "Hola Ana, soy Marta de RRHH: paga la cuota de 60 USDT por Telegram y empiezas mañana "
    "https://marta-rrhh.example/alta"
)


async def test_a_legit_check_logs_its_check_and_chat_ids_and_none_of_the_persons_text(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    fetcher = SafeFetcher(transport=NoNetwork(), resolver=PrivateResolver())
    checker = LegitChecker(fetcher=fetcher, checker=ScamChecker(), db=db)
    services = Services.build(db=db, linkchecker=checker, configured_sources=[])
    configure_logging("INFO", json_lines=True)

    result = await services.checks.legit_message(
        SECRET_TEXT, language="es", chat=ChatRef("telegram", "5")
    )

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    checks = [line for line in lines if line["logger"] == "vigia.checks"]
    assert {line["check"] for line in checks} == {
        str(result.check_id),
        *(str(part.check_id) for part in result.parts),
    }
    assert all(line["chat"] == "telegram:5" for line in checks)
    logged = json.dumps(lines, ensure_ascii=False)
    assert "Marta" not in logged and "marta-rrhh" not in logged and "USDT" not in logged


async def test_a_failed_telegram_update_is_logged_by_its_ids_never_its_text(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    services = Services.build(
        db=db,
        linkchecker=LegitChecker(
            fetcher=SafeFetcher(transport=NoNetwork(), resolver=PrivateResolver()),
            checker=ScamChecker(),
            db=db,
        ),
        configured_sources=[],
    )
    async with telegram_stub() as stub:
        bot: ExtBot[int] = ExtBot(
            "123:log-test-token", base_url=stub.base_url, rate_limiter=AIORateLimiter(max_retries=0)
        )
        async with bot:
            update = Update.de_json(
                {
                    "update_id": 77,
                    "message": {
                        "message_id": 3,
                        "date": 1_800_000_000,
                        "chat": {"id": 5, "type": "private", "first_name": "Ana"},
                        "from": {"id": 5, "is_bot": False, "first_name": "Ana"},
                        "text": SECRET_TEXT,
                    },
                },
                bot,
            )
            configure_logging("INFO", json_lines=True)
            context = SimpleNamespace(error=ValueError("boom"))
            await CheckHandlers(services).on_error(update, context)  # type: ignore[arg-type]
            assert len(stub.accepted) == 1  # the person is told something went wrong

    [line] = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"vigia.telegram' in line
    ]
    assert line["message"] == "update 77 failed" and line["chat"] == "telegram:5"
    assert "Marta" not in json.dumps(line, ensure_ascii=False)
