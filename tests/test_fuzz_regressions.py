"""Inputs that once crashed the text path, kept passing for good.

Each file under `tests/data/fuzz_regressions/` is one input: the first line is the title, the
rest the description. `bench/fuzz_text_path.py` writes new crashes; copy them here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fuzz_targets import run_text_path

CASES = sorted((Path(__file__).parent / "data" / "fuzz_regressions").iterdir())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_past_crash_now_gets_a_verdict_and_cards(case: Path) -> None:
    text = case.read_bytes().decode("utf-8", "replace")
    title, _, description = text.partition("\n")
    run_text_path(title, description or title)
