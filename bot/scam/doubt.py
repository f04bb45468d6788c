"""How far the text model may doubt the families (`bot.scam.verdicts.combine`): the
probability below which a long text reads as an ordinary posting's, chosen by
`python -m bot train` on cross-validated scores of each text and its passages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.scam.corpus import Case
from bot.scam.operating_point import all_concrete

__all__ = ["DOUBT_CHOICES", "MAX_SCAMS_DOUBTED", "choose_doubt", "doubt_report", "undoubted"]

#: The probabilities below which the model may doubt the families' verdict of scam
#: (`bot.scam.verdicts.combine`), and the most of the development scams that the families
#: alone call scam that the chosen one may lower to caution, on the folds.
DOUBT_CHOICES = tuple(round(value, 2) for value in np.arange(0.05, 0.51, 0.05))
MAX_SCAMS_DOUBTED = 0.01


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
    exempt = [False] * len(cases) if backed is None else backed
    called = families_scams(cases, base, scam_at, concrete)
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
    and not doubted by the model, unless `backed` (`bot.scam.verdicts.beyond_doubt`)."""
    sure = [True] * size if concrete is None else concrete
    exempt = [False] * size if backed is None else backed
    return [bool(sure[i] and (exempt[i] or probabilities[i] >= doubt_below)) for i in range(size)]


def families_scams(
    cases: Sequence[Case], base: Sequence[int], scam_at: int, concrete: Sequence[bool] | None
) -> list[int]:
    """The scams the families alone call scam: at `scam_at` or more, their reasons
    `concrete` (corroborated)."""
    sure = all_concrete(concrete, base)
    return [i for i, case in enumerate(cases) if case.is_scam and base[i] >= scam_at and sure[i]]


def doubt_report(
    cases: Sequence[Case],
    base: Sequence[int],
    concrete: Sequence[bool],
    backed: Sequence[bool],
    scam_like: np.ndarray,
    doubt_below: float,
    scam_at: int,
) -> None:
    """What the model's doubt does on the folds: the families' scams it lowers to caution,
    and the legit texts near or over the line (45 or more) whose wording it doubts."""
    doubted = [scam_like[i] < doubt_below and not backed[i] for i in range(len(cases))]
    called = families_scams(cases, base, scam_at, concrete)
    near = [i for i, case in enumerate(cases) if not case.is_scam and base[i] >= 45]
    print(
        f"the model doubts the families' verdict below p={doubt_below:g}: "
        f"{sum(doubted[i] for i in called)} of the {len(called)} scams the families call scam "
        f"would be caution; {sum(doubted[i] for i in near)} of the {len(near)} legit texts "
        "the families put at 45 or more are doubted"
    )
