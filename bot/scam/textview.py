"""A text as the scam detectors read it: the words that matter, their clauses, money, links.

Built once per posting or message and shared by every detector. A view keeps every word's
place (its index among the text's words, so "within 4 words" means what it says) but holds a
`Token` only for the words that belong to some concept, plus the marks that regular
expressions find better than words do: sums of money, stated pay, phone numbers, links and
their kind (a chat-app link, any link), e-mail addresses and @handles. Most words of a job
posting belong to no concept, so a view of 1,500 characters holds a few dozen tokens.

Offsets point into the original text (the fold keeps one character per character), so a
detector quotes the words a person wrote. Letters spaced out to slip past filters
("W h a t s A p p", "t.e.l.e.g.r.a.m") are joined into one word here, once.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt

from bot.postings.language import language_of_counts, stop_word_language
from bot.postings.pay import PayMention, find_pay
from bot.scam.lexicon import Lexicon, Phrase, token_stems
from bot.scam.textmarks import (
    mark_amounts,
    mark_spans,
)
from bot.scam.wordids import WORDS, Column
from bot.text import fold_aligned

__all__ = [
    "TextView",
    "Token",
    "view_of",
    "words_in",
]

#: A posting's signals are in its first pages; longer text is read this far.
MAX_VIEW_CHARS = 60_000

_WORD_SPLIT_RE = re.compile(r"([a-z0-9]+(?:'[a-z]+)?)")


_SPACE = 32
_BAR = 124
_CLAUSE_BREAK_RE = re.compile(r"[.!?;:\n¿¡()]")
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")
#: `bytes.translate` tables for the ASCII shadow (`_ascii_shadow`): a word's characters stay
#: and every other one becomes a space; a clause break becomes "|" and every other character
#: a space. One C pass each: `str.translate` looks every distinct character up in a mapping.
_WORD_BYTES = bytes(
    code if code < 128 and chr(code) in _WORD_CHARACTERS else _SPACE for code in range(256)
)
_BREAK_BYTES = bytes(
    _BAR if code < 128 and _CLAUSE_BREAK_RE.fullmatch(chr(code)) else _SPACE for code in range(256)
)
#: An apostrophe is part of a word only between a letter or figure and a letter ("don't").
_LOOSE_APOSTROPHE_RE = re.compile(r"(?<![a-z0-9])'|'(?![a-z])")
#: "a'b'c", "b11'e1": the regular expression ends such a word where the shortcut would not.
_APOSTROPHE_WORD_ENDS_RE = re.compile(r"'[a-z]+['0-9]")
_DIGIT_RE = re.compile(r"\d")
#: Runs of one-letter words this long are letters spaced out: "w h a t s a p p".
_SPACED_RUN = 4
_SPACED_DASH = " - "  # "Remote - pay weekly": a dash between spaces ends a clause too
#: Each word's stop-word language, as `bot.postings.language.language_of_words` counts it:
#: 1 English, 2 Spanish, 0 neither.
_STOP_LANGUAGE = Column(
    lambda words: [{"en": 1, "es": 2}.get(stop_word_language(word) or "", 0) for word in words],
    np.int8,
)
#: Words that open a new clause: "no fee to apply, but buy the kit" keeps the "no" away.
_CLAUSE_WORDS = frozenset(
    {"but", "however", "although", "pero", "aunque", "sino", "mientras", "embargo"}
)
_IS_CLAUSE_WORD = _CLAUSE_WORDS.__contains__
_NEXT = (1).__add__
_BITS_OF = operator.attrgetter("bits")


@dataclass(slots=True)
class Token:
    """A word (or a link, an address, a sum) that belongs to some concept."""

    start: int
    end: int
    text: str  # folded
    bits: int
    clause: int
    index: int  # its place among the text's words


@dataclass(slots=True)
class TextView:
    """One text's meaningful tokens, clauses and marks. Offsets point into `original`."""

    original: str
    folded: str
    tokens: list[Token]
    pay: list[PayMention]  # every sum stated as pay, periods or not ("1500-4000 MXN")
    language: str | None = None
    words: list[str] = field(default_factory=list)  # every word, folded, in order
    word_starts: list[int] = field(default_factory=list)  # where each word starts
    breaks: list[int] = field(default_factory=list)  # where punctuation ends a clause
    clause_words: list[int] = field(default_factory=list)  # indices of "but", "pero"…
    #: The distinct words: built once, read by every part that looks words up in a cache.
    vocabulary: set[str] = field(default_factory=set)
    #: An employer's or agency's warning about scams: its scam words describe scams, so only
    #: concrete asks (a sum, a number, a chat link) in it count (see `bot.scam.notice`).
    notice: bool = False
    union: int = -1  # every concept some token carries
    #: Each word's number (`bot.scam.wordids`), and the numbering they belong to.
    numbers: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    numbering: int = -1
    _positions: dict[int, list[int]] = field(default_factory=dict)

    def word_numbers(self) -> npt.NDArray[np.int32]:
        """`numbers`, numbered again if the process's numbering started over since."""
        if self.numbering != WORDS.generation:
            self.numbers = WORDS.numbers_of(self.words, self.vocabulary)
            self.numbering = WORDS.generation
        return self.numbers

    def positions(self, bits: int) -> list[int]:
        """Places in `tokens` of the tokens that carry any of `bits`, in order."""
        found = self._positions.get(bits)
        if found is None:
            if not bits & self.union:  # most concepts are in no text: skip the walk
                found = []
            else:
                found = list(
                    itertools.compress(
                        itertools.count(), map(bits.__and__, map(_BITS_OF, self.tokens))
                    )
                )
            self._positions[bits] = found
        return found

    def has(self, bits: int) -> bool:
        return bool(self.positions(bits))

    def unmark(self, place: int, bits: int) -> None:
        """Take concepts off one token (a word that is not what it looked like here)."""
        self.tokens[place].bits &= ~bits
        self._positions.clear()

    def clause_of_word(self, index: int) -> int:
        """The clause the word at `index` is in (-1 when there is no such word)."""
        if not 0 <= index < len(self.word_starts):
            return -1
        return _clause(self.breaks, self.clause_words, self.word_starts[index], index)

    def word_index_at(self, offset: int) -> int:
        """The index of the first word that ends after `offset`."""
        return bisect.bisect_right(self.word_starts, offset) - 1 if self.word_starts else 0

    def token_at(self, index: int) -> Token | None:
        """The token of the word at `index`, if that word belongs to a concept."""
        place = bisect.bisect_left(self.tokens, index, key=lambda token: token.index)
        if place < len(self.tokens) and self.tokens[place].index == index:
            return self.tokens[place]
        return None

    def quote(self, first: int, last: int, limit: int = 80) -> str:
        """The original words from token `first` to token `last`, clipped for a chat line."""
        text = " ".join(self.original[self.tokens[first].start : self.tokens[last].end].split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def view_of(text: str, language: str | None = None) -> TextView:
    """The view of `text` (its first `MAX_VIEW_CHARS` characters), its words read in
    `language` ("en", "es"; detected when not given, None when it cannot be told)."""
    original = text[:MAX_VIEW_CHARS]
    folded = fold_aligned(original)
    lexicon = Lexicon.shared()
    shadow = _ascii_shadow(folded)
    starts, ends, words = _words(folded, shadow)
    # Every per-word fact below is read for all the words at once, by their numbers.
    vocabulary = set(words)
    numbers = WORDS.numbers_of(words, vocabulary)
    if language is None:
        stop_words = np.bincount(_STOP_LANGUAGE.of(numbers), minlength=3)
        language = language_of_counts(int(stop_words[1]), int(stop_words[2]))
    marked = shadow.encode("ascii").translate(_BREAK_BYTES)  # "|" where a clause breaks
    breaks: list[int] = (
        np.flatnonzero(np.frombuffer(marked, dtype=np.uint8) == _BAR).tolist()
        if b"|" in marked
        else []
    )
    if _SPACED_DASH in folded:
        breaks = sorted(breaks + _all_at(folded, _SPACED_DASH))
    # Per word, only C-level steps (map, compress): a text has hundreds of words and a
    # Python step for each is most of a view's cost.
    clause_words = (
        []  # most texts have no "but" or "pero": the set answers without a pass over the words
        if _CLAUSE_WORDS.isdisjoint(vocabulary)
        else list(itertools.compress(itertools.count(), map(_IS_CLAUSE_WORD, words)))
    )
    bits: list[int] = lexicon.bits_column(language).of(numbers).tolist()
    span_ends, inside = mark_spans(folded, starts, bits)  # a link or an address is one word
    _mark_phrases(lexicon, words, numbers, bits, inside, language)
    has_digit = _has_digit(folded)
    pay = find_pay(original, limit=32, any_period=True, folded=folded) if has_digit else []
    if has_digit:
        mark_amounts(folded, starts, ends, bits, pay)
    places = list(itertools.compress(itertools.count(), bits))
    found = list(map(bits.__getitem__, places))
    token_starts = list(map(starts.__getitem__, places))
    token_ends = list(map(ends.__getitem__, places))
    for place, index in enumerate(places) if span_ends else ():
        token_ends[place] = span_ends.get(index, token_ends[place])
    clauses = list(map(bisect.bisect_left, itertools.repeat(breaks), token_starts))
    if clause_words:
        after = map(bisect.bisect_right, itertools.repeat(clause_words), places)
        clauses = list(map(operator.add, clauses, after))
    tokens = list(
        map(
            Token,
            token_starts,
            token_ends,
            map(folded.__getitem__, map(slice, token_starts, token_ends)),
            found,
            clauses,
            places,
        )
    )
    union = functools.reduce(operator.or_, found, 0)
    view = TextView(
        original, folded, tokens, pay, language, words, starts, breaks, clause_words, vocabulary
    )
    view.union = union
    view.numbers, view.numbering = numbers, WORDS.generation
    return view


def _ascii_shadow(folded: str) -> str:
    """`folded` with "¿" and "¡" as "." and every other character outside ASCII as a space:
    the same words and clause breaks, the same length. `str.translate` keeps a fast path
    for ASCII text only; on other text it takes a Python-level lookup per character."""
    if folded.isascii():
        return folded
    return folded.encode("ascii", _SHADOW_ERRORS).decode("ascii")


def _shadow_of(error: UnicodeError) -> tuple[str, int]:
    """The ASCII encoder's handler for a run of other characters: what `_ascii_shadow` puts
    in their place (it is called once a run, and most texts have a few short runs)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start : error.end]
    return "".join("." if char in "¿¡" else " " for char in run), error.end


_SHADOW_ERRORS = "vigia.ascii_shadow"
codecs.register_error(_SHADOW_ERRORS, _shadow_of)


def _has_digit(folded: str) -> bool:
    """Whether the text has a figure: ten substring scans of an ASCII text (each a memchr)
    cost far less than a regular expression stepping through it; other text takes `\\d`."""
    if folded.isascii():
        return any(map(folded.__contains__, "0123456789"))
    return _DIGIT_RE.search(folded) is not None


def _clause(breaks: list[int], clause_words: list[int], start: int, index: int) -> int:
    """A word's clause: the breaks before it, and the clause-opening words up to it."""
    return bisect.bisect_left(breaks, start) + bisect.bisect_right(clause_words, index)


def words_in(folded: str) -> list[str]:
    """The words of a folded text, as a view holds them."""
    return _words(folded)[2]


def _words(folded: str, shadow: str | None = None) -> tuple[list[int], list[int], list[str]]:
    """Every word with its offsets; letters spaced out ("w h a t s a p p") joined.

    The same words as `_WORD_SPLIT_RE` finds, found without a Python step per word: every
    character that cannot be in a word becomes a space (`bytes.translate`), the words are that
    text's `split()`, and their offsets are where a space is followed by a word character,
    found on the bytes with numpy. Texts whose apostrophes the shortcut cannot place
    ("a'b'c", "'quoted'") take the regular expression."""
    ascii_text = _ascii_shadow(folded) if shadow is None else shadow
    spaced = ascii_text.encode("ascii").translate(_WORD_BYTES).decode("ascii")
    if "'" in spaced:
        spaced = _LOOSE_APOSTROPHE_RE.sub(" ", spaced)
        if _APOSTROPHE_WORD_ENDS_RE.search(spaced):
            return _words_by_regex(folded)
    words = spaced.split()
    if not words:
        return [], [], []
    is_word = np.frombuffer(f" {spaced} ".encode("ascii"), dtype=np.uint8) != _SPACE
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    starts_array = edges[0::2]
    ends_array = edges[1::2]
    starts: list[int] = starts_array.tolist()
    ends: list[int] = ends_array.tolist()
    ones = np.flatnonzero(ends_array - starts_array == 1)
    if len(ones) < _SPACED_RUN:
        return starts, ends, words
    singles = [index for index in ones.tolist() if words[index].isalpha()]
    if len(singles) < _SPACED_RUN:
        return starts, ends, words
    return _join_spaced(folded, starts, ends, words, singles)


def _words_by_regex(folded: str) -> tuple[list[int], list[int], list[str]]:
    parts = _WORD_SPLIT_RE.split(folded)  # separator, word, separator, word, …, separator
    offsets = list(itertools.accumulate(map(len, parts), initial=0))
    words = parts[1::2]
    starts = offsets[1 : 2 * len(words) : 2]
    ends = offsets[2 : 2 * len(words) + 1 : 2]
    singles = [index for index, size in enumerate(map(len, words)) if size == 1]
    singles = [index for index in singles if words[index].isalpha()]
    if len(singles) < _SPACED_RUN:
        return starts, ends, words
    return _join_spaced(folded, starts, ends, words, singles)


def _join_spaced(
    folded: str, starts: list[int], ends: list[int], words: list[str], singles: list[int]
) -> tuple[list[int], list[int], list[str]]:
    for run_start, run_end in reversed(_spaced_runs(folded, singles, starts)):
        joined = "".join(words[run_start : run_end + 1])
        span_start, span_end = starts[run_start], ends[run_end]
        starts[run_start : run_end + 1] = [span_start]
        ends[run_start : run_end + 1] = [span_end]
        words[run_start : run_end + 1] = [joined]
    return starts, ends, words


def _all_at(text: str, needle: str) -> list[int]:
    found: list[int] = []
    position = text.find(needle)
    while position >= 0:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def _spaced_runs(folded: str, singles: list[int], starts: list[int]) -> list[tuple[int, int]]:
    """Runs of at least `_SPACED_RUN` one-letter words, each a separator or two apart."""
    runs: list[tuple[int, int]] = []
    first = previous = singles[0]
    for index in [*singles[1:], -1]:
        close = index == previous + 1 and starts[index] - starts[previous] <= 3
        if close and folded[starts[previous] + 1 : starts[index]].strip(" .*_-") == "":
            previous = index
            continue
        if previous - first + 1 >= _SPACED_RUN:
            runs.append((first, previous))
        first = previous = index
    return runs


def _mark_phrases(
    lexicon: Lexicon,
    words: list[str],
    numbers: npt.NDArray[np.int32],
    bits: list[int],
    inside: set[int],
    language: str | None,
) -> None:
    """Multi-word entries ("gift card", "me gusta"): their concept onto every word of them."""
    last_word = len(words) - 1
    pairs = lexicon.pair_table(language)
    # The places whose word starts some entry and whose next word may be an entry's second
    # (one array step: most pairs of words start none), and the entries starting at each.
    codes = lexicon.phrase_column(language).of(numbers)
    places: list[int] = np.flatnonzero(codes[:-1] & (codes[1:] >> 1) & 1).tolist()
    keys = list(
        zip(map(words.__getitem__, places), map(words.__getitem__, map(_NEXT, places)), strict=True)
    )
    cached = list(map(pairs.get, keys))
    if None in cached:  # pairs this process has not read yet
        entries = [
            lexicon.phrases_at(*key, language) if found is None else found
            for key, found in zip(keys, cached, strict=True)
        ]
    else:
        entries = cast("list[list[Phrase]]", cached)
    for index, found in itertools.compress(zip(places, entries, strict=True), entries):
        if index in inside:
            continue
        for stems, phrase_bits in found:
            last = index + len(stems) - 1
            if last > last_word:
                continue
            if all(
                stems[offset] in token_stems(words[index + offset], language)
                for offset in range(2, len(stems))
            ):
                for offset in range(len(stems)):
                    bits[index + offset] |= phrase_bits
