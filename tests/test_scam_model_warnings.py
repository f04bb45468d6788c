"""The text model on texts in a warning's voice: an employer's notice that merely reads
like scams gets none of the model's points, but a text the model finds very close to real
scams gets them even when it advises the reader, as the police's and the press's accounts
of one scheme do ("no pagues", "denuncia").

The models here give every text the same probability (all n-gram weights zero), so what is
tested is the checker's rule, not the shipped model's figures.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.models import Posting
from bot.scam import ScamChecker
from bot.scam.model import HASH_BITS, WARNING_MIN_PROBABILITY, ModelInfo, TextModel
from bot.scam.notice import is_scam_warning
from bot.scam.textview import view_of

WARNINGS = {
    "en": "Beware of job scams. Never pay to get a job, and report fraud to the police.",
    "es": "Cuidado con las estafas de empleo. Nunca pagues por un trabajo y denuncia el fraude.",
}


def model_at(probability: float) -> TextModel:
    """A model that gives every text `probability`, adding points from p = 0.5."""
    intercept = float(np.log(probability / (1 - probability)))
    info = ModelInfo("2026-12-05", 2, 1, intercept, 0.5, 40.0)
    return TextModel(np.zeros(1 << HASH_BITS, dtype=np.float32), info)


def model_points(checker: ScamChecker, text: str) -> float:
    verdict = checker.check(Posting("test", "1", "", "", description=text))
    return sum(signal.weight for signal in verdict.reasons if signal.id == "model.text")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_warning_gets_the_models_points_only_when_very_close_to_scams(language: str) -> None:
    text = WARNINGS[language]
    assert is_scam_warning(view_of(text).folded)
    below = ScamChecker(model=model_at(WARNING_MIN_PROBABILITY - 0.1))
    above = ScamChecker(model=model_at(min(0.99, WARNING_MIN_PROBABILITY + 0.05)))
    assert model_points(below, text) == 0
    assert model_points(above, text) > 0
    # An ordinary text is scored from the model's own threshold.
    plain = (
        "Remote annotation work, flexible hours."
        if language == "en"
        else ("Trabajo remoto de anotación, horario flexible.")
    )
    assert model_points(below, plain) > 0
