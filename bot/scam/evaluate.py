"""`python -m bot score` and `python -m bot eval`: score JSON-lines postings, measure a checker.

score: one JSON posting a line in, one JSON verdict a line out, in order; a malformed line
gets an `{"error": ...}` line and the rest go on.

eval: on a labelled file (`label`: scam|legit, or EMSCAD's `fraudulent`: 0|1), precision,
recall and F1 of the scam class with `scam` as the positive prediction and again with
`caution` or worse, ROC-AUC and PR-AUC (average precision) of the risk, computed here without
scikit-learn, and the confusion of labels by level.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.errors import MalformedLine
from bot.models import Posting, RiskLevel, Verdict
from bot.postings.build import bounded_posting
from bot.postings.normalize import MAX_DESCRIPTION_CHARS
from bot.scam.score import ScamChecker

_TEXT_FIELDS = ("title", "company", "url", "location", "description", "company_profile")
_EXTRA_FIELDS = ("requirements", "benefits", "salary_range")


def labelled_posting(obj: Any, line_number: int = 0) -> tuple[Posting, str, str]:
    """A JSON object to (posting, company profile, extra text) for the checker."""
    if not isinstance(obj, dict):
        raise MalformedLine(f"expected a JSON object, got {type(obj).__name__}")
    values: dict[str, str] = {}
    for name in (*_TEXT_FIELDS, *_EXTRA_FIELDS):
        value = obj.get(name)
        if value is None:
            values[name] = ""
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            values[name] = str(value)
        else:
            raise MalformedLine(f"field {name!r} must be text, got {type(value).__name__}")
    native_id = obj.get("id", obj.get("job_id"))
    posting = Posting(
        source="score",
        native_id=str(native_id) if native_id is not None else str(line_number),
        url=values["url"],
        title=values["title"],
        company=values["company"],
        location=values["location"],
        description=values["description"],
        language=obj.get("lang") if isinstance(obj.get("lang"), str) else None,
    )
    extra = "\n".join(values[name] for name in _EXTRA_FIELDS if values[name])
    # The caps every posting from a source has: a 10 MB field is cut, not scored whole.
    return (
        bounded_posting(posting),
        values["company_profile"][:MAX_DESCRIPTION_CHARS],
        extra[:MAX_DESCRIPTION_CHARS],
    )


def verdict_to_line(verdict: Verdict, line_id: Any) -> dict[str, Any]:
    return {
        "id": line_id,
        "risk": verdict.risk,
        "level": verdict.level.value,
        "reasons": [
            {"id": signal.id, "weight": _number(signal.weight), "evidence": signal.evidence}
            for signal in verdict.reasons
        ],
        "verified_employer": verdict.verified_employer,
        "matched_script": verdict.matched_script,
        "scored": verdict.scored,
    }


_DEFAULT_CHECKER: ScamChecker | None = None


def _default_checker() -> ScamChecker:
    global _DEFAULT_CHECKER
    if _DEFAULT_CHECKER is None:
        _DEFAULT_CHECKER = ScamChecker()
    return _DEFAULT_CHECKER


def score_line(obj: dict[str, Any], checker: ScamChecker | None = None) -> dict[str, Any]:
    """One input object to its output object (raises MalformedLine for a bad object)."""
    posting, profile, extra = labelled_posting(obj)
    verdict = (checker or _default_checker()).check(
        posting, company_profile=profile, extra_text=extra
    )
    return verdict_to_line(verdict, obj.get("id", obj.get("job_id")))


def run_score(
    in_stream: Iterable[str | bytes], out_stream: TextIO, checker: ScamChecker
) -> int:
    """Score every line; returns 0 when every line was a posting, 1 when some were not.
    Lines may be bytes (a file read as it is): a line that is not UTF-8 is an error line."""
    failures = 0
    for line_number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        try:
            output = score_line(json.loads(_text(line)), checker)
        except (ValueError, RecursionError, MalformedLine) as error:
            # Not JSON, a 5,000-digit number, JSON nested too deep, or not a posting.
            failures += 1
            output = {"error": f"line {line_number}: {_describe(error)}"}
        out_stream.write(json.dumps(output, ensure_ascii=False) + "\n")
    out_stream.flush()
    return 1 if failures else 0


# -- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


@dataclass
class EvalReport:
    total: int = 0
    scams: int = 0
    legit: int = 0
    skipped: int = 0  # lines with no usable label, or malformed
    at_scam: Scores | None = None  # positive prediction = level scam
    at_caution: Scores | None = None  # positive prediction = caution or worse
    roc_auc: float | None = None
    pr_auc: float | None = None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # label → level → n
    missed_scams: list[str] = field(default_factory=list)  # scams left at ok
    flagged_legit: list[str] = field(default_factory=list)  # legit postings called scam

    def format(self) -> str:
        """A plain-text report for the terminal (a developer tool: figures, not prose)."""
        lines = [
            f"postings: {self.total} (scam {self.scams}, legit {self.legit}), "
            f"skipped {self.skipped}"
        ]
        for name, scores in (("scam", self.at_scam), ("caution+", self.at_caution)):
            if scores is not None:
                lines.append(
                    f"positive = {name:<9} precision {scores.precision:.3f}  recall "
                    f"{scores.recall:.3f}  F1 {scores.f1:.3f}  (TP {scores.true_positives}, "
                    f"FP {scores.false_positives}, FN {scores.false_negatives})"
                )
        lines.append(f"ROC-AUC {_fmt(self.roc_auc)}  PR-AUC {_fmt(self.pr_auc)}")
        levels = [level.value for level in RiskLevel]
        lines.append("confusion   " + "".join(f"{level:>9}" for level in levels))
        for label in ("scam", "legit"):
            row = self.confusion.get(label, {})
            lines.append(f"  {label:<9} " + "".join(f"{row.get(level, 0):>9}" for level in levels))
        if self.missed_scams:
            lines.append("scams at ok: " + ", ".join(self.missed_scams))
        if self.flagged_legit:
            lines.append("legit at scam: " + ", ".join(self.flagged_legit))
        return "\n".join(lines)


def label_of(obj: dict[str, Any]) -> bool | None:
    """True for a scam, False for legit, None when the line carries no usable label."""
    label = obj.get("label")
    if isinstance(label, str):
        value = label.strip().lower()
        if value in ("scam", "fraud", "fraudulent", "1"):
            return True
        if value in ("legit", "legitimate", "ok", "0"):
            return False
    fraudulent = obj.get("fraudulent")
    if isinstance(fraudulent, bool):
        return fraudulent
    if isinstance(fraudulent, int | float) and fraudulent in (0, 1):
        return bool(fraudulent)
    if isinstance(fraudulent, str) and fraudulent.strip() in ("0", "1"):
        return fraudulent.strip() == "1"
    return None


def evaluate(lines: Iterable[dict[str, Any]], checker: ScamChecker) -> EvalReport:
    """Score labelled postings and measure how well the levels and the risk separate them."""
    report = EvalReport()
    outcomes: list[tuple[bool, int, RiskLevel]] = []
    for index, obj in enumerate(lines, start=1):
        is_scam = label_of(obj) if isinstance(obj, dict) else None
        if is_scam is None:
            report.skipped += 1
            continue
        try:
            posting, profile, extra = labelled_posting(obj, index)
        except MalformedLine:
            report.skipped += 1
            continue
        verdict = checker.check(posting, company_profile=profile, extra_text=extra)
        outcomes.append((is_scam, verdict.risk, verdict.level))
        label = "scam" if is_scam else "legit"
        row = report.confusion.setdefault(label, {})
        row[verdict.level.value] = row.get(verdict.level.value, 0) + 1
        line_id = str(obj.get("id", obj.get("job_id", index)))
        if is_scam and verdict.level is RiskLevel.OK:
            report.missed_scams.append(line_id)
        if not is_scam and verdict.level is RiskLevel.SCAM:
            report.flagged_legit.append(line_id)
    report.total = len(outcomes)
    report.scams = sum(1 for is_scam, _, _ in outcomes if is_scam)
    report.legit = report.total - report.scams
    if outcomes:
        labels = [is_scam for is_scam, _, _ in outcomes]
        report.at_scam = _scores(labels, [level is RiskLevel.SCAM for _, _, level in outcomes])
        report.at_caution = _scores(labels, [level is not RiskLevel.OK for _, _, level in outcomes])
        risks = [float(risk) for _, risk, _ in outcomes]
        report.roc_auc = roc_auc(labels, risks)
        report.pr_auc = average_precision(labels, risks)
    return report


def run_eval(path: str, out_stream: TextIO, checker: ScamChecker) -> int:
    """Evaluate the labelled file at `path`; 0 when it had labelled postings, else 1.
    Lines that are not UTF-8 JSON objects are skipped like other unlabelled lines."""
    try:
        with open(path, "rb") as labelled:
            report = evaluate(_json_lines(labelled), checker)
    except OSError as error:
        out_stream.write(f"cannot read {path}: {error.strerror or error}\n")
        return 1
    out_stream.write(report.format() + "\n")
    return 0 if report.total else 1


def _json_lines(stream: Iterable[str | bytes]) -> Iterator[dict[str, Any]]:
    for line in stream:
        if not line.strip():
            continue
        try:
            obj = json.loads(_text(line))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, a 5,000-digit number
            obj = None
        yield obj if isinstance(obj, dict) else {}


def _text(line: str | bytes) -> str:
    """A line as text; UnicodeDecodeError (a ValueError) when bytes are not UTF-8."""
    return line.decode("utf-8") if isinstance(line, bytes) else line


def _describe(error: Exception) -> str:
    """A short reason for an error line: the message, or the error's type when the message
    is long (a JSON error quoting a huge line) or empty."""
    if isinstance(error, RecursionError):
        return "JSON nested too deep"
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text (byte {error.start + 1})"
    message = str(error)
    return message if message and len(message) <= 200 else type(error).__name__


# -- metrics ---------------------------------------------------------------------------------


def _scores(labels: list[bool], predicted: list[bool]) -> Scores:
    tp = sum(1 for label, guess in zip(labels, predicted, strict=True) if label and guess)
    fp = sum(1 for label, guess in zip(labels, predicted, strict=True) if guess and not label)
    fn = sum(1 for label, guess in zip(labels, predicted, strict=True) if label and not guess)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, fp, fn)


def roc_auc(labels: list[bool], scores: list[float]) -> float | None:
    """The probability that a random scam outscores a random legit posting (ties count 1/2)."""
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    order = sorted(range(len(scores)), key=lambda index: scores[index])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        stop = start
        while stop + 1 < len(order) and scores[order[stop + 1]] == scores[order[start]]:
            stop += 1
        average_rank = (start + stop) / 2 + 1
        for position in range(start, stop + 1):
            ranks[order[position]] = average_rank
        start = stop + 1
    positive_rank_sum = sum(rank for rank, label in zip(ranks, labels, strict=True) if label)
    return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(labels: list[bool], scores: list[float]) -> float | None:
    """Area under the precision–recall curve, as average precision over score thresholds."""
    positives = sum(labels)
    if not positives:
        return None
    pairs = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    true_positives = seen = 0
    previous_recall = area = 0.0
    index = 0
    while index < len(pairs):
        threshold = pairs[index][0]
        while index < len(pairs) and pairs[index][0] == threshold:
            true_positives += pairs[index][1]
            seen += 1
            index += 1
        recall = true_positives / positives
        area += (recall - previous_recall) * (true_positives / seen)
        previous_recall = recall
    return area


def _number(weight: float) -> int | float:
    return int(weight) if float(weight).is_integer() else weight


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
