"""Text folding that keeps offsets, so a rule can match folded text and quote the original.

Rules are written once for lower-case ASCII ("contactanos", not "Contáctanos"); the folded text
has exactly one character for each character of the original, so a match at [start, end) in
the folded text is the evidence at [start, end) in what the user sees.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
}


def _fold_char(char: str) -> str:
    """One character in, one character out: lower case, accents dropped."""
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    lower = char.lower()
    if len(lower) != 1:
        lower = char
    base = unicodedata.normalize("NFKD", lower)[:1]
    if base and base.isascii() and base.isalpha():
        return base
    return lower


@functools.cache
def _table() -> dict[int, str]:
    """Translation table for the Latin ranges and the punctuation above (built once)."""
    table = {code: _fold_char(chr(code)) for code in range(0x41, 0x250)}
    table.update({ord(char): folded for char, folded in _PUNCTUATION.items()})
    return {code: folded for code, folded in table.items() if folded != chr(code)}


def fold(text: str) -> str:
    """Lower case without accents, same length as `text` (see the module docstring)."""
    folded = text.translate(_table())
    if not folded.isascii():
        folded = folded.lower()
        if len(folded) != len(text):
            folded = "".join(_fold_char(char) for char in folded)
    return folded


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
