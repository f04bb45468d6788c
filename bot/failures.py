"""One posting's failure stays with that posting.

Posting text is other people's data, and a bug that only one odd posting reaches must not stop
a poll of thirty, a `score` run or an "is this legit?" answer. The places that handle one
posting catch what they did not expect, call `posting_failed`, and go on with what they can
still give: a posting with the failed field left unknown, or an unscored verdict.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from bot.logs import ids
from bot.metrics import count_posting_failure

__all__ = ["STAGE_FIELD", "count_replayed", "posting_failed"]

log = logging.getLogger("vigia.failures")
#: The log record's attribute naming the failed stage: a line logged in the CPU worker
#: process is counted again in the bot's process, where /metrics is served.
STAGE_FIELD = "vigia_failed_stage"
#: Where the project's own code lives: the place a failure is reported at is the deepest frame
#: there, not inside the library that raised (`re`, `json`).
_OUR_PACKAGES = {Path(__file__).resolve().parent, Path(__file__).resolve().parents[1] / "adapters"}


def posting_failed(stage: str, source: str, posting_id: str, error: BaseException) -> None:
    """Log one line (the source, the posting id, the error's type and where it was raised;
    never the posting's text, which exception messages may quote) and count it."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if _OUR_PACKAGES & set(Path(frame.filename).parents)]
    deepest = ours or frames
    where = f" at {Path(deepest[-1].filename).name}:{deepest[-1].lineno}" if deepest else ""
    log.error(
        "%s failed for posting %s of %s: %s%s; the posting is kept, the rest go on",
        stage,
        posting_id[:120],
        source[:120],
        type(error).__name__,
        where,
        extra={**ids(source=source[:120], posting=posting_id[:120]), STAGE_FIELD: stage},
    )
    count_posting_failure(stage)


def count_replayed(record: logging.LogRecord) -> None:
    """Count a `posting_failed` line logged in another process and handed over as a record
    (any other record counts nothing)."""
    stage = getattr(record, STAGE_FIELD, None)
    if isinstance(stage, str):
        count_posting_failure(stage)
