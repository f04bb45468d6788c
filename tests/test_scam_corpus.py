"""The real-world corpus: well formed, sourced, split once by source, and what `eval` reads."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.scam import ScamChecker
from bot.scam.corpus import (
    HELD_OUT,
    HOLDOUT_PERCENT,
    SPLITS,
    TRAINED_ON,
    assign_splits,
    load_cases,
    split_of,
)
from bot.scam.corpus_eval import evaluate_corpus, run_corpus_eval

FAMILIES = {
    "advance_fee", "task_scheme", "fake_cheque", "money_mule", "data_harvest", "chat_move",
    "pay_lure", "unsolicited", "recruit_others", "remote_access", "impersonation",
}  # fmt: skip
KINDS = {"message", "posting", "account", "description", "notice"}


def test_every_case_is_sourced_labelled_and_restated() -> None:
    cases = load_cases()
    assert len(cases) >= 150
    assert len({case.id for case in cases}) == len(cases)
    for case in cases:
        record = case.record
        assert case.label in {"scam", "legit"}, case.id
        assert case.lang in {"es", "en"}, case.id
        assert case.kind in KINDS, case.id
        assert str(record["source"]).startswith(("http://", "https://")), case.id
        assert record["description"].strip(), case.id
        assert set(case.families) <= FAMILIES, case.id
        assert case.split in SPLITS, case.id
    descriptions = Counter(case.record["description"] for case in cases)
    assert descriptions.most_common(1)[0][1] == 1


def test_at_least_forty_percent_is_spanish_on_both_sides() -> None:
    for split in SPLITS:
        cases = load_cases(split=split)
        assert sum(case.lang == "es" for case in cases) / len(cases) >= 0.40
        labels = Counter((case.label, case.lang) for case in cases)
        assert min(labels.values()) >= 20, labels


def test_no_held_out_part_is_learnt_from() -> None:
    """The targets are measured only on parts neither the model nor the choice of its
    operating point ever read."""
    assert set(HELD_OUT) and not set(HELD_OUT) & set(TRAINED_ON)
    assert set(HELD_OUT) | set(TRAINED_ON) == set(SPLITS)


def test_the_split_is_by_source_and_stable() -> None:
    cases = [case for case in load_cases() if case.split in ("dev", "holdout")]
    sides: dict[str, set[str]] = {}
    for case in cases:
        sides.setdefault(case.record["source"], set()).add(case.split)
        assert case.split == split_of(case.record["source"])
    assert all(len(side) == 1 for side in sides.values())
    held_out = sum(case.split == "holdout" for case in cases) / len(cases)
    assert abs(held_out - HOLDOUT_PERCENT / 100) < 0.1


@pytest.mark.parametrize(
    ("split", "rounds", "least"),
    [
        ("fresh", {"fresh", "fresh2"}, 500),
        ("fresh3", {"fresh3"}, 240),
        ("fresh4", {"fresh4"}, 230),
        ("fresh5", {"fresh5"}, 240),
        ("fresh6", {"fresh6"}, 150),
    ],
)
def test_the_fresh_parts_are_held_out_from_sources_no_other_part_has(
    split: str, rounds: set[str], least: int
) -> None:
    """The later held-out parts: their own files, every case held out, and no source page
    shared with any other part (no near-copy leaks in)."""
    cases = load_cases()
    fresh = [case for case in cases if case.split == split]
    assert len(fresh) >= least
    assert {case.id.split("-")[0] for case in fresh} == rounds
    others = {case.record["source"].strip() for case in cases if case.split != split}
    assert not {case.record["source"].strip() for case in fresh} & others


def test_assigning_splits_touches_only_cases_without_one(tmp_path: Path) -> None:
    path = tmp_path / "new.jsonl"
    rows = [
        {"id": "a", "label": "scam", "source": "https://example.org/a", "split": "holdout"},
        {"id": "b", "label": "legit", "source": "https://example.org/b"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    assert assign_splits(path) == 1
    written = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert written[0]["split"] == "holdout"  # kept, even if its hash would say otherwise
    assert written[1]["split"] == split_of("https://example.org/b")
    assert assign_splits(path) == 0


def test_eval_breaks_figures_down_by_language_kind_and_family() -> None:
    cases = load_cases(split="dev")
    report = evaluate_corpus(cases, ScamChecker(model=None), "dev")
    assert set(report.by_language) == {"en", "es"}
    assert report.overall.scams + report.overall.legit == len(cases)
    assert set(report.by_family) <= FAMILIES and "advance_fee" in report.by_family
    out = io.StringIO()
    held_out = HELD_OUT[0]
    assert run_corpus_eval(out, ScamChecker(model=None), splits=("dev", held_out)) == 0
    dev, fresh = out.getvalue().split(f"== {held_out}")
    assert "by language:" in dev and "by family:" in dev and "targets: " not in dev
    assert "by language:" in fresh and "targets: " in fresh  # measured on the held-out part
