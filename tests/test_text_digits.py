"""`digit_runs` finds the figures a regular expression finds, in short texts and long ones."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.text import digit_runs

_LONG_CHARS = 1500  # a long posting's description
_ASCII_FIGURES = st.text(alphabet="0123456789.,$ ab\n-/", max_size=4 * _LONG_CHARS)


def _spans(pattern: str, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in re.finditer(pattern, text)]


@given(_ASCII_FIGURES)
def test_figures_are_where_the_regular_expression_finds_them(text: str) -> None:
    assert digit_runs(text) == _spans(r"\d+", text)
    assert digit_runs(text, separators=True) == _spans(r"\d[\d.,]*", text)


def test_short_and_long_texts_read_alike() -> None:
    line = "Pay: $1,200.50 a week, 20-30 h, .,. 7 days, 2026, ,5,\n"
    for text in (line, line * (_LONG_CHARS // len(line) + 2)):
        assert digit_runs(text) == _spans(r"\d+", text)
        assert digit_runs(text, separators=True) == _spans(r"\d[\d.,]*", text)
    assert digit_runs("año 2026") is None  # outside ASCII: the caller's own expression reads it
