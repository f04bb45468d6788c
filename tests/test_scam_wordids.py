"""Word numbers (`bot.scam.wordids`): every per-word fact read by number stays the word's own,
also when the numbering starts over, so verdicts never depend on what was read before."""

from __future__ import annotations

import pytest

from bot.models import Posting
from bot.scam import ScamChecker
from bot.scam.wordids import FILL_SLICE, WORDS, Column, WordNumbers

TEXTS = [
    "Buy the starter kit for $49 to receive your login, then text me on WhatsApp.",
    "Paga la cuota de inscripción de 30 USD y escríbenos por WhatsApp +34 600 111 222.",
    "You will evaluate responses written by language models. Pay is $25 per hour.",
    "Top up your account with 50 USDT to unlock the next task set, gift card accepted.",
]


def test_a_column_gives_each_word_its_own_value_across_restarts() -> None:
    numbers = WordNumbers(limit=6)
    lengths = Column(lambda words: [len(word) for word in words], "int64", numbers)
    texts = [["a", "bb", "ccc"], ["dddd", "a", "eeeee"], ["ffffff", "g", "hh", "a"]] * 3
    for words in texts:
        assert lengths.of(numbers.numbers_of(words)).tolist() == [len(word) for word in words]
    assert numbers.generation > 0  # the numbering did start over


def test_a_column_read_after_a_flood_of_new_words_gives_each_its_own_value() -> None:
    """Thousands of words numbered elsewhere (a big poll parsed on the CPU thread) before
    one read: the words read, those before them and those after, each get their own value,
    whatever the order of the reads."""
    numbers = WordNumbers()
    computed: list[str] = []

    def lengths_of(words: list[str]) -> list[int]:
        computed.extend(words)
        return [len(word) for word in words]

    lengths = Column(lengths_of, "int64", numbers)
    flood = [f"w{'x' * (n % 7)}{n}" for n in range(5 * FILL_SLICE)]
    numbers.numbers_of(flood)
    late = [flood[-1], flood[3 * FILL_SLICE], "new"]
    assert lengths.of(numbers.numbers_of(late)).tolist() == [len(word) for word in late]
    # every word of the flood, in two orders, repeated: its own length
    for words in (flood, flood[::-1], flood[FILL_SLICE:]):
        assert lengths.of(numbers.numbers_of(words)).tolist() == [len(word) for word in words]
    assert sorted(computed) == sorted({*flood, "new"})  # each word computed once


def _verdicts(checker: ScamChecker) -> list[tuple[object, ...]]:
    verdicts: list[tuple[object, ...]] = []
    for number, text in enumerate(TEXTS):
        verdict = checker.check(Posting("t", str(number), "", "AI trainer", description=text))
        verdicts.append((verdict.level, verdict.risk, verdict.reasons, verdict.matched_script))
    return verdicts


def test_verdicts_are_the_same_when_the_numbering_starts_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checker = ScamChecker()
    before = _verdicts(checker)
    # Room for a few words only: the numbering starts over before every text.
    monkeypatch.setattr(WORDS, "limit", 5)
    generation = WORDS.generation
    WORDS.numbers_of(["a-word-no-text-has"])
    after = _verdicts(ScamChecker())
    assert WORDS.generation > generation + len(TEXTS)
    assert after == before
