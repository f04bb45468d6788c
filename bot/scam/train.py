"""`python -m bot train`: learn the text model from the corpus's development part.

scikit-learn's logistic regression (balanced classes, L2) fits the hashed character n-gram
features of `bot.scam.model`. How much risk the model may add is chosen by 5-fold
cross-validation on the development part only, folds grouped by source page so that no page
is on both sides of a fold: the largest share of scams lifted to caution while the legit
texts at scam stay at or under `MAX_LEGIT_AT_SCAM` in each language. The held-out part is
never read here.

Needs the `train` extra (`pip install -e '.[train]'`); the bot itself only reads the file.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.scam.corpus import Case, load_cases
from bot.scam.corpus_eval import verdict_of
from bot.scam.model import (
    HASH_BITS,
    MODEL_FILE,
    ModelInfo,
    feature_rows,
    save_model,
    with_model,
)
from bot.scam.notice import is_scam_warning
from bot.scam.score import ScamChecker, corroborated
from bot.scam.textview import view_of

__all__ = ["Mapping", "cross_validated", "main", "train"]

#: The regularisation of the logistic regression (scikit-learn's C); large, because the
#: features are means over a text's n-grams and so very small. `main` chooses among
#: `C_CHOICES` on the folds; `C` is the default of `train` alone.
C = 10_000.0
C_CHOICES = (3_000.0, 10_000.0, 30_000.0)
FOLDS = 5
SEED = 20261203
#: The share of legit texts that may be at scam with the model, per language, on the folds
#: (or the families' own share, when that is higher: the model never adds to it).
MAX_LEGIT_AT_SCAM = 0.02
#: The share of legit texts that may be at caution or worse, per language, on the folds:
#: a warning on every other real posting would teach people to ignore warnings.
MAX_LEGIT_AT_CAUTION = 0.20
#: The model alone never makes a verdict of scam: it adds at most this much risk.
MAX_WEIGHT_CAP = 55.0
#: A language gets its own mapping only with at least this many scams and legit texts.
MIN_LANGUAGE_CASES = 40
_THRESHOLDS = tuple(round(value, 2) for value in np.arange(0.15, 0.91, 0.05))
_WEIGHTS = tuple(float(value) for value in range(15, int(MAX_WEIGHT_CAP) + 1, 5))


@dataclass(frozen=True, slots=True)
class Mapping:
    threshold: float
    max_weight: float
    recall: dict[str, float]  # scams at caution or worse, per language, on the folds
    legit_at_scam: dict[str, float]  # per language, on the folds
    legit_at_caution: dict[str, float]


def _matrix(texts: Sequence[str]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    rows = feature_rows(texts)
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
    cases: Sequence[Case], c: float | None = None, matrix: Any = None
) -> np.ndarray:
    """Each case's scam probability from a model that never saw its source page. `matrix`:
    the cases' `features`, when the caller has them."""
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
        probabilities[test_index] = 1.0 / (1.0 + np.exp(-margins))
    return probabilities


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


def choose_mapping(
    cases: Sequence[Case],
    probabilities: np.ndarray,
    base_risks: Sequence[int],
    scam_at: int,
    caution_at: int,
    concrete: Sequence[bool] | None = None,
) -> Mapping:
    """The threshold and weight that lift the most scams to caution in the weaker language,
    while in each language at most `MAX_LEGIT_AT_SCAM` of legit texts reach scam (or the
    families' own share, if higher) and at most `MAX_LEGIT_AT_CAUTION` reach caution."""
    best: Mapping | None = None
    languages = sorted({case.lang for case in cases})
    allowed = {
        language: max(MAX_LEGIT_AT_SCAM, _share(base_risks, cases, language, False, scam_at))
        for language in languages
    }
    for threshold in _THRESHOLDS:
        for max_weight in _WEIGHTS:
            risks = [
                _final(base, _added(p, threshold, max_weight), scam_at, sure)
                for base, p, sure in zip(
                    base_risks, probabilities, _all(concrete, base_risks), strict=True
                )
            ]
            recall = {lang: _share(risks, cases, lang, True, caution_at) for lang in languages}
            at_scam = {lang: _share(risks, cases, lang, False, scam_at) for lang in languages}
            at_caution = {lang: _share(risks, cases, lang, False, caution_at) for lang in languages}
            if any(at_scam[lang] > allowed[lang] for lang in languages) or any(
                share > MAX_LEGIT_AT_CAUTION for share in at_caution.values()
            ):
                continue
            candidate = Mapping(threshold, max_weight, recall, at_scam, at_caution)
            if best is None or _rank(candidate) > _rank(best):
                best = candidate
    if best is None:
        raise RuntimeError("no mapping keeps legit texts under the limits; is the corpus right?")
    return best


def choose_language_mappings(
    cases: Sequence[Case],
    languages: Sequence[str | None],
    probabilities: np.ndarray,
    base_risks: Sequence[int],
    scam_at: int,
    caution_at: int,
    concrete: Sequence[bool] | None = None,
) -> dict[str, Mapping]:
    """`choose_mapping` for each language on its own cases: the language the checker will
    read each text in (`languages`, as detected), so a language whose texts the model scores
    less surely gets its own threshold and weight. Languages with too few cases to choose on
    are left to the shared mapping."""
    chosen: dict[str, Mapping] = {}
    for language in sorted({lang for lang in languages if lang}):
        picked = [index for index, lang in enumerate(languages) if lang == language]
        group = [cases[index] for index in picked]
        scams = sum(case.is_scam for case in group)
        if scams < MIN_LANGUAGE_CASES or len(group) - scams < MIN_LANGUAGE_CASES:
            continue
        # Scored as one language: the limits hold for the texts read in this language.
        relabelled = [dataclasses.replace(case, lang=language) for case in group]
        chosen[language] = choose_mapping(
            relabelled,
            probabilities[picked],
            [base_risks[index] for index in picked],
            scam_at,
            caution_at,
            [_all(concrete, base_risks)[index] for index in picked],
        )
    return chosen


def _rank(mapping: Mapping) -> tuple[float, float, float]:
    """Best first: the weaker language's recall, then the mean recall, then fewer legit
    texts at caution."""
    recalls = list(mapping.recall.values())
    return min(recalls), sum(recalls) / len(recalls), -max(mapping.legit_at_caution.values())


def _share(
    risks: Sequence[float], cases: Sequence[Case], language: str, scams: bool, at: int
) -> float:
    """The share of the scams (or legit texts) of one language whose risk is `at` or more."""
    group = [
        r for r, c in zip(risks, cases, strict=True) if c.is_scam == scams and c.lang == language
    ]
    return sum(r >= at for r in group) / max(1, len(group))


def _final(base_risk: float, added: float, scam_at: int, concrete: bool) -> float:
    """The risk the checker gives a text: `with_model`, and kept under the scam line unless
    the text's concrete reasons are corroborated (`bot.scam.score.combine`)."""
    risk = with_model(base_risk, added, scam_at)
    return risk if concrete or risk < scam_at else float(scam_at - 1)


def _all(concrete: Sequence[bool] | None, base_risks: Sequence[int]) -> Sequence[bool]:
    return [True] * len(base_risks) if concrete is None else concrete


def _added(probability: float, threshold: float, max_weight: float) -> float:
    if probability <= threshold:
        return 0.0
    return round(max_weight * (probability - threshold) / (1.0 - threshold), 1)


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
    probabilities: np.ndarray
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
) -> Choice:
    """The regularisation whose mappings do best on folds they were not chosen on
    (`nested_risks`, ranked by `_rank`), and its mappings chosen on every fold. The texts
    that read as warnings (`warnings`) get no points from the model, as in the checker.
    `matrix`: the cases' `features`, when the caller has them."""
    best: tuple[tuple[float, float, float], Choice] | None = None
    folds = fold_of(cases)
    matrix = features(cases) if matrix is None else matrix
    for c in c_choices:
        probabilities = cross_validated(cases, c, matrix)
        # What the checker adds from: nothing for a warning (`ScamChecker._model_signal`).
        scored = probabilities if warnings is None else np.where(warnings, 0.0, probabilities)
        shared, own = _mappings(cases, languages, scored, base, scam_at, caution_at, concrete)
        risks = _risks(base, scored, languages, concrete, shared, own, scam_at)
        nested, fold_mappings = nested_risks(
            cases, languages, scored, base, scam_at, caution_at, concrete, folds
        )
        result = _result(cases, risks, scam_at, caution_at)
        fair = _result(cases, nested, scam_at, caution_at)
        choice = Choice(c, probabilities, shared, own, risks, nested, fold_mappings)
        print(f"  C={c:g}: {_figures(result)}; nested: {_figures(fair)}")
        if best is None or _rank(fair) > best[0]:
            best = (_rank(fair), choice)
    assert best is not None
    return best[1]


def nested_risks(
    cases: Sequence[Case],
    languages: Sequence[str | None],
    probabilities: np.ndarray,
    base: Sequence[int],
    scam_at: int,
    caution_at: int,
    concrete: Sequence[bool] | None,
    folds: np.ndarray,
) -> tuple[list[float], list[dict[str, tuple[float, float]]]]:
    """Each case's risk under the mappings chosen on the other folds only, and the mappings
    each fold got ("*" the shared one). The figures of mappings chosen on the very cases
    they are measured on flatter the operating point (it is fit to them); these do not.
    The probabilities the choice reads are still out-of-fold ones, from models that saw part
    of the measured fold: the choice of threshold and weight is what this validates."""
    sure = _all(concrete, base)
    risks = [0.0] * len(cases)
    chosen: list[dict[str, tuple[float, float]]] = []
    for fold in range(FOLDS):
        inner: list[int] = np.flatnonzero(folds != fold).tolist()
        shared, own = _mappings(
            [cases[i] for i in inner],
            [languages[i] for i in inner],
            probabilities[inner],
            [base[i] for i in inner],
            scam_at,
            caution_at,
            [sure[i] for i in inner],
        )
        chosen.append(
            {"*": _pair(None, shared)} | {lang: _pair(m, shared) for lang, m in own.items()}
        )
        for i in np.flatnonzero(folds == fold).tolist():
            added = _added(probabilities[i], *_pair(own.get(languages[i] or ""), shared))
            risks[i] = _final(base[i], added, scam_at, sure[i])
    return risks, chosen


def _mappings(
    cases: Sequence[Case],
    languages: Sequence[str | None],
    probabilities: np.ndarray,
    base: Sequence[int],
    scam_at: int,
    caution_at: int,
    concrete: Sequence[bool] | None,
) -> tuple[Mapping, dict[str, Mapping]]:
    shared = choose_mapping(cases, probabilities, base, scam_at, caution_at, concrete)
    own = choose_language_mappings(
        cases, languages, probabilities, base, scam_at, caution_at, concrete
    )
    return shared, own


def _risks(
    base: Sequence[int],
    probabilities: np.ndarray,
    languages: Sequence[str | None],
    concrete: Sequence[bool] | None,
    shared: Mapping,
    own: dict[str, Mapping],
    scam_at: int,
) -> list[float]:
    return [
        _final(risk, _added(p, *_pair(own.get(lang or ""), shared)), scam_at, sure)
        for risk, p, lang, sure in zip(
            base, probabilities, languages, _all(concrete, base), strict=True
        )
    ]


def _figures(result: Mapping) -> str:
    return (
        "scams at caution+ "
        + ", ".join(f"{lang} {share:.1%}" for lang, share in result.recall.items())
        + "; legit at scam "
        + ", ".join(f"{lang} {share:.1%}" for lang, share in result.legit_at_scam.items())
    )


def _pair(own: Mapping | None, shared: Mapping) -> tuple[float, float]:
    mapping = own or shared
    return float(mapping.threshold), float(mapping.max_weight)


def _result(
    cases: Sequence[Case], risks: Sequence[float], scam_at: int, caution_at: int
) -> Mapping:
    """The shares of a set of final risks, per language of the cases (as a Mapping)."""
    languages = sorted({case.lang for case in cases})
    return Mapping(
        0.0,
        0.0,
        {lang: _share(risks, cases, lang, True, caution_at) for lang in languages},
        {lang: _share(risks, cases, lang, False, scam_at) for lang in languages},
        {lang: _share(risks, cases, lang, False, caution_at) for lang in languages},
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
    cases = load_cases(split="dev")
    checker = ScamChecker(model=None)
    verdicts = [verdict_of(case, checker) for case in cases]
    base = [verdict.risk for verdict in verdicts]
    concrete = [corroborated(verdict.reasons, checker.scam_at) for verdict in verdicts]
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
    result = _result(cases, choice.risks, checker.scam_at, checker.caution_at)
    fair = _result(cases, choice.nested, checker.scam_at, checker.caution_at)
    for language in sorted(result.recall):
        families = _share(base, cases, language, True, checker.caution_at)
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
