"""`python -m bot train`: learn the text model from the corpus's development parts (`dev`
and the retired held-out parts, `bot.scam.corpus.TRAINED_ON`).

scikit-learn's logistic regression (balanced classes, L2) fits the hashed character n-gram
features of `bot.scam.model`. How much risk the model may add is chosen by 5-fold
cross-validation on the development parts only, folds grouped by source page so that no
page is on both sides of a fold: the largest share of scams lifted to caution while the legit
texts at scam stay within their limit in each language (`bot.scam.operating_point`). The
part held out now (`bot.scam.corpus.HELD_OUT`) is never read here.

Needs the `train` extra (`pip install -e '.[train]'`); the bot itself only reads the file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.scam.confounds import confound_report
from bot.scam.corpus import TRAINED_ON, Case, load_cases
from bot.scam.corpus_eval import verdict_of
from bot.scam.doubt import choose_doubt, doubt_report, undoubted
from bot.scam.features import features, passage_features
from bot.scam.model import (
    MODEL_FILE,
    PASSAGE_WORDS,
    WARNING_MIN_PROBABILITY,
    ModelInfo,
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
from bot.scam.score import ScamChecker
from bot.scam.textview import view_of
from bot.scam.verdicts import beyond_doubt, corroborated

__all__ = ["Mapping", "cross_validated", "main", "train"]

#: The regularisation of the logistic regression (scikit-learn's C); large, because the
#: features are means over a text's n-grams and so very small. `main` chooses among
#: `C_CHOICES` on the folds; `C` is the default of `train` alone.
C = 10_000.0
C_CHOICES = (3_000.0, 10_000.0, 30_000.0)
FOLDS = 5
SEED = 20261203


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
    cases: Sequence[Case], c: float | None = None, matrix: Any = None
) -> np.ndarray:
    """Each case's scam probability from a model that never saw its source page. `matrix`:
    the cases' `features`, when the caller has them."""
    return cross_validated_with_passages(cases, c, matrix)[0]


def cross_validated_with_passages(
    cases: Sequence[Case],
    c: float | None = None,
    matrix: Any = None,
    passages: tuple[Any, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`cross_validated`, and from the same fold models each case's
    `TextModel.most_scam_like`: the highest probability of the text and of its passages
    (`passages`: the rows and owners of `bot.scam.features.passage_features`; without
    them, the text's own)."""
    folds = fold_of(cases)
    probabilities = np.zeros(len(cases))
    scam_like = np.zeros(len(cases))
    matrix = features(cases) if matrix is None else matrix
    for fold in range(FOLDS):
        test_index = np.flatnonzero(folds == fold)
        train_index = np.flatnonzero(folds != fold)
        coefficients, intercept = train(
            [cases[i] for i in train_index.tolist()], c, matrix[train_index]
        )
        margins = matrix[test_index] @ coefficients + intercept
        highest = margins
        if passages is not None:
            rows, owners = passages
            held = np.flatnonzero(np.isin(owners, test_index))
            passage_margins = rows[held] @ coefficients + intercept
            best = dict.fromkeys(test_index.tolist(), -np.inf)
            for owner, margin in zip(owners[held].tolist(), passage_margins.tolist(), strict=True):
                best[owner] = max(best[owner], margin)
            highest = np.maximum(margins, [best[i] for i in test_index.tolist()])
        probabilities[test_index] = 1.0 / (1.0 + np.exp(-margins))
        scam_like[test_index] = 1.0 / (1.0 + np.exp(-highest))
    return probabilities, scam_like


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
    fold_mappings: list[dict[str, tuple[float, float, float]]]


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
    that read as warnings (`warnings`) get no points from the model below
    `WARNING_MIN_PROBABILITY`, as in the checker.
    `matrix`: the cases' `features`, when the caller has them. Each C's probabilities also
    choose the model's doubt (`choose_doubt`), and a doubted text's families' verdict of scam
    counts as caution in the figures, as in the checker."""
    best: tuple[tuple[float, float, float], Choice] | None = None
    folds = fold_of(cases)
    matrix = features(cases) if matrix is None else matrix
    passage_rows, owners, word_counts = passage_features(cases)
    short = word_counts < PASSAGE_WORDS
    for c in c_choices:
        probabilities, scam_like = cross_validated_with_passages(
            cases, c, matrix, (passage_rows, owners)
        )
        # A text shorter than a passage is never doubted (`bot.scam.model.PASSAGE_WORDS`).
        scam_like = np.where(short, 1.0, scam_like)
        doubt_below = choose_doubt(cases, base, scam_like, scam_at, concrete, backed)
        sure = undoubted(concrete, scam_like, doubt_below, backed, len(cases))
        # What the checker adds from: nothing for a warning the model is not sure of
        # (`ScamChecker._model_signal`).
        scored = probabilities
        if warnings is not None:
            quiet = np.asarray(warnings) & (probabilities < WARNING_MIN_PROBABILITY)
            scored = np.where(quiet, 0.0, probabilities)
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


def _ramp(mapping: Mapping) -> str:
    return (
        f"{mapping.max_weight:g} points from p={mapping.threshold:g}, all of them from "
        f"p={mapping.saturate_at:g}"
    )


def _figures(result: Mapping) -> str:
    return (
        "scams at caution+ "
        + ", ".join(f"{lang} {share:.1%}" for lang, share in result.recall.items())
        + "; legit at scam "
        + ", ".join(f"{lang} {share:.1%}" for lang, share in result.legit_at_scam.items())
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
            lang: [float(mapping.threshold), float(mapping.max_weight), float(mapping.saturate_at)]
            for lang, mapping in choice.languages.items()
        },
        doubt_below=choice.doubt_below,
        saturate_at=float(shared.saturate_at),
    )
    save_model(args.out, coefficients, info)
    print(
        f"trained on {len(cases)} development cases ({info.scams} scams), C={choice.c:g} "
        f"-> {args.out}"
    )
    print(f"the model adds up to {_ramp(shared)}", end="")
    for lang, mapping in sorted(choice.languages.items()):
        print(f"; in {lang} texts {_ramp(mapping)}", end="")
    print()
    doubt_report(
        cases, base, concrete, backed, choice.scam_like, choice.doubt_below, checker.scam_at
    )
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
            ", ".join(
                f"{lang} {weight:g}>{threshold:g}..{top:g}"
                for lang, (threshold, weight, top) in m.items()
            )
            for m in choice.fold_mappings
        )
    )
    print("does length or style decide? (cross-validated on the development part)")
    print("\n".join(confound_report(cases, choice.probabilities, FOLDS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
