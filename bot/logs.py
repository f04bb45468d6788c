"""Logging set-up that never lets a secret reach a log line.

Libraries log request URLs (the Telegram Bot API puts the token in the path), so a filter on
the root handler replaces every configured secret with `***`, whoever logged it.

`log_format = "json"` writes one JSON object a line for a log shipper: time, level, logger,
message, and the ids a line is about as fields of their own when the code gives them
(`log.info(..., extra=ids(source=..., chat=...))`: source, chat, posting, check, alert). A
user's message text is never logged, in either format.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import Any

#: The ids a log line may carry as JSON fields.
ID_FIELDS = ("source", "chat", "posting", "check", "alert")


def ids(**values: object) -> dict[str, object]:
    """`extra=` for a log call: the ids it is about, as JSON fields (text logs ignore them)."""
    unknown = set(values) - set(ID_FIELDS)
    assert not unknown, unknown
    return {f"vigia_{key}": str(value) for key, value in values.items() if value is not None}


class JsonLines(logging.Formatter):
    """One JSON object a record; the message and any traceback already redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ID_FIELDS:
            value = getattr(record, f"vigia_{key}", None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)

QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler", "aiosqlite", "discord", "telegram")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self._secrets:
                text = text.replace(secret, "***")
            record.exc_text, record.exc_info = text, None
        return True


def configure_logging(level: str, secrets: Iterable[str] = (), *, json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
