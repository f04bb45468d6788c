"""The text model's doubt: when a long text's wording reads as an ordinary posting's, two
weaker cues together make caution, not scam; a cue that is a scam on its own, link evidence
and short messages are never doubted.

The model here scores every text alike (all n-gram weights zero, a low intercept), so what
is tested is the checker's rule, not the shipped model's figures.
"""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest

from bot.delivery.render import TOP_REASONS, verdict_fields, weighted_reason_lines
from bot.i18n import t
from bot.models import Posting, RiskLevel
from bot.scam import ScamChecker
from bot.scam.model import HASH_BITS, PASSAGE_WORDS, ModelInfo, TextModel
from bot.scam.reputation import Reputation

ORDINARY = {
    "en": (
        "The team reviews model answers in English, writes short explanations of what is "
        "wrong with each one and follows the written guidelines that the project leads share "
        "every week. Hours are flexible, the work is remote and the contract is renewed each "
        "quarter according to the quality of the reviews and the needs of the project. "
    ),
    "es": (
        "El equipo revisa respuestas de modelos en español, escribe explicaciones breves de lo "
        "que falla en cada una y sigue las pautas escritas que comparten cada semana los "
        "responsables del proyecto. El horario es flexible, el trabajo es remoto y el contrato "
        "se renueva cada trimestre según la calidad de las revisiones y las necesidades. "
    ),
}
#: Two cues that corroborate each other, neither a scam on its own: a move to a chat app
#: and an unsolicited pick, with urgency.
TWO_CUES = {
    "en": "Urgent! You have been selected. Contact our recruiter on Telegram.",
    "es": "¡Urgente! Has sido seleccionado. Contacta a nuestro reclutador por Telegram.",
}
FEE_TO_START = {
    "en": "Before you start you must pay a $60 onboarding fee in USDT.",
    "es": "Antes de empezar debes pagar una cuota de alta de 60 USDT.",
}


def doubting_model(doubt_below: float) -> TextModel:
    """A model that gives every text the same low probability (about 0.7 %)."""
    info = ModelInfo("2026-12-04", 2, 1, -5.0, 0.9, 10.0, doubt_below=doubt_below)
    return TextModel(np.zeros(1 << HASH_BITS, dtype=np.float32), info)


@pytest.fixture(scope="module")
def doubting() -> ScamChecker:
    return ScamChecker(model=doubting_model(0.3))


@pytest.fixture(scope="module")
def trusting() -> ScamChecker:
    return ScamChecker(model=doubting_model(0.0))


def posting(description: str, **fields: Any) -> Posting:
    base: dict[str, Any] = {
        "source": "test",
        "native_id": "1",
        "url": "",
        "title": "",
        "company": "",
        "location": "",
        "remote": True,
        "pay": None,
        "description": description,
    }
    return Posting(**(base | fields))


def long_text(language: str, cue: str) -> str:
    text = ORDINARY[language] + cue
    assert len(text.split()) >= PASSAGE_WORDS
    return text


@pytest.mark.parametrize("language", ["en", "es"])
def test_two_weaker_cues_in_ordinary_wording_make_caution_with_the_reason_said(
    doubting: ScamChecker, trusting: ScamChecker, language: str
) -> None:
    text = long_text(language, TWO_CUES[language])
    assert trusting.check(posting(text)).level is RiskLevel.SCAM
    verdict = doubting.check(posting(text))
    assert verdict.level is RiskLevel.CAUTION
    assert verdict.risk == doubting.scam_at - 1
    assert verdict.reasons[-1].id == "model.doubt"
    assert {"chat_move", "unsolicited"} <= {reason.id for reason in verdict.reasons}
    said = t(verdict.reasons[-1].message_key, language)
    assert said and said != verdict.reasons[-1].message_key


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_cue_that_is_a_scam_on_its_own_is_never_doubted(
    doubting: ScamChecker, language: str
) -> None:
    verdict = doubting.check(posting(long_text(language, FEE_TO_START[language])))
    assert verdict.level is RiskLevel.SCAM
    assert "model.doubt" not in {reason.id for reason in verdict.reasons}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_short_message_is_not_doubted_for_its_few_words(
    doubting: ScamChecker, language: str
) -> None:
    """A chat message's low score says the model has few words to judge, not that they read
    as an ordinary posting's."""
    assert doubting.check(posting(TWO_CUES[language])).level is RiskLevel.SCAM


def test_link_evidence_is_not_doubted(doubting: ScamChecker) -> None:
    text = long_text("en", "Our recruiter will contact you. Apply now.")
    verdict = doubting.check(posting(text, company="Appen", url="https://appen-jobs.work/x"))
    assert verdict.level is RiskLevel.SCAM
    assert "model.doubt" not in {reason.id for reason in verdict.reasons}


async def test_online_evidence_lifts_a_doubted_verdict_and_drops_the_doubt() -> None:
    """`check_online` adds a blocklisted domain to a doubted verdict: a reason about the
    link, which the wording's doubt does not overrule. No request leaves the process: the
    blocklist is local and RDAP is off."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request to {request.url}")

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    reputation = Reputation(rdap_base_url=None, blocklist=["bad-jobs.example"], client=client)
    checker = ScamChecker(model=doubting_model(0.3), reputation=reputation)
    job = posting(long_text("en", TWO_CUES["en"]), url="https://apply.bad-jobs.example/1")
    offline = checker.check(job)
    assert offline.level is RiskLevel.CAUTION
    assert offline.reasons[-1].id == "model.doubt"
    online = await checker.check_online(job, offline)
    assert online.level is RiskLevel.SCAM
    assert "domain.blocklisted" in {reason.id for reason in online.reasons}
    assert "model.doubt" not in {reason.id for reason in online.reasons}
    clean = posting(long_text("en", TWO_CUES["en"]), url="https://jobs.example.org/1")
    assert (await checker.check_online(clean, checker.check(clean))).level is RiskLevel.CAUTION
    await client.aclose()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_card_always_says_why_a_doubted_verdict_is_caution(
    doubting: ScamChecker, language: str
) -> None:
    """The doubt weighs nothing, so it comes last; a card that shows only the strongest
    reasons still shows it, in place of the weakest, and "Why?" lists every one."""
    verdict = doubting.check(posting(long_text(language, TWO_CUES[language])))
    assert len(verdict.reasons) > TOP_REASONS
    fields = {field.label: field.value for field in verdict_fields(verdict, language)}
    lines = fields[t("field.reasons", language)].split("\n")
    assert lines[0].startswith("• ") and t(verdict.reasons[0].message_key, language) in lines[0]
    assert t("signal.model_doubt", language) in lines[TOP_REASONS - 1]
    hidden = len(verdict.reasons) - TOP_REASONS
    assert lines[-1] == t("verdict.more_reasons", language, count=hidden)
    assert any(
        t("signal.model_doubt", language) in line
        for line in weighted_reason_lines(verdict.reasons, language)
    )
