"""Text folding: the forms in which keywords, rules and identities compare text.

Two forms, for two needs:

* `fold` may change the length ("ß" → "ss"): posting identity, relevance and filters, where
  only equality of folded words matters;
* `fold_aligned` keeps exactly one character for each character of the original, so that a
  match at [start, end) in the folded text quotes the original at [start, end): scam rules and
  the pay grammar, whose evidence a person reads.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "fold_aligned"]


def fold(text: str) -> str:
    """Lower case without accents ("Anotación" → "anotacion"): the form keywords and text are
    compared in. ASCII text, most of what job boards send, skips the Unicode decomposition."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
    """Lower case without accents, the same length as `text` (see the module docstring)."""
    if text.isascii():
        return text.lower()
    return text.translate(_ALIGNED)
