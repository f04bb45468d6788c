"""The CPU work of a poll as plain functions that run the same in the bot or its worker process.

Parsing a page and assessing new postings (relevance, scam verdict, job keys) are pure CPU
work over data: a response in, postings out; postings in, verdicts out. Written as module
functions over a `Kit` (the scam checker and the relevance filter) and picklable arguments,
they run on the bot's CPU thread with the bot's own kit, or in the worker process
(`bot.polling.cpu_process`) with a copy of it, with the same results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.failures import posting_failed
from bot.models import Posting, Verdict
from bot.polling.handover import handing_over
from bot.polling.source import Page, Source
from bot.postings.relevance import RelevanceFilter
from bot.postings.sameness import JobKeys, job_keys
from bot.scam import ScamChecker

__all__ = ["Assessed", "Kit", "assess", "parse_page"]

#: A new posting with its verdict (None when it is not about AI-training work: not scored)
#: and the keys it is matched on against the jobs already seen.
Assessed = tuple[Posting, Verdict | None, JobKeys]


@dataclass(frozen=True, slots=True)
class Kit:
    """What assessing a posting needs besides the posting; the worker process holds a copy."""

    checker: ScamChecker
    relevance: RelevanceFilter

    @property
    def revision(self) -> int:
        """Changes when the checker learns a script: a worker's copy is then out of date."""
        return self.checker.revision


def parse_page(_kit: Kit, source: Source, response: httpx.Response) -> Page:
    """`source.parse(response)`; the kit is not needed, taken for the common signature."""
    return source.parse(response)


def assess(kit: Kit, postings: Sequence[Posting]) -> list[Assessed]:
    """Each posting with its verdict and job keys. Its fingerprint is worked out here too
    (and remembered, also across a trip back from the worker process), off the loop."""
    assessed: list[Assessed] = []
    for posting in handing_over(postings):  # on the CPU thread, the loop gets turns
        posting.fingerprint  # noqa: B018  (remembered for the postings row)
        verdict = kit.checker.check(posting) if _is_relevant(kit, posting) else None
        assessed.append((posting, verdict, job_keys(posting)))
    return assessed


def _is_relevant(kit: Kit, posting: Posting) -> bool:
    """Relevance of one posting; a failure inside counts it as not relevant (kept, not
    alerted) and the rest of the poll goes on."""
    try:
        return kit.relevance.is_relevant(posting)
    except Exception as error:  # one posting's failure must not stop the poll
        posting_failed("relevance", posting.source, posting.native_id, error)
        return False
