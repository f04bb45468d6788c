"""`python -m bot score` and `python -m bot eval`: the scam checks over files."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings

__all__ = ["evaluate", "score"]


def score(settings: Settings, path: Path | None) -> int:
    from bot.app import build_checker
    from bot.scam.evaluate import run_score

    checker = build_checker(settings)
    if path is None:
        return run_score(sys.stdin, sys.stdout, checker)
    with path.open(encoding="utf-8") as stream:
        return run_score(stream, sys.stdout, checker)


def evaluate(settings: Settings, path: Path | None, split: str) -> int:
    from bot.app import build_checker

    checker = build_checker(settings)
    if path is not None:
        from bot.scam.evaluate import run_eval

        return run_eval(str(path), sys.stdout, checker)
    from bot.scam.corpus_eval import run_corpus_eval

    return run_corpus_eval(
        sys.stdout, checker, splits=("dev", "holdout") if split == "all" else (split,)
    )
