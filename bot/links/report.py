"""The answer to one "is this legit?": the verdict, what the page said, and why it could not
be read, as a card and as the `--json` shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.delivery.cards import Card
from bot.delivery.render import reason_line, verdict_card
from bot.errors import FetchFailed, FetchRefused
from bot.i18n import t
from bot.models import Posting, Verdict
from bot.serialize import posting_to_dict, signal_to_dict

__all__ = ["LinkReport", "Problem", "describe_problem", "report_card", "report_to_dict"]

Problem = FetchRefused | FetchFailed


@dataclass(frozen=True, slots=True)
class LinkReport:
    """One answer. `url` is the canonical link (None for pasted text); `posting` is what the
    page or text said (None when the page could not be read); `problem` says why not."""

    url: str | None
    verdict: Verdict
    posting: Posting | None
    fetched: bool
    problem: Problem | None = None
    how: str | None = None  # "jsonld" | "opengraph" | "text": how the posting was read
    cached: bool = False
    final_url: str | None = None  # where the redirects ended, when the page was fetched

    def note(self, language: str) -> str:
        """The translated "the page could not be read: <reason>" line; "" when it was read."""
        if self.problem is None:
            return ""
        return t("linkcheck.note.unread", language, reason=describe_problem(self.problem, language))


def describe_problem(problem: Problem, language: str) -> str:
    """The translated reason of a refused or failed fetch."""
    return t(f"fetch.reason.{problem.reason}", language, **problem.params)


def report_to_dict(report: LinkReport, language: str) -> dict[str, Any]:
    """The `--json` shape: one flat object, reasons with their translated text."""
    verdict = report.verdict
    return {
        "url": report.url,
        "fetched": report.fetched,
        "problem": report.problem.reason if report.problem else None,
        "note": report.note(language),
        "level": verdict.level.value,
        "risk": verdict.risk,
        "reasons": [
            {**signal_to_dict(signal), "text": reason_line(signal, language)}
            for signal in verdict.reasons
        ],
        "verified_employer": verdict.verified_employer,
        "matched_script": verdict.matched_script,
        "posting": posting_to_dict(report.posting) if report.posting else None,
        "how": report.how,
        "final_url": report.final_url,
    }


def report_card(report: LinkReport, language: str, *, check_id: int = 0) -> Card:
    """The verdict card for a report (`bot.delivery.render.verdict_card`), for the CLI and
    the chat adapters."""
    posting = report.posting
    subject = (posting.title if posting and posting.title else "") or report.url or ""
    if not subject and posting:
        subject = posting.description[:120]
    return verdict_card(
        report.verdict,
        check_id,
        language,
        subject=subject,
        url=report.url,
        note=report.note(language),
        posting=posting if report.fetched else None,
    )
