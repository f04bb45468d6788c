"""Text helpers of the scam rules: the aligned fold, clauses around a hit, quotes for a chat.

Rules are written once for lower-case ASCII ("contactanos", not "Contáctanos") and run over
`bot.text.fold_aligned`, which keeps one character for each character of the original, so a
match at [start, end) in the folded text is the evidence at [start, end) in what the user sees.
"""

from __future__ import annotations

import re

from bot.text import fold_aligned as fold

__all__ = ["clause_bounds", "clip", "fold", "word_set"]

_CLAUSE_BREAK = re.compile(
    r"[.!?;](?=\s|$)|\n|\s(?:but|however|although|pero|aunque|sin embargo|mientras que)\s"
)


def clause_bounds(folded: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from the previous sentence break to the next one.

    "But" and "pero" also break a clause, so "no fee to apply, but buy the kit" keeps the
    "no" away from the kit.
    """
    window_start = max(0, start - 300)
    left = window_start
    for match in _CLAUSE_BREAK.finditer(folded, window_start, start):
        left = match.end()
    right_match = _CLAUSE_BREAK.search(folded, end, min(len(folded), end + 300))
    right = right_match.start() if right_match else min(len(folded), end + 300)
    return left, right


def clip(text: str, limit: int = 80) -> str:
    """Evidence short enough for a chat line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string, for readable word lists."""
    return frozenset(words.split())
