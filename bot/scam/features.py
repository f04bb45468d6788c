"""The text model's training matrices: the corpus cases' hashed n-gram features as sparse
rows (`bot.scam.model.feature_rows`), and the same for each passage of a case that the
model's doubt reads (`bot.scam.model.passages`). Built once per `python -m bot train` and
sliced for every fold and regularisation. Needs the `train` extra (scipy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.scam.corpus import Case
from bot.scam.model import (
    HASH_BITS,
    PASSAGE_WORDS,
    feature_rows,
    feature_rows_of_words,
    passages,
)
from bot.scam.textview import MAX_VIEW_CHARS, words_in
from bot.text import fold_aligned

__all__ = ["features", "passage_features", "rows_matrix", "texts_matrix", "words_of_case"]


def texts_matrix(texts: Sequence[str]):  # type: ignore[no-untyped-def]
    return rows_matrix(feature_rows(texts))


def rows_matrix(rows: list[dict[int, float]]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for row in rows:
        indices.extend(row)
        values.extend(row.values())
        indptr.append(len(indices))
    return csr_matrix((values, indices, indptr), shape=(len(rows), 1 << HASH_BITS))


def features(cases: Sequence[Case]):  # type: ignore[no-untyped-def]
    """The cases' feature rows as one sparse matrix, a row a case in order: built once and
    sliced by row for every fold and regularisation (the same rows a fresh build gives)."""
    return texts_matrix([case.text for case in cases])


def words_of_case(case: Case) -> list[str]:
    """The words of a case's text as the checker's view reads them."""
    return words_in(fold_aligned(case.text[:MAX_VIEW_CHARS]))


def passage_features(cases: Sequence[Case]) -> tuple[Any, np.ndarray, np.ndarray]:
    """The feature rows of every passage (`bot.scam.model.passages`) of the cases longer
    than one, the case each row belongs to, and each case's count of words."""
    word_lists: list[list[str]] = []
    owners: list[int] = []
    counts: list[int] = []
    for index, case in enumerate(cases):
        words = words_of_case(case)
        counts.append(len(words))
        if len(words) <= PASSAGE_WORDS:
            continue
        for start, end in passages(len(words)):
            word_lists.append(words[start:end])
            owners.append(index)
    rows = rows_matrix(feature_rows_of_words(word_lists))
    return rows, np.array(owners, dtype=int), np.array(counts, dtype=int)
