"""Words as the scam detectors compare them: folded, stemmed, in English and Spanish.

A detector's vocabulary is written once per language as plain words ("pay paid buy",
"pagar abonar comprar"), and matches every inflected form a message uses: "paying",
"pagues", "enviando", "cheques", "agrégame". Words are compared after `fold_aligned` (no
accents, lower case) and Snowball stemming (PyStemmer, the C build of the Snowball
stemmers), with Spanish enclitic pronouns taken off verbs ("escríbeme" → "escribe").

Each `Concept` is a set of such words; a text token carries a bitmask of the concepts it
belongs to, so a detector asks "is this token a payment verb?" with one AND. Multi-word
entries ("gift card", "tarjeta de regalo", "me gusta") match as adjacent tokens.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import Stemmer

from bot.scam.wordids import Column
from bot.text import fold_aligned

__all__ = ["Concept", "Lexicon", "concept", "token_stems"]

# No cache of their own (PyStemmer keeps 10,000 words each by default, ~1.75 MB apiece, and
# purging it is slow): `token_stems` caches what they give, so theirs only held the same
# words twice.
_EN = Stemmer.Stemmer("english", 0)
_ES = Stemmer.Stemmer("spanish", 0)
#: Spanish object pronouns written onto a verb: "agrégame", "envíanos", "escríbeles".
_ENCLITICS = ("selos", "selas", "nos", "les", "los", "las", "me", "te", "le", "lo", "la", "se")


@dataclass(frozen=True, slots=True)
class Concept:
    """A named set of words in both languages; `bit` is its place in a token's bitmask."""

    name: str
    en: tuple[str, ...]
    es: tuple[str, ...]
    bit: int
    names: tuple[str, ...] = ()  # matched as written (folded), never stemmed

    def __or__(self, other: Concept | int) -> int:
        return self.bit | (other.bit if isinstance(other, Concept) else other)

    def __ror__(self, other: int) -> int:
        return self.bit | other


class _Registry:
    """Every concept defined at import, in definition order; their bits are 1 << index."""

    def __init__(self) -> None:
        self.concepts: list[Concept] = []
        self.names: dict[str, Concept] = {}


_REGISTRY = _Registry()


def concept(name: str, en: str = "", es: str = "", names: str = "") -> Concept:
    """Define a concept from "|"-separated words or phrases: `en="pay | gift card"`.

    Words are stemmed in their own language; a phrase matches its words as adjacent tokens.
    `names` (apps, brands, abbreviations: "whatsapp | wasap | usdt") are matched exactly as
    written, since a stemmer would turn "whats" into "what".
    """
    if name in _REGISTRY.names:
        raise ValueError(f"concept {name!r} is defined twice")
    found = Concept(
        name,
        _entries(en),
        _entries(es),
        1 << len(_REGISTRY.concepts),
        _entries(names),
    )
    _REGISTRY.concepts.append(found)
    _REGISTRY.names[name] = found
    return found


def _entries(words: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in words.split("|") if word.strip())


#: The language of a text, when known: "en", "es", or None (read as either).
Language = str | None


@functools.lru_cache(maxsize=200_000)
def token_stems(token: str, language: Language = None) -> tuple[tuple[str, str], ...]:
    """What a (folded) text token may stand for: (language, stem) pairs, plus ("names",
    token). In an English text only English stems count, in a Spanish one only Spanish
    ones, so "transfer" in English is not the Spanish "transferir"."""
    stems: set[tuple[str, str]] = {("names", token)}
    if language in (None, "en"):
        stems.add(("en", _EN.stemWord(token)))
    if language in (None, "es"):
        stems.add(("es", _ES.stemWord(token)))
        if len(token) >= 6:
            for pronoun in _ENCLITICS:
                if token.endswith(pronoun):
                    stems.add(("es", _ES.stemWord(token[: -len(pronoun)])))
                    break
    return tuple(stems)


def _word_stems(words: str, language: str) -> tuple[str, ...]:
    """An entry as the stems it matches: stemmed in its language, or as written for names."""
    folded = fold_aligned(words).replace("-", " ").split()
    if language == "names":
        return tuple(folded)
    stemmer = _EN if language == "en" else _ES
    return tuple(stemmer.stemWord(word) for word in folded)


Phrase = tuple[tuple[tuple[str, str], ...], int]  # ((language, stem), ...), bits


class Lexicon:
    """(language, stem) → concept bits, built once from every concept defined."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.single: dict[tuple[str, str], int] = {}
        #: first (language, stem) → [(the phrase's stems, bits)], longest phrase first
        self.phrases: dict[tuple[str, str], list[Phrase]] = {}
        #: the same, by their first two (language, stem): most word pairs start none
        self.by_pair: dict[tuple[tuple[str, str], tuple[str, str]], list[Phrase]] = {}
        phrase_bits: dict[tuple[tuple[str, str], ...], int] = {}
        for item in concepts:
            for language, words in (("en", item.en), ("es", item.es), ("names", item.names)):
                for entry in words:
                    stems = tuple((language, stem) for stem in _word_stems(entry, language))
                    if not stems:
                        continue
                    if len(stems) == 1:
                        self.single[stems[0]] = self.single.get(stems[0], 0) | item.bit
                    else:
                        phrase_bits[stems] = phrase_bits.get(stems, 0) | item.bit
        for phrase, bits in sorted(phrase_bits.items(), key=lambda entry: -len(entry[0])):
            self.phrases.setdefault(phrase[0], []).append((phrase, bits))
            self.by_pair.setdefault((phrase[0], phrase[1]), []).append((phrase, bits))
        #: Every (language, stem) some multi-word entry has second.
        self._seconds = frozenset(pair[1] for pair in self.by_pair)
        self._bit_columns: dict[Language, Column] = {}
        self._phrase_columns: dict[Language, Column] = {}
        self._bits: dict[Language, dict[str, int]] = {}
        self._phrases_of: dict[Language, dict[str, list[Phrase]]] = {}
        self._pairs: dict[Language, dict[tuple[str, str], list[Phrase]]] = {}

    @classmethod
    def shared(cls) -> Lexicon:
        """The lexicon of every concept defined so far (rebuilt when one is added)."""
        global _SHARED
        if _SHARED is None or _SHARED[0] != len(_REGISTRY.concepts):
            _SHARED = (len(_REGISTRY.concepts), cls(list(_REGISTRY.concepts)))
        return _SHARED[1]

    def table(self, language: Language) -> dict[str, int]:
        """Word → concept bits for the words already seen in texts of `language` (a view
        reads it directly: a dictionary hit per word, no call)."""
        return self._bits.setdefault(language, {})

    def bits_column(self, language: Language) -> Column:
        """`bits` of every numbered word (`bot.scam.wordids`), in texts of `language`."""
        column = self._bit_columns.get(language)
        if column is None:
            column = Column(lambda words: [self.bits(word, language) for word in words], object)
            self._bit_columns[language] = column
        return column

    def phrase_column(self, language: Language) -> Column:
        """Of every numbered word, in texts of `language`: 1 when a multi-word entry may
        start with it (`phrases_from`), plus 2 when it may be an entry's second word. A
        pair of words can start an entry (`phrases_at`) only when the first has 1 and the
        second 2."""
        column = self._phrase_columns.get(language)
        if column is None:
            column = Column(
                lambda words: [self._phrase_code(word, language) for word in words], np.int8
            )
            self._phrase_columns[language] = column
        return column

    def _phrase_code(self, word: str, language: Language) -> int:
        second = not self._seconds.isdisjoint(token_stems(word, language))
        return (1 if self.phrases_from(word, language) else 0) | (2 if second else 0)

    def phrase_table(self, language: Language) -> dict[str, list[Phrase]]:
        return self._phrases_of.setdefault(language, {})

    def pair_table(self, language: Language) -> dict[tuple[str, str], list[Phrase]]:
        """(word, next word) → the multi-word entries starting there, for the pairs seen."""
        return self._pairs.setdefault(language, {})

    def phrases_at(self, first: str, second: str, language: Language) -> list[Phrase]:
        """Multi-word entries that start with these two words (cached by the pair)."""
        table = self._pairs.setdefault(language, {})
        key = (first, second)
        found = table.get(key)
        if found is None:
            found = []
            for one in token_stems(first, language):
                for two in token_stems(second, language):
                    found.extend(self.by_pair.get((one, two), ()))
            if len(table) >= _MAX_CACHED_WORDS:
                table.clear()
            table[key] = found
        return found

    def bits(self, token: str, language: Language = None) -> int:
        """The concepts a single token belongs to, in a text of `language`."""
        table = self.table(language)
        cached = table.get(token)
        if cached is None:
            cached = 0
            for stem in token_stems(token, language):
                cached |= self.single.get(stem, 0)
            if len(table) >= _MAX_CACHED_WORDS:
                table.clear()  # a bounded cache: start over rather than grow for ever
            table[token] = cached
        return cached

    def phrases_from(self, token: str, language: Language = None) -> list[Phrase]:
        """Multi-word entries that may start at this token."""
        table = self.phrase_table(language)
        found = table.get(token)
        if found is None:
            found = []
            for stem in token_stems(token, language):
                found.extend(self.phrases.get(stem, ()))
            if len(table) >= _MAX_CACHED_WORDS:
                table.clear()
            table[token] = found
        return found


_SHARED: tuple[int, Lexicon] | None = None
_MAX_CACHED_WORDS = 200_000
