"""Cases written after the checks were built, by someone who did not tune them: a guard
against rules that only know the cases they were tuned on. Every scam is flagged at least
`caution`, no legit posting is called a scam."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.models import Posting, RiskLevel
from bot.scam import ScamChecker

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "scam_holdout_cases.jsonl")
    .read_text()
    .splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_held_out_case(case: dict[str, str]) -> None:
    posting = Posting(
        source="eval",
        native_id=case["id"],
        url=case["url"],
        title=case["title"],
        company=case["company"],
        description=case["description"],
    )
    verdict = ScamChecker().check(posting)
    if case["label"] == "scam":
        assert verdict.level is not RiskLevel.OK, verdict
    else:
        assert verdict.level is not RiskLevel.SCAM, verdict
