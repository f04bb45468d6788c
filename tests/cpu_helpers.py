"""Tasks for the CPU worker process's tests: module functions, so the worker can import them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.failures import posting_failed
from bot.models import Posting
from bot.polling.cpu_tasks import Kit


def fail_on_the_second(_kit: Kit, postings: Sequence[Posting]) -> list[str]:
    """Each posting's id; the second one fails as a bug one odd posting reaches would."""
    ids = []
    for index, posting in enumerate(postings):
        if index == 1:
            try:
                raise IndexError("a bug only this posting reaches")
            except IndexError as error:
                posting_failed("score", posting.source, posting.native_id, error)
            continue
        ids.append(posting.native_id)
    return ids
