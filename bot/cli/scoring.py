"""`python -m bot score` and `python -m bot eval`: the scam checks over files.

Input is read as bytes and decoded line by line, so a binary file or a stray non-UTF-8 line
is an error line, not a traceback. A file that cannot be read at all (missing, a folder, no
permission) is one message and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from bot.i18n import t

__all__ = ["EXIT_UNREADABLE", "evaluate", "score"]

EXIT_UNREADABLE = 2


def score(settings: Settings, path: Path | None) -> int:
    from bot.app import build_checker
    from bot.scam.evaluate import run_score

    checker = build_checker(settings)
    if path is None:
        return run_score(sys.stdin.buffer, sys.stdout, checker)
    try:
        stream = path.open("rb")
    except OSError as error:
        return _unreadable(settings, path, error.strerror or type(error).__name__)
    with stream:
        try:
            return run_score(stream, sys.stdout, checker)
        except OSError as error:  # a folder opens, then fails to read
            return _unreadable(settings, path, error.strerror or type(error).__name__)


def _unreadable(settings: Settings, path: Path, reason: str) -> int:
    print(
        t("cli.unreadable", settings.console.language, path=str(path)[:300], error=reason),
        file=sys.stderr,
    )
    return EXIT_UNREADABLE


def evaluate(settings: Settings, path: Path | None, split: str) -> int:
    from bot.app import build_checker

    checker = build_checker(settings)
    if path is not None:
        from bot.scam.evaluate import run_eval

        if not path.is_file():
            reason = "Is a directory" if path.is_dir() else "No such file"
            return _unreadable(settings, path, reason)
        return run_eval(str(path), sys.stdout, checker)
    from bot.scam.corpus import SPLITS
    from bot.scam.corpus_eval import run_corpus_eval

    return run_corpus_eval(
        sys.stdout, checker, splits=SPLITS if split == "all" else (split,)
    )
