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

    The text's bytes are mapped in one `bytes.translate` (every digit to "0", with
    `separators` "." and "," to ".", everything else to a space) and the runs found by a
    pattern that starts with the literal "0", which `re` skips to with a fast scan: `\\d`
    itself steps through a text of 1,500 characters several times slower, and numpy's
    fixed cost per call was most of what finding a few figures took. Returns None for text
    outside ASCII, whose digits the caller's regular expression reads (`\\d` is every
    script's digits there)."""
    if not text.isascii():
        return None
    if separators:
        marked = text.encode("ascii").translate(_DIGITS_AND_SEPARATORS)
        return [match.span() for match in _MARKED_NUMBER.finditer(marked)]
    marked = text.encode("ascii").translate(_DIGITS_ONLY)
    return [match.span() for match in _MARKED_DIGITS.finditer(marked)]


_DIGITS_ONLY = bytes(48 if 48 <= code < 58 else 32 for code in range(256))
_DIGITS_AND_SEPARATORS = bytes(
    48 if 48 <= code < 58 else 46 if code in (44, 46) else 32 for code in range(256)
)
_MARKED_DIGITS = re.compile(rb"00*")  # a literal first "0": `re` finds it with a fast scan
_MARKED_NUMBER = re.compile(rb"0[0.]*")
