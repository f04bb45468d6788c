"""`python -m bot train`: learn the text model from the corpus's development parts (`dev`
and the retired first held-out part, `bot.scam.corpus.TRAINED_ON`).

scikit-learn's logistic regression (balanced classes, L2) fits the hashed character n-gram
features of `bot.scam.model`. How much risk the model may add is chosen by 5-fold
cross-validation on the development parts only, folds grouped by source page so that no
page is on both sides of a fold: the largest share of scams lifted to caution while the legit
texts at scam stay within their limit in each language (`bot.scam.operating_point`). The
`fresh` held-out part is never read here.

Needs the `train` extra (`pip install -e '.[train]'`); the bot itself only reads the file.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.scam.corpus import TRAINED_ON, Case, load_cases
from bot.scam.corpus_eval import verdict_of
from bot.scam.model import (
    HASH_BITS,
    MODEL_FILE,
    PASSAGE_WORDS,
    ModelInfo,
    feature_rows,
    feature_rows_of_words,
    passages,
    save_model,
)
from bot.scam.notice import is_scam_warning
from bot.scam.operating_point import (
    Mapping,
    mappings_for,
    nested_risks,
    rank,
    result_of,
    risks_under,
    share,
)
from bot.scam.score import ScamChecker, beyond_doubt, corroborated
from bot.scam.textview import MAX_VIEW_CHARS, view_of, words_in
from bot.text import fold_aligned

__all__ = ["Mapping", "cross_validated", "main", "train"]

#: The regularisation of the logistic regression (scikit-learn's C); large, because the
#: features are means over a text's n-grams and so very small. `main` chooses among
#: `C_CHOICES` on the folds; `C` is the default of `train` alone.
C = 10_000.0
C_CHOICES = (3_000.0, 10_000.0, 30_000.0)
#: The probabilities below which the model may doubt the families' verdict of scam
#: (`bot.scam.score.combine`), and the most of the development scams that the families
#: alone call scam that the chosen one may lower to caution, on the folds.
DOUBT_CHOICES = tuple(round(value, 2) for value in np.arange(0.05, 0.51, 0.05))
MAX_SCAMS_DOUBTED = 0.01
FOLDS = 5
SEED = 20261203


def _matrix(texts: Sequence[str]):  # type: ignore[no-untyped-def]
    return _rows_matrix(feature_rows(texts))


def _rows_matrix(rows: list[dict[int, float]]):  # type: ignore[no-untyped-def]
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
    return _matrix([case.text for case in cases])


def train(
    cases: Sequence[Case],
    c: float | None = None,
    matrix: Any = None,
) -> tuple[np.ndarray, float]:
    """Coefficients and intercept of the model fitted on `cases` (regularisation `c`);
    `matrix` is their `features` when the caller has them."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=C if c is None else c, class_weight="balanced", max_iter=2000, solver="liblinear"
    )
    model.fit(features(cases) if matrix is None else matrix, [case.is_scam for case in cases])
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def cross_validated(
    cases: Sequence[Case], c: float | None = None, matrix: Any = None, passages: Any = None
) -> np.ndarray:
    """Each case's scam probability from a model that never saw its source page. `matrix`:
    the cases' `features`, when the caller has them. With `passages` (`passage_features`),
    each case's `TextModel.most_scam_like` instead: the highest probability of the text and
    of its passages."""
    folds = fold_of(cases)
    probabilities = np.zeros(len(cases))
    matrix = features(cases) if matrix is None else matrix
    for fold in range(FOLDS):
        test_index = np.flatnonzero(folds == fold)
        train_index = np.flatnonzero(folds != fold)
        coefficients, intercept = train(
            [cases[i] for i in train_index.tolist()], c, matrix[train_index]
        )
        margins = matrix[test_index] @ coefficients + intercept
        if passages is not None:
            rows, owners = passages
            held = np.flatnonzero(np.isin(owners, test_index))
            passage_margins = rows[held] @ coefficients + intercept
            highest = dict.fromkeys(test_index.tolist(), -np.inf)
            for owner, margin in zip(owners[held].tolist(), passage_margins.tolist(), strict=True):
                highest[owner] = max(highest[owner], margin)
            margins = np.maximum(margins, [highest[i] for i in test_index.tolist()])
        probabilities[test_index] = 1.0 / (1.0 + np.exp(-margins))
    return probabilities


def words_of_case(case: Case) -> list[str]:
    """The words of a case's text as the checker's view reads them."""
    return words_in(fold_aligned(case.text[:MAX_VIEW_CHARS]))


def passage_features(cases: Sequence[Case]) -> tuple[Any, np.ndarray]:
    """The feature rows of every passage (`bot.scam.model.passages`) of the cases longer
    than one, and the case each row belongs to."""
    word_lists: list[list[str]] = []
    owners: list[int] = []
    for index, case in enumerate(cases):
        words = words_of_case(case)
        if len(words) <= PASSAGE_WORDS:
            continue
        for start, end in passages(len(words)):
            word_lists.append(words[start:end])
            owners.append(index)
    return _rows_matrix(feature_rows_of_words(word_lists)), np.array(owners, dtype=int)


def fold_of(cases: Sequence[Case]) -> np.ndarray:
    """Each case's fold (0 to FOLDS - 1), stratified by label and grouped by source page."""
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    labels = [case.is_scam for case in cases]
    groups = [str(case.record.get("source", case.id)) for case in cases]
    folds = np.zeros(len(cases), dtype=int)
    for fold, (_, test_index) in enumerate(splitter.split(np.zeros(len(cases)), labels, groups)):
        folds[test_index] = fold
    return folds


def style_features(text: str) -> list[float]:
    """What a text looks like, not what it says: its length and the mix of its characters."""
    size = max(1, len(text))
    words = text.split()
    return [
        math.log(size),
        sum(ch.isupper() for ch in text) / size,
        sum(ch.isdigit() for ch in text) / size,
        sum(not ch.isalnum() and not ch.isspace() for ch in text) / size,
        (text.count("!") + text.count("?") + text.count("¡") + text.count("¿")) / size,
        text.count("\n") / size,
        sum(len(word) for word in words) / max(1, len(words)),
        sum(not ch.isascii() for ch in text) / size,
    ]


def confound_report(cases: Sequence[Case], probabilities: np.ndarray) -> list[str]:
    """Whether length or style alone could tell scams from legit texts in this corpus, and
    whether the model still tells them apart among texts of the same length."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.preprocessing import StandardScaler

    from bot.scam.evaluate import roc_auc

    labels = np.array([case.is_scam for case in cases])
    style = StandardScaler().fit_transform([style_features(case.text) for case in cases])
    lines = []
    for name, columns in (("length alone", style[:, :1]), ("length and style", style)):
        guessed = cross_val_predict(
            LogisticRegression(), columns, labels, cv=FOLDS, method="predict_proba"
        )[:, 1]
        lines.append(f"  ROC-AUC of {name}: {roc_auc(list(labels), list(guessed)):.3f}")
    lines.append(f"  ROC-AUC of the text model: {roc_auc(list(labels), list(probabilities)):.3f}")
    lengths = style[:, 0]
    quartile = np.digitize(lengths, np.quantile(lengths, [0.25, 0.5, 0.75]))
    within = [
        roc_auc(list(labels[quartile == q]), list(probabilities[quartile == q])) for q in range(4)
    ]
    lines.append(
        "  ROC-AUC of the text model among texts of similar length (quartiles, short to long): "
        + ", ".join("n/a" if auc is None else f"{auc:.3f}" for auc in within)
    )
    kinds = np.array([case.kind for case in cases])
    by_kind = []
    for kind in sorted(set(kinds)):
        auc = roc_auc(list(labels[kinds == kind]), list(probabilities[kinds == kind]))
        if auc is not None:
            by_kind.append(f"{kind} {auc:.3f} ({int((kinds == kind).sum())})")
    lines.append("  ROC-AUC of the text model within one kind of text: " + ", ".join(by_kind))
    return lines


@dataclass(frozen=True, slots=True)
class Choice:
    """What the folds chose: the regularisation, the shared and per-language mappings, and
    the cross-validated probabilities and risks they give; `nested`: each case's risk under
    the mappings chosen without its fold (`nested_risks`), and those mappings."""

    c: float
    doubt_below: float
    probabilities: np.ndarray
    scam_like: np.ndarray  # the highest of each text's and its passages' probabilities
    shared: Mapping
    languages: dict[str, Mapping]
    risks: list[float]
    nested: list[float]
    fold_mappings: list[dict[str, tuple[float, float]]]


def choose(
    cases: Sequence[Case],
    languages: Sequence[str | None],
    base: Sequence[int],
    scam_at: int,
    caution_at: int,
    c_choices: Sequence[float] = C_CHOICES,
    concrete: Sequence[bool] | None = None,
    warnings: Sequence[bool] | None = None,
    matrix: Any = None,
    backed: Sequence[bool] | None = None,
) -> Choice:
    """The regularisation whose mappings do best on folds they were not chosen on
    (`nested_risks`, ranked by `rank`), and its mappings chosen on every fold. The texts
    that read as warnings (`warnings`) get no points from the model, as in the checker.
    `matrix`: the cases' `features`, when the caller has them. Each C's probabilities also
    choose the model's doubt (`choose_doubt`), and a doubted text's families' verdict of scam
    counts as caution in the figures, as in the checker."""
    best: tuple[tuple[float, float, float], Choice] | None = None
    folds = fold_of(cases)
    matrix = features(cases) if matrix is None else matrix
    passage_rows = passage_features(cases)
    short = np.array([len(words_of_case(case)) < PASSAGE_WORDS for case in cases])
    for c in c_choices:
        probabilities = cross_validated(cases, c, matrix)
        scam_like = cross_validated(cases, c, matrix, passage_rows)
        # A text shorter than a passage is never doubted (`bot.scam.model.PASSAGE_WORDS`).
        scam_like = np.where(short, 1.0, scam_like)
        doubt_below = choose_doubt(cases, base, scam_like, scam_at, concrete, backed)
        sure = undoubted(concrete, scam_like, doubt_below, backed, len(cases))
        # What the checker adds from: nothing for a warning (`ScamChecker._model_signal`).
        scored = probabilities if warnings is None else np.where(warnings, 0.0, probabilities)
        shared, own = mappings_for(cases, languages, scored, base, scam_at, caution_at, sure)
        risks = risks_under(base, scored, languages, sure, shared, own, scam_at)
        nested, fold_mappings = nested_risks(
            cases, languages, scored, base, scam_at, caution_at, sure, folds
        )
        result = result_of(cases, risks, scam_at, caution_at)
        fair = result_of(cases, nested, scam_at, caution_at)
        choice = Choice(
            c, doubt_below, probabilities, scam_like, shared, own, risks, nested, fold_mappings
        )
        print(
            f"  C={c:g}, doubt below p={doubt_below:g}: {_figures(result)}; "
            f"nested: {_figures(fair)}"
        )
        if best is None or rank(fair) > best[0]:
            best = (rank(fair), choice)
    assert best is not None
    return best[1]


def choose_doubt(
    cases: Sequence[Case],
    base: Sequence[int],
    probabilities: np.ndarray,
    scam_at: int,
    concrete: Sequence[bool] | None,
    backed: Sequence[bool] | None,
) -> float:
    """The highest of `DOUBT_CHOICES` at which the model's doubt lowers at most
    `MAX_SCAMS_DOUBTED` of the scams the families alone call scam (out-of-fold
    probabilities); 0 (no doubt) when none does."""
    sure = [True] * len(cases) if concrete is None else concrete
    exempt = [False] * len(cases) if backed is None else backed
    called = [
        i for i, case in enumerate(cases) if case.is_scam and base[i] >= scam_at and sure[i]
    ]
    chosen = 0.0
    for threshold in DOUBT_CHOICES:
        lowered = sum(probabilities[i] < threshold and not exempt[i] for i in called)
        if lowered <= MAX_SCAMS_DOUBTED * len(called):
            chosen = threshold
    return chosen


def undoubted(
    concrete: Sequence[bool] | None,
    probabilities: np.ndarray,
    doubt_below: float,
    backed: Sequence[bool] | None,
    size: int,
) -> list[bool]:
    """Whether each text's reasons may make a verdict of scam: `concrete` (corroborated),
    and not doubted by the model, unless `backed` (`bot.scam.score.beyond_doubt`)."""
    sure = [True] * size if concrete is None else concrete
    exempt = [False] * size if backed is None else backed
    return [
        bool(sure[i] and (exempt[i] or probabilities[i] >= doubt_below)) for i in range(size)
    ]


def _figures(result: Mapping) -> str:
    return (
        "scams at caution+ "
        + ", ".join(f"{lang} {share:.1%}" for lang, share in result.recall.items())
        + "; legit at scam "
        + ", ".join(f"{lang} {share:.1%}" for lang, share in result.legit_at_scam.items())
    )


def doubt_report(
    cases: Sequence[Case],
    base: Sequence[int],
    concrete: Sequence[bool],
    backed: Sequence[bool],
    choice: Choice,
    scam_at: int,
) -> None:
    """What the model's doubt does on the folds: the families' scams it lowers to caution,
    and the legit texts near or over the line (45 or more) whose wording it doubts."""
    doubted = [
        choice.scam_like[i] < choice.doubt_below and not backed[i]
        for i in range(len(cases))
    ]
    called = [
        i for i, case in enumerate(cases) if case.is_scam and base[i] >= scam_at and concrete[i]
    ]
    near = [i for i, case in enumerate(cases) if not case.is_scam and base[i] >= 45]
    print(
        f"the model doubts the families' verdict below p={choice.doubt_below:g}: "
        f"{sum(doubted[i] for i in called)} of the {len(called)} scams the families call scam "
        f"would be caution; {sum(doubted[i] for i in near)} of the {len(near)} legit texts "
        "the families put at 45 or more are doubted"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot train", description=__doc__.split("\n")[0])
    default = Path(__file__).resolve().parent / MODEL_FILE
    parser.add_argument("--out", type=Path, default=default, help=f"default: {default}")
    parser.add_argument(
        "--c",
        type=float,
        action="append",
        help="a regularisation to try (repeatable; default "
        + ", ".join(f"{c:g}" for c in C_CHOICES)
        + ")",
    )
    args = parser.parse_args(argv)
    cases = [case for case in load_cases() if case.split in TRAINED_ON]
    checker = ScamChecker(model=None)
    verdicts = [verdict_of(case, checker) for case in cases]
    base = [verdict.risk for verdict in verdicts]
    concrete = [corroborated(verdict.reasons, checker.scam_at) for verdict in verdicts]
    backed = [beyond_doubt(verdict.reasons, checker.scam_at) for verdict in verdicts]
    views = [view_of(case.text) for case in cases]
    languages = [view.language for view in views]
    warnings = [is_scam_warning(view.folded) for view in views]
    matrix = features(cases)  # once: every fold and regularisation slices it
    print("cross-validated on the development part (5 folds, grouped by source):")
    choice = choose(
        cases,
        languages,
        base,
        checker.scam_at,
        checker.caution_at,
        args.c or C_CHOICES,
        concrete,
        warnings,
        matrix,
        backed,
    )
    coefficients, intercept = train(cases, choice.c, matrix)
    shared = choice.shared
    info = ModelInfo(
        trained_on=datetime.now(UTC).date().isoformat(),
        cases=len(cases),
        scams=sum(case.is_scam for case in cases),
        intercept=intercept,
        threshold=float(shared.threshold),
        max_weight=float(shared.max_weight),
        languages={
            lang: [float(mapping.threshold), float(mapping.max_weight)]
            for lang, mapping in choice.languages.items()
        },
        doubt_below=choice.doubt_below,
    )
    save_model(args.out, coefficients, info)
    print(
        f"trained on {len(cases)} development cases ({info.scams} scams), C={choice.c:g} "
        f"-> {args.out}"
    )
    print(f"the model adds up to {shared.max_weight:g} points above p={shared.threshold}", end="")
    for lang, mapping in sorted(choice.languages.items()):
        print(f"; in {lang} texts {mapping.max_weight:g} above p={mapping.threshold}", end="")
    print()
    doubt_report(cases, base, concrete, backed, choice, checker.scam_at)
    result = result_of(cases, choice.risks, checker.scam_at, checker.caution_at)
    fair = result_of(cases, choice.nested, checker.scam_at, checker.caution_at)
    for language in sorted(result.recall):
        families = share(base, cases, language, True, checker.caution_at)
        print(
            f"  {language}: scams at caution+ {families:.1%} by the families alone, "
            f"{result.recall[language]:.1%} with the model; legit at scam "
            f"{result.legit_at_scam[language]:.1%}, at caution+ "
            f"{result.legit_at_caution[language]:.1%}"
        )
    print("nested (each fold under the mapping chosen on the other folds):")
    for language in sorted(fair.recall):
        print(
            f"  {language}: scams at caution+ {fair.recall[language]:.1%}; legit at scam "
            f"{fair.legit_at_scam[language]:.1%}, at caution+ "
            f"{fair.legit_at_caution[language]:.1%}"
        )
    print(
        "  mappings chosen per fold (points above p): "
        + "; ".join(
            ", ".join(f"{lang} {weight:g}>{threshold:g}" for lang, (threshold, weight) in m.items())
            for m in choice.fold_mappings
        )
    )
    print("does length or style decide? (cross-validated on the development part)")
    print("\n".join(confound_report(cases, choice.probabilities)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
