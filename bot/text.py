"""Text folding: the forms in which keywords, rules and identities compare text.

Two forms, for two needs:

* `fold` may change the length ("ß" → "ss"): posting identity, relevance and filters, where
  only equality of folded words matters;
* `fold_aligned` keeps exactly one character for each character of the original, so that a
  match at [start, end) in the folded text quotes the original at [start, end): scam rules and
  the pay grammar, whose evidence a person reads.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

__all__ = ["digit_runs", "fold", "fold_aligned"]


def fold(text: str) -> str:
    """Lower case without accents ("Anotación" → "anotacion"): the form keywords and text are
    compared in. ASCII text, most of what job boards send, skips the Unicode decomposition."""
    if text.isascii():
        return text.lower()
    decomposed = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    if decomposed.isascii():  # accented Latin text: the marks were all in the one block
        return decomposed
    return decomposed.translate(_NO_COMBINING)


class _NoCombiningTable(dict[int, str | None]):
    """`str.translate` table dropping combining marks, each character classified once:
    a Python step per character (as `"".join(... if not combining(ch))` took) was most of
    what folding a description with accents cost."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = self[code] = None if unicodedata.combining(char) else char
        return kept


_NO_COMBINING = _NoCombiningTable()
#: The combining marks of Unicode's "Combining Diacritical Marks" block, what an accented
#: Latin letter leaves after decomposition ("ó" → "o" + U+0301), removed by one regex.
_LATIN_MARKS = re.compile(
    "["
    + "".join(chr(code) for code in range(0x300, 0x370) if unicodedata.combining(chr(code)))
    + "]"
)


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
    "\u2212": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
}


def _fold_char(char: str) -> str:
    """One character in, one character out: lower case, accents dropped.

    Compatibility forms fold to their letter, so "𝐖𝐡𝐚𝐭𝐬𝐀𝐩𝐩" (mathematical bold, a way to slip
    past filters) reads as "whatsapp", and full-width "１５" as "15".
    """
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    lower = char.lower()
    if len(lower) != 1:
        lower = char
    base = unicodedata.normalize("NFKD", lower)[:1].lower()
    if base and base.isascii() and base.isalnum():
        return base
    return lower


class _AlignedTable(dict[int, str]):
    """`str.translate` table that folds any character on first sight and remembers it.

    Job text is mostly ASCII with a few accents, symbols and emoji: after the first postings
    every character is a dictionary hit, and `translate` runs at C speed.
    """

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_ALIGNED = _AlignedTable()
_ALIGNED.update({code: chr(code).lower() for code in range(0x41, 0x5B)})


def fold_aligned(text: str) -> str:
    """Lower case without accents, the same length as `text` (see the module docstring).

    Every character folds to one character, so the text is folded as an array of code
    points: ASCII capitals by arithmetic, and only the characters outside ASCII (a few dozen
    accents in a Spanish posting) through the table. `str.translate` took a Python-level
    table lookup for every character of any text that was not pure ASCII."""
    if text.isascii():
        return text.lower()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = codes + (((codes - np.uint32(65)) < 26).astype(np.uint32) << 5)  # A-Z: +32
    far = np.flatnonzero(codes > 127)
    table = _ALIGNED
    folded[far] = [ord(table[code]) for code in codes[far].tolist()]
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


def digit_runs(text: str, *, separators: bool = False) -> list[tuple[int, int]] | None:
    """Where the figures of an ASCII text are, as `re.finditer(r"\\d+")` finds them, or with
    `separators` as `\\d[\\d.,]*` does ("1,200.50" whole): (start, end) pairs in order.

    Found on the text's bytes with numpy: `re` steps through a long text several times
    slower. A short one (a title, most descriptions' figures) goes through `re` all the
    same: numpy's calls cost a fixed 10-30 µs, more than `re` takes for a text under
    `NUMPY_MIN_CHARS` (the pay grammar reads a posting's title and description, and the
    scam checks its text: 60,000 calls in `bench/poll_cycle.py`). Returns None for text
    outside ASCII, whose digits the caller's regular expression reads (`\\d` is every
    script's digits there)."""
    if not text.isascii():
        return None
    if len(text) < NUMPY_MIN_CHARS:
        return _runs_by_regex(text, separators=separators)
    return _runs_by_numpy(text, separators=separators)


#: From this many characters `digit_runs` finds figures with numpy (see there).
NUMPY_MIN_CHARS = 1500
_DIGIT_RUN = re.compile(r"[0-9]+")
_FIGURE_RUN = re.compile(r"[0-9][0-9.,]*")


def _runs_by_regex(text: str, *, separators: bool) -> list[tuple[int, int]]:
    pattern = _FIGURE_RUN if separators else _DIGIT_RUN
    return [match.span() for match in pattern.finditer(text)]


def _runs_by_numpy(text: str, *, separators: bool) -> list[tuple[int, int]]:
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    digit = (raw - np.uint8(48)) < 10  # wraps below "0": one comparison per byte
    inside = digit | (raw == 46) | (raw == 44) if separators else digit
    edges = np.flatnonzero(np.diff(inside, prepend=False, append=False))
    starts, ends = edges[0::2], edges[1::2]
    if separators and starts.shape[0]:
        digits = np.flatnonzero(digit)
        if not digits.shape[0]:
            return []
        first = digits[np.minimum(np.searchsorted(digits, starts), digits.shape[0] - 1)]
        keep = (first >= starts) & (first < ends)
        starts, ends = first[keep], ends[keep]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
