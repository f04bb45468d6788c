"""How much risk the text model may add to the families' verdict: a threshold on its
probability and the most points it adds above it (a `Mapping`), chosen on cross-validated
probabilities so that scams are lifted to caution while few legit texts reach caution or
scam in each language. `nested_risks` measures that choice on folds it was not made on,
because figures read off the very cases a threshold was chosen on flatter it.

`bot.scam.train` fits the model and calls these; the checker reads the chosen mapping from
the model file (`bot.scam.model.with_model`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.scam.corpus import Case
from bot.scam.model import ramp_points, with_model

__all__ = [
    "MAX_LEGIT_AT_CAUTION",
    "MAX_LEGIT_AT_SCAM",
    "MAX_WEIGHT_CAP",
    "Mapping",
    "choose_language_mappings",
    "choose_mapping",
    "mappings_for",
    "nested_risks",
    "rank",
    "result_of",
    "risks_under",
    "share",
]

#: The share of legit texts that may be at scam with the model, per language, on the folds
#: (or the families' own share, when that is higher: the model never adds to it).
MAX_LEGIT_AT_SCAM = 0.02
#: The share of legit texts that may be at caution or worse, per language, on the folds:
#: a warning on every other real posting would teach people to ignore warnings.
MAX_LEGIT_AT_CAUTION = 0.20
#: The model alone never makes a verdict of scam: it adds at most this much risk, one point
#: under the default scam line (60).
MAX_WEIGHT_CAP = 59.0
#: A language gets its own mapping only with at least this many scams and legit texts.
MIN_LANGUAGE_CASES = 40
_THRESHOLDS = tuple(round(value, 2) for value in np.arange(0.05, 0.91, 0.05))
_WEIGHTS = (*(float(value) for value in range(15, int(MAX_WEIGHT_CAP), 5)), MAX_WEIGHT_CAP)
#: Where the model's points reach their most: at certainty (1.0, a straight ramp from the
#: threshold), or sooner, so that a text the model finds fairly close to scams, with no
#: family cue, can still reach caution.
_SATURATIONS = (1.0, 0.9, 0.8, 0.7, 0.6)


@dataclass(frozen=True, slots=True)
class Mapping:
    threshold: float
    max_weight: float
    recall: dict[str, float]  # scams at caution or worse, per language, on the folds
    legit_at_scam: dict[str, float]  # per language, on the folds
    legit_at_caution: dict[str, float]
    saturate_at: float = 1.0  # the probability at which the points reach max_weight


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
        language: max(MAX_LEGIT_AT_SCAM, share(base_risks, cases, language, False, scam_at))
        for language in languages
    }
    for threshold, max_weight, saturate_at in (
        (t, w, s) for t in _THRESHOLDS for w in _WEIGHTS for s in _SATURATIONS if s > t + 0.1
    ):
        risks = [
            final_risk(base, ramp_points(p, threshold, max_weight, saturate_at), scam_at, sure)
            for base, p, sure in zip(
                base_risks, probabilities, all_concrete(concrete, base_risks), strict=True
            )
        ]
        recall = {lang: share(risks, cases, lang, True, caution_at) for lang in languages}
        at_scam = {lang: share(risks, cases, lang, False, scam_at) for lang in languages}
        at_caution = {lang: share(risks, cases, lang, False, caution_at) for lang in languages}
        if any(at_scam[lang] > allowed[lang] for lang in languages) or any(
            part > MAX_LEGIT_AT_CAUTION for part in at_caution.values()
        ):
            continue
        candidate = Mapping(threshold, max_weight, recall, at_scam, at_caution, saturate_at)
        if best is None or rank(candidate) > rank(best):
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
            [all_concrete(concrete, base_risks)[index] for index in picked],
        )
    return chosen


def rank(mapping: Mapping) -> tuple[float, float, float]:
    """Best first: the weaker language's recall, then the mean recall, then fewer legit
    texts at caution."""
    recalls = list(mapping.recall.values())
    return min(recalls), sum(recalls) / len(recalls), -max(mapping.legit_at_caution.values())


def share(
    risks: Sequence[float], cases: Sequence[Case], language: str, scams: bool, at: int
) -> float:
    """The share of the scams (or legit texts) of one language whose risk is `at` or more."""
    group = [
        r for r, c in zip(risks, cases, strict=True) if c.is_scam == scams and c.lang == language
    ]
    return sum(r >= at for r in group) / max(1, len(group))


def final_risk(base_risk: float, added: float, scam_at: int, concrete: bool) -> float:
    """The risk the checker gives a text: `with_model`, and kept under the scam line unless
    the text's concrete reasons are corroborated (`bot.scam.verdicts.combine`)."""
    risk = with_model(base_risk, added, scam_at)
    return risk if concrete or risk < scam_at else float(scam_at - 1)


def all_concrete(concrete: Sequence[bool] | None, base_risks: Sequence[int]) -> Sequence[bool]:
    return [True] * len(base_risks) if concrete is None else concrete


def nested_risks(
    cases: Sequence[Case],
    languages: Sequence[str | None],
    probabilities: np.ndarray,
    base: Sequence[int],
    scam_at: int,
    caution_at: int,
    concrete: Sequence[bool] | None,
    folds: np.ndarray,
) -> tuple[list[float], list[dict[str, tuple[float, float, float]]]]:
    """Each case's risk under the mappings chosen on the other folds only, and the mappings
    each fold got ("*" the shared one). The figures of mappings chosen on the very cases
    they are measured on flatter the operating point (it is fit to them); these do not.
    The probabilities the choice reads are still out-of-fold ones, from models that saw part
    of the measured fold: the choice of threshold and weight is what this validates."""
    sure = all_concrete(concrete, base)
    risks = [0.0] * len(cases)
    chosen: list[dict[str, tuple[float, float, float]]] = []
    for fold in sorted(set(folds.tolist())):
        inner: list[int] = np.flatnonzero(folds != fold).tolist()
        shared, own = mappings_for(
            [cases[i] for i in inner],
            [languages[i] for i in inner],
            probabilities[inner],
            [base[i] for i in inner],
            scam_at,
            caution_at,
            [sure[i] for i in inner],
        )
        chosen.append(
            {"*": pair(None, shared)} | {lang: pair(m, shared) for lang, m in own.items()}
        )
        for i in np.flatnonzero(folds == fold).tolist():
            added = ramp_points(probabilities[i], *pair(own.get(languages[i] or ""), shared))
            risks[i] = final_risk(base[i], added, scam_at, sure[i])
    return risks, chosen


def mappings_for(
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


def risks_under(
    base: Sequence[int],
    probabilities: np.ndarray,
    languages: Sequence[str | None],
    concrete: Sequence[bool] | None,
    shared: Mapping,
    own: dict[str, Mapping],
    scam_at: int,
) -> list[float]:
    return [
        final_risk(risk, ramp_points(p, *pair(own.get(lang or ""), shared)), scam_at, sure)
        for risk, p, lang, sure in zip(
            base, probabilities, languages, all_concrete(concrete, base), strict=True
        )
    ]


def pair(own: Mapping | None, shared: Mapping) -> tuple[float, float, float]:
    """The threshold, most points and saturation of a language's own mapping, else the
    shared one's."""
    mapping = own or shared
    return float(mapping.threshold), float(mapping.max_weight), float(mapping.saturate_at)


def result_of(
    cases: Sequence[Case], risks: Sequence[float], scam_at: int, caution_at: int
) -> Mapping:
    """The shares of a set of final risks, per language of the cases (as a Mapping)."""
    languages = sorted({case.lang for case in cases})
    return Mapping(
        0.0,
        0.0,
        {lang: share(risks, cases, lang, True, caution_at) for lang in languages},
        {lang: share(risks, cases, lang, False, scam_at) for lang in languages},
        {lang: share(risks, cases, lang, False, caution_at) for lang in languages},
    )
