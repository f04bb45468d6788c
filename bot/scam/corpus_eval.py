"""How the checker does on the real corpus: by side, language, scam family and kind of text.

`python -m bot eval` prints this for every part of the corpus (`bot.scam.corpus.SPLITS`),
and the targets line for the part held out now (`HELD_OUT`; each earlier held-out part was
measured once and then retired into development). The targets (issue 8): on a held-out part,
in each language, at least 90 % of scams at caution or worse and at most 3 % of legit texts
at scam.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from bot.models import RiskLevel, Verdict
from bot.scam.corpus import HELD_OUT, TRAINED_ON, Case, load_cases
from bot.scam.evaluate import labelled_posting
from bot.scam.score import ScamChecker

__all__ = ["CorpusReport", "Tally", "evaluate_corpus", "run_corpus_eval"]

#: Issue 8's targets on the held-out part, in each language.
TARGET_SCAMS_AT_CAUTION = 0.90
TARGET_LEGIT_AT_SCAM = 0.03


@dataclass
class Tally:
    """Scams caught (caution or worse, and scam) and legit texts flagged, in one group."""

    scams: int = 0
    scams_caution: int = 0
    scams_scam: int = 0
    legit: int = 0
    legit_caution: int = 0
    legit_scam: int = 0

    def add(self, is_scam: bool, level: RiskLevel) -> None:
        flagged = level is not RiskLevel.OK
        if is_scam:
            self.scams += 1
            self.scams_caution += flagged
            self.scams_scam += level is RiskLevel.SCAM
        else:
            self.legit += 1
            self.legit_caution += flagged
            self.legit_scam += level is RiskLevel.SCAM

    def line(self) -> str:
        def share(part: int, whole: int) -> str:
            return f"{part}/{whole} {100 * part / whole:5.1f}%" if whole else "—"

        return (
            f"scams at caution+ {share(self.scams_caution, self.scams):>15}   at scam "
            f"{share(self.scams_scam, self.scams):>15}   legit at scam "
            f"{share(self.legit_scam, self.legit):>14}   at caution+ "
            f"{share(self.legit_caution, self.legit):>14}"
        )


@dataclass
class CorpusReport:
    split: str
    overall: Tally = field(default_factory=Tally)
    by_language: dict[str, Tally] = field(default_factory=dict)
    by_family: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)  # scams left at ok
    flagged: list[str] = field(default_factory=list)  # legit texts at scam

    def format(self) -> str:
        note = " (the text model was trained on this part: see `train` for fair figures)"
        lines = [f"== {self.split}: {self.overall.scams} scams, {self.overall.legit} legit"
                 + (note if self.split in TRAINED_ON else ""),
                 f"  all        {self.overall.line()}"]  # fmt: skip
        for title, groups in (
            ("language", self.by_language),
            ("kind", self.by_kind),
            ("family", self.by_family),
        ):
            lines.append(f"  by {title}:")
            for name in sorted(groups):
                lines.append(f"    {name:<15} {groups[name].line()}")
        if self.missed:
            lines.append("  scams at ok: " + ", ".join(self.missed))
        if self.flagged:
            lines.append("  legit at scam: " + ", ".join(self.flagged))
        return "\n".join(lines)


def evaluate_corpus(cases: Iterable[Case], checker: ScamChecker, split: str) -> CorpusReport:
    report = CorpusReport(split)
    for case in cases:
        level = verdict_of(case, checker).level
        report.overall.add(case.is_scam, level)
        report.by_language.setdefault(case.lang, Tally()).add(case.is_scam, level)
        report.by_kind.setdefault(case.kind, Tally()).add(case.is_scam, level)
        for family in case.families if case.is_scam else ():
            report.by_family.setdefault(family, Tally()).add(True, level)
        if case.is_scam and level is RiskLevel.OK:
            report.missed.append(case.id)
        if not case.is_scam and level is RiskLevel.SCAM:
            report.flagged.append(case.id)
    return report


def run_corpus_eval(out: TextIO, checker: ScamChecker, *, splits: Sequence[str]) -> int:
    """Print the corpus report for each part, and how the held-out part meets the targets;
    0 when the corpus was read."""
    cases = load_cases()
    if not cases:
        out.write("no corpus cases found\n")
        return 1
    for split in splits:
        report = evaluate_corpus([case for case in cases if case.split == split], checker, split)
        out.write(report.format() + "\n")
        if split in HELD_OUT:
            out.write(targets_line(report) + "\n")
    return 0


def targets_line(report: CorpusReport) -> str:
    """Whether each language meets the targets (scams at caution+, legit at scam)."""
    parts = []
    for language, tally in sorted(report.by_language.items()):
        caught = tally.scams_caution / tally.scams if tally.scams else 0.0
        flagged = tally.legit_scam / tally.legit if tally.legit else 0.0
        met = caught >= TARGET_SCAMS_AT_CAUTION and flagged <= TARGET_LEGIT_AT_SCAM
        parts.append(
            f"{language} {'meets' if met else 'MISSES'} (scams at caution+ {caught:.1%} "
            f">= {TARGET_SCAMS_AT_CAUTION:.0%}, legit at scam {flagged:.1%} "
            f"<= {TARGET_LEGIT_AT_SCAM:.0%})"
        )
    return "  targets: " + "; ".join(parts)


def verdict_of(case: Case, checker: ScamChecker) -> Verdict:
    posting, profile, extra = labelled_posting(case.record)
    return checker.check(posting, company_profile=profile, extra_text=extra)
