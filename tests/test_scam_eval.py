"""`score` and `eval`: JSON lines in, verdict lines and figures out."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.scam import ScamChecker, evaluate, run_eval, run_score, score_line
from bot.scam.evaluate import average_precision, label_of, roc_auc

SCAM = {
    "id": "a1",
    "title": "AI Tutor",
    "company": "Appen",
    "url": "https://appen-jobs.work/x",
    "description": "Buy the onboarding kit ($65). Contact us on Telegram.",
}
LEGIT = {
    "id": "b2",
    "title": "AI Tutor",
    "company": "Outlier",
    "url": "https://outlier.ai/x",
    "description": "Write and rate answers. $20-$30 per hour.",
    "requirements": "Bachelor's degree",
    "benefits": "Flexible hours",
}


@pytest.fixture(scope="module")
def checker() -> ScamChecker:
    """The rules alone: the figures below are arithmetic on their fixed weights."""
    return ScamChecker(model=None)


def test_score_writes_one_line_per_posting_in_order(checker: ScamChecker) -> None:
    lines = [json.dumps(SCAM), "", json.dumps(LEGIT), json.dumps({"title": "no id"})]
    out = io.StringIO()
    assert run_score(io.StringIO("\n".join(lines) + "\n"), out, checker) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["id"] for row in rows] == ["a1", "b2", None]
    assert rows[0]["level"] == "scam" and rows[0]["risk"] == 100
    assert rows[0]["reasons"][0] == {
        "id": "advance_fee",
        "weight": 65,
        "evidence": "Buy the onboarding kit",
    }
    assert rows[1] == {
        "id": "b2",
        "risk": 0,
        "level": "ok",
        "reasons": [],
        "verified_employer": "Outlier",
        "matched_script": None,
        "scored": True,
    }
    assert set(rows[2]) == {
        "id",
        "risk",
        "level",
        "reasons",
        "verified_employer",
        "matched_script",
        "scored",
    }


def test_malformed_lines_get_an_error_line_and_the_rest_go_on(checker: ScamChecker) -> None:
    text = "{not json\n[1, 2]\n" + json.dumps({"title": {"nested": 1}}) + "\n" + json.dumps(SCAM)
    out = io.StringIO()
    assert run_score(io.StringIO(text), out, checker) == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 4
    assert all("error" in row for row in rows[:3])
    assert rows[0]["error"].startswith("line 1:")
    assert rows[3]["id"] == "a1" and rows[3]["level"] == "scam"


def test_score_line_without_a_checker_uses_the_shipped_defaults() -> None:
    assert score_line(SCAM)["level"] == "scam"


def test_labels_scam_legit_and_emscad_fraudulent() -> None:
    assert label_of({"label": "scam"}) is True
    assert label_of({"label": "legit"}) is False
    assert label_of({"fraudulent": 1}) is True
    assert label_of({"fraudulent": "0"}) is False
    assert label_of({"title": "x"}) is None


def test_eval_figures_on_a_tiny_labelled_file(tmp_path: Path, checker: ScamChecker) -> None:
    rows = [
        {**SCAM, "label": "scam"},
        {**LEGIT, "label": "legit"},
        {"id": "c3", "fraudulent": 1, "title": "Helper", "description": "Urgent! Apply today."},
        {
            "id": "d4",
            "fraudulent": 0,
            "title": "Engineer",
            "company_profile": "Acme builds tools.",
            "description": "Python and SQL. We never charge fees.",
        },
        {"id": "e5", "title": "unlabelled"},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\nnot json\n", encoding="utf-8")
    report = evaluate((json.loads(line) for line in path.read_text().splitlines()[:5]), checker)
    assert (report.total, report.scams, report.legit, report.skipped) == (4, 2, 2, 1)
    assert report.at_scam is not None and report.at_caution is not None
    # a1 is scam; c3 (urgency, no company) stays ok: recall 1/2 at either cut, precision 1
    assert (report.at_scam.precision, report.at_scam.recall) == (1.0, 0.5)
    assert report.at_scam.f1 == pytest.approx(2 / 3)
    assert report.missed_scams == ["c3"] and report.flagged_legit == []
    assert report.confusion["scam"] == {"scam": 1, "ok": 1}
    assert report.confusion["legit"] == {"ok": 2}
    # the risk still ranks both scams (100, 25) above both legit postings (0, 0)
    assert report.roc_auc == pytest.approx(1.0) and report.pr_auc == pytest.approx(1.0)
    out = io.StringIO()
    assert run_eval(str(path), out, checker) == 0
    text = out.getvalue()
    assert "precision 1.000" in text and "ROC-AUC" in text and "PR-AUC" in text
    assert "scams at ok: c3" in text


def test_run_eval_on_a_missing_file_says_so(tmp_path: Path, checker: ScamChecker) -> None:
    out = io.StringIO()
    assert run_eval(str(tmp_path / "missing.jsonl"), out, checker) == 1
    assert "cannot read" in out.getvalue()


def test_roc_auc_and_average_precision_match_hand_computed_values() -> None:
    labels = [True, False, True, False, True]
    scores = [0.9, 0.8, 0.7, 0.2, 0.2]
    # pairs (pos, neg): (0.9>0.8) (0.9>0.2) (0.7<0.8) (0.7>0.2) (0.2=0.8? no, <) (0.2 = 0.2 → ½)
    assert roc_auc(labels, scores) == pytest.approx((1 + 1 + 0 + 1 + 0 + 0.5) / 6)
    # thresholds 0.9: P=1 R=1/3; 0.8: P=1/2; 0.7: P=2/3 R=2/3; 0.2: P=3/5 R=1
    assert average_precision(labels, scores) == pytest.approx(
        1 / 3 * 1 + 1 / 3 * 2 / 3 + 1 / 3 * 3 / 5
    )
    assert roc_auc([True, True], [1.0, 0.5]) is None
