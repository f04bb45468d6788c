"""Check 3b: a linear model over character n-grams, learned from the real corpus.

Rules catch the schemes whose words we wrote down; real scam texts say the same things in a
thousand other ways (misspelt, in regional Spanish, machine-translated). A plain linear model
over character n-grams of words (3 to 5 letters, padded at word edges, as scikit-learn's
`char_wb` analyzer) learns those ways from the development part of the corpus
(`python -m bot train`) and adds its score to the families'. Its reason is a single line
("the wording is close to real scam messages"); what a person reads first still comes from
the families.

A text's features are its n-gram counts divided by their total (at least `MIN_NGRAMS`): the
score is the mean weight of the text's n-grams, so a text scores neither higher nor lower for
being long (a square-root scaling still let length push the score: long legit postings
gathered weight and an empty text came out a scam), and a short one is not judged
confidently on two words. Because n-grams stay inside words, a text's score
is a sum over its words, and each distinct word is scored once per process: after the first
few hundred postings almost every word is a dictionary hit, which keeps the model off the
hot path's bill.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.scam.textview import MAX_VIEW_CHARS, words_in
from bot.scam.wordids import Column
from bot.text import fold_aligned

__all__ = [
    "MODEL_FILE",
    "WARNING_MIN_PROBABILITY",
    "ModelInfo",
    "ModelScore",
    "TextModel",
    "feature_rows",
    "feature_rows_of_words",
    "hashed_ngrams",
    "money_signs",
    "passages",
    "ramp_points",
    "save_model",
    "with_model",
    "words_of",
    "words_of_view",
]

MODEL_FILE = "data/text_model.npz"
HASH_BITS = 20
NGRAMS = (3, 5)
_MONEY_SIGNS = ("$", "€", "£", "₹")
_MAX_CACHED_WORDS = 300_000
#: Texts with fewer n-grams than this are scaled as if they had this many: a few words
#: are too little evidence for a confident score, so a short message leans on the families.
MIN_NGRAMS = 100
#: The words of a passage the model's doubt reads on its own (`TextModel.most_scam_like`):
#: a scam message pasted into a long, ordinary posting still has a passage that reads like
#: a scam, so length does not buy a text the model's doubt. A text shorter than one passage
#: is never doubted: its low score says the model has too few words to judge
#: (`MIN_NGRAMS`), not that they read as an ordinary posting's.
PASSAGE_WORDS = 60
#: The model's points may carry a text over the scam line only when the families' own risk
#: is at least this: wording plus one caution-level reason is a warning, not a verdict of
#: scam (chosen on the development folds: at 45 the legit texts the model pushed over the
#: line stay under it, and the scams it lifts to caution stay lifted).
SCAM_FLOOR = 45
#: A text in a warning's voice (`bot.scam.notice`) gets the model's points only from this
#: probability up. Warnings are written in scams' own words, and the model scores many
#: employers' notices as scams; but the police's and the press's descriptions of one scheme
#: also advise the reader ("no pagues", "denuncia"). On the development folds
#: (2026-12-05) 137 texts read as warnings, 39 of them scams: above 0.9, 14 scams and 2 legit
#: notices; above 0.8, 23 scams and 10 notices.
WARNING_MIN_PROBABILITY = 0.9


def ramp_points(
    probability: float, threshold: float, max_weight: float, saturate_at: float = 1.0
) -> float:
    """The model's points for a probability: none up to `threshold`, then rising in a
    straight line to `max_weight` at `saturate_at`, and no more above it. The checker
    (`TextModel.weight`) and the choice of the mapping (`bot.scam.operating_point`) both
    use it."""
    if probability <= threshold:
        return 0.0
    rising = max_weight * (probability - threshold) / (saturate_at - threshold)
    return round(min(max_weight, rising), 1)


def _sigmoid(margin: float) -> float:
    """A margin as a probability; clamped, so a text of extreme words cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, margin))))


def with_model(base_risk: float, added: float, scam_at: int) -> float:
    """The risk of a text whose reasons other than the model's sum to `base_risk`, once the
    model adds `added` points (see `SCAM_FLOOR`)."""
    risk = min(100.0, base_risk + added)
    if base_risk < SCAM_FLOOR:
        risk = min(risk, max(base_risk, scam_at - 1))
    return risk


def words_of(text: str) -> list[str]:
    """The words of `text` as the model sees them: the scam checks' words (folded, spaced-out
    letters joined) and the money signs."""
    folded = fold_aligned(text[:MAX_VIEW_CHARS])
    return words_of_view(words_in(folded), folded)


def words_of_view(words: list[str], folded: str) -> list[str]:
    """`words_of` from the words a `TextView` already holds, and its folded text."""
    signs = money_signs(folded)
    return words + signs if signs else words


def money_signs(folded: str) -> list[str]:
    """The money signs of a text, each as often as it is written: words to the model."""
    if folded.isascii():  # "$" is the only one in ASCII
        return ["$"] * folded.count("$")
    return [sign for sign in _MONEY_SIGNS for _ in range(folded.count(sign))]


def hashed_ngrams(word: str, *, bits: int = HASH_BITS) -> list[int]:
    """The hashed character n-grams of one word, padded with a space at each edge."""
    padded = f" {word} "
    mask = (1 << bits) - 1
    low, high = NGRAMS
    grams: list[int] = []
    for size in range(low, high + 1):
        for start in range(0, max(0, len(padded) - size) + 1):
            gram = padded[start : start + size]
            if len(gram) == size:
                grams.append(zlib.crc32(gram.encode("utf-8")) & mask)
    return grams


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a model file says about itself: when and on what it was trained."""

    trained_on: str
    cases: int
    scams: int
    intercept: float
    threshold: float  # probability at which the model starts to add risk
    max_weight: float  # the most risk it adds, reached at `saturate_at`
    #: The same per language ("en": [threshold, max_weight, saturate_at]; files trained
    #: before saturation give two), chosen on each language's own folds; a text of another or
    #: an unknown language uses the ones here.
    languages: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    #: Below this probability the wording reads as an ordinary posting's, and the families'
    #: cues alone do not make a verdict of scam (`bot.scam.verdicts.combine`); 0 in files
    #: trained before it existed.
    doubt_below: float = 0.0
    #: The probability at which the points reach `max_weight` (1.0: at certainty).
    saturate_at: float = 1.0


@dataclass(frozen=True, slots=True)
class ModelScore:
    probability: float
    words: tuple[str, ...]  # folded, strongest first


class TextModel:
    """Scores a text's closeness to real scams, as a probability."""

    def __init__(self, weights: np.ndarray, info: ModelInfo) -> None:
        self._weights = weights.astype(np.float32)
        self.info = info
        self._word_weights: dict[str, float] = {}  # a word's n-grams' summed weight
        self._word_counts: dict[str, int] = {}  # and how many n-grams it has
        # The same two by word number (`bot.scam.wordids`), for a text's words at once.
        self._weight_column = Column(self._weights_of, np.float64)
        self._count_column = Column(self._counts_of, np.int64)

    @classmethod
    def load(cls, path: str | Path | None = None) -> TextModel | None:
        """The shipped model (or the one at `path`); None when there is none."""
        try:
            if path is None:
                handle = resources.files("bot.scam").joinpath(MODEL_FILE)
                with handle.open("rb") as stream:
                    return cls._read(stream)
            with open(path, "rb") as stream:
                return cls._read(stream)
        except FileNotFoundError:
            return None

    @classmethod
    def _read(cls, stream: Any) -> TextModel:
        data = np.load(stream, allow_pickle=False)
        weights = np.zeros(1 << int(data["bits"]), dtype=np.float32)
        weights[data["indices"]] = data["values"].astype(np.float32)
        info = ModelInfo(**json.loads(str(data["info"])))
        return cls(weights, info)

    def probability(self, text: str) -> float:
        """How likely the text is a scam, by its wording alone (0 to 1)."""
        return self.score(text).probability

    def score(self, text: str, *, top: int = 3) -> ModelScore:
        """The probability, and the words of the text that pushed it up the most."""
        return self.score_words(words_of(text), top=top)

    def score_words(self, words: list[str], *, top: int = 3) -> ModelScore:
        """`score` from the text's words (`words_of`, or `words_of_view` of a view)."""
        return ModelScore(self.probability_of_words(words), self.strongest_words(words, top))

    def probability_of_words(self, words: list[str], vocabulary: set[str] | None = None) -> float:
        """The probability alone: sums over the words with C-level steps, each distinct word
        scored once per process (see the module docstring). `vocabulary`: the words' set,
        when the caller has it."""
        weights, counts = self._word_weights, self._word_counts
        distinct = set(words) if vocabulary is None else vocabulary
        for word in distinct.difference(weights):  # words this process has not read yet
            self._learn(word)
        total = math.fsum(map(weights.__getitem__, words))
        count = sum(map(counts.__getitem__, words))
        margin = self.info.intercept + total / max(count, MIN_NGRAMS)
        return _sigmoid(margin)

    def probability_of_numbers(self, numbers: npt.NDArray[np.int32], signs: list[str]) -> float:
        """`probability_of_words` of a text's words given by their numbers (a `TextView`'s),
        and its money `signs`: the words' weights and n-gram counts are read in one step."""
        weights = self._word_weights
        for sign in set(signs).difference(weights):
            self._learn(sign)
        total = math.fsum(
            itertools.chain(
                self._weight_column.of(numbers).tolist(), map(weights.__getitem__, signs)
            )
        )
        count = int(self._count_column.of(numbers).sum()) + sum(
            map(self._word_counts.__getitem__, signs)
        )
        margin = self.info.intercept + total / max(count, MIN_NGRAMS)
        return _sigmoid(margin)

    def most_scam_like(
        self, numbers: npt.NDArray[np.int32], signs: list[str], whole: float
    ) -> float:
        """The highest probability of the text (`whole`, from `probability_of_numbers`) and
        of each of its passages of `PASSAGE_WORDS` words: what the model's doubt reads, so
        that a long, ordinary text around a scam message does not dilute it."""
        if len(numbers) <= PASSAGE_WORDS:
            return whole
        weights = np.concatenate(([0.0], np.cumsum(self._weight_column.of(numbers))))
        counts = np.concatenate(([0], np.cumsum(self._count_column.of(numbers))))
        spans = np.array(passages(len(numbers)))
        sums = weights[spans[:, 1]] - weights[spans[:, 0]]
        sizes = np.maximum(counts[spans[:, 1]] - counts[spans[:, 0]], MIN_NGRAMS)
        margin = self.info.intercept + float(np.max(sums / sizes))
        return max(whole, _sigmoid(margin))

    def strongest_words(self, words: list[str], top: int = 3) -> tuple[str, ...]:
        """The words (longer than two letters) that pushed the score up the most."""
        weights = self._word_weights
        for word in set(words).difference(weights):
            self._learn(word)
        pushes = {
            word: weights[word] * times
            for word, times in Counter(words).items()
            if weights[word] > 0 and len(word) > 2
        }
        return tuple(sorted(pushes, key=lambda word: -pushes[word])[:top])

    def _weights_of(self, words: list[str]) -> list[float]:
        return [float(self._weights[hashed_ngrams(word, bits=self._bits)].sum()) for word in words]

    def _counts_of(self, words: list[str]) -> list[int]:
        return [len(hashed_ngrams(word, bits=self._bits)) for word in words]

    def _learn(self, word: str) -> None:
        if len(self._word_weights) >= _MAX_CACHED_WORDS:
            self._word_weights.clear()
            self._word_counts.clear()
        grams = hashed_ngrams(word, bits=self._bits)
        self._word_weights[word] = float(self._weights[grams].sum())
        self._word_counts[word] = len(grams)

    def weight(self, probability: float, language: str | None = None) -> float:
        """Risk points for a probability: none below the threshold, then rising linearly to
        `max_weight` at `saturate_at`, and no more above it (the values of `language`, if it
        has its own)."""
        info = self.info
        own = info.languages.get(language or "")
        threshold, top, saturate_at = (
            (info.threshold, info.max_weight, info.saturate_at)
            if own is None
            else (own[0], own[1], own[2] if len(own) > 2 else 1.0)
        )
        return ramp_points(probability, threshold, top, saturate_at)

    @property
    def _bits(self) -> int:
        return int(self._weights.shape[0]).bit_length() - 1


def save_model(
    path: Path, coefficients: np.ndarray, info: ModelInfo, *, bits: int = HASH_BITS
) -> None:
    """Write a model file: only the n-gram buckets that carry weight, as float16."""
    indices = np.flatnonzero(coefficients).astype(np.uint32)
    values = coefficients[indices].astype(np.float16)
    info_json = json.dumps(dataclasses.asdict(info))
    np.savez_compressed(path, bits=bits, indices=indices, values=values, info=info_json)


def passages(word_count: int) -> list[tuple[int, int]]:
    """The (start, end) word spans `TextModel.most_scam_like` reads: `PASSAGE_WORDS` words
    each, overlapping by half, the last one ending at the text's end."""
    step = PASSAGE_WORDS // 2
    starts = list(range(0, max(1, word_count - PASSAGE_WORDS + 1), step))
    if starts[-1] + PASSAGE_WORDS < word_count:
        starts.append(word_count - PASSAGE_WORDS)
    return [(start, min(word_count, start + PASSAGE_WORDS)) for start in starts]


def feature_rows(texts: Iterable[str], *, bits: int = HASH_BITS) -> list[dict[int, float]]:
    """Each text's features: hashed n-gram counts over their total (at least MIN_NGRAMS)."""
    return feature_rows_of_words((words_of(text) for text in texts), bits=bits)


def feature_rows_of_words(
    word_lists: Iterable[list[str]], *, bits: int = HASH_BITS
) -> list[dict[int, float]]:
    """`feature_rows` of texts given as their words (`words_of`, or a passage of them)."""
    rows: list[dict[int, float]] = []
    for words in word_lists:
        counts: dict[int, int] = {}
        for word in words:
            for gram in hashed_ngrams(word, bits=bits):
                counts[gram] = counts.get(gram, 0) + 1
        scale = 1.0 / max(sum(counts.values()), MIN_NGRAMS)
        rows.append({gram: count * scale for gram, count in counts.items()})
    return rows
