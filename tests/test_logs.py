"""No secret reaches a log line, whoever logs it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import QUIET_LIBRARIES, configure_logging, ids
from bot.models import ChatRef

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
