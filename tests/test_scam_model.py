"""The learned text model: the shipped file reads back what scikit-learn fitted, word by word,
and its score does not grow or shrink with a text's length alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.scam.corpus import TRAINED_ON, load_cases
from bot.scam.model import ModelInfo, TextModel, feature_rows, save_model
from bot.scam.operating_point import choose_mapping
from bot.scam.train import train
from tests.process_helpers import EarlyCommand

#: Only a guard against a hung training run on a busy machine; nothing asserts its duration.
TRAINING_GUARD_S = 240.0


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[TextModel, list[str]]:
    """A model fitted on every fourth development case, written and read back."""
    cases = load_cases(split="dev")[::4]
    coefficients, intercept = train(cases)
    info = ModelInfo("test", len(cases), sum(c.is_scam for c in cases), intercept, 0.5, 40.0)
    path = tmp_path_factory.mktemp("model") / "model.npz"
    save_model(path, coefficients, info)
    model = TextModel.load(path)
    assert model is not None
    texts = [case.text for case in load_cases(split="dev")[1::2][:40]]
    return model, texts


def test_the_saved_model_scores_as_the_fitted_one(
    small_model: tuple[TextModel, list[str]],
) -> None:
    model, texts = small_model
    weights = model._weights.astype(np.float64)
    for text, row in zip(texts, feature_rows(texts), strict=True):
        margin = model.info.intercept + sum(weights[gram] * value for gram, value in row.items())
        assert model.probability(text) == pytest.approx(1 / (1 + math.exp(-margin)), abs=1e-6)


def test_a_text_repeated_scores_the_same(small_model: tuple[TextModel, list[str]]) -> None:
    model, texts = small_model
    for text in texts[:10]:
        assert model.probability(text * 5) == pytest.approx(model.probability(text), abs=1e-6)


def test_an_empty_text_adds_no_risk() -> None:
    model = TextModel.load()
    assert model is not None
    assert model.weight(model.probability("")) == 0


def test_the_mapping_never_lets_the_model_alone_make_a_scam() -> None:
    cases = load_cases(split="dev")[:60]
    probabilities = np.linspace(0, 1, len(cases))
    mapping = choose_mapping(cases, probabilities, [0] * len(cases), scam_at=60, caution_at=30)
    assert mapping.max_weight < 60


@pytest.mark.early_command("train", "--out", "{dir}/retrained.npz", "--c", "10000")
@pytest.mark.timeout(TRAINING_GUARD_S + 10)
def test_retraining_writes_a_model_the_bot_reads(early_command: EarlyCommand) -> None:
    """`python -m bot train` on the whole development part: it runs beside the rest of the
    suite (it needs one core for a while), started when collection ended."""
    finished = early_command.wait(TRAINING_GUARD_S)
    assert finished.code == 0, finished.err
    assert "development cases" in finished.out
    model = TextModel.load(early_command.dir / "retrained.npz")
    assert model is not None
    assert model.info.cases == sum(case.split in TRAINED_ON for case in load_cases())
    assert 0 < model.info.doubt_below < 1
