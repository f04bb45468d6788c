"""The combined verdict: levels on labelled cases, reasons, thresholds, translations.

The rules' arithmetic is tested with the text model off (`rules_only`), so a figure here is
the families' and links' own; the model's share is tested on its own at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import catalog, placeholders, t
from bot.models import Pay, PayPeriod, Posting, RiskLevel, Signal
from bot.scam import ScamChecker, combine
from bot.scam.evaluate import labelled_posting

DATA = Path(__file__).parent / "data"


def load(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as cases:
        return [json.loads(line) for line in cases if line.strip()]


@pytest.fixture(scope="module")
def checker() -> ScamChecker:
    return ScamChecker()


@pytest.fixture(scope="module")
def rules_only() -> ScamChecker:
    return ScamChecker(model=None)


def posting(description: str, **fields: Any) -> Posting:
    base: dict[str, Any] = {
        "source": "test",
        "native_id": "1",
        "url": "https://acmedata.com/j/1",
        "title": "Data Annotator",
        "company": "Acme Data",
    }
    base.update(fields)
    return Posting(description=description, **base)


@pytest.mark.parametrize("name", ["scam_cases.jsonl", "scam_extra_cases.jsonl"])
def test_every_scam_is_flagged_and_no_legit_posting_is_called_scam(
    checker: ScamChecker, name: str
) -> None:
    for case in load(name):
        item, profile, extra = labelled_posting(case)
        verdict = checker.check(item, company_profile=profile, extra_text=extra)
        if case["label"] == "scam":
            assert verdict.level is not RiskLevel.OK, (case["id"], verdict)
        else:
            assert verdict.level is not RiskLevel.SCAM, (case["id"], verdict)


def test_reasons_are_heaviest_first_and_add_up_to_the_risk(checker: ScamChecker) -> None:
    text = "Urgent! You have been selected, no experience needed. Contact us on WhatsApp."
    verdict = checker.check(posting(text, company="", url=""))
    weights = [signal.weight for signal in verdict.reasons]
    assert weights == sorted(weights, reverse=True)
    assert verdict.risk == min(100, round(sum(weights)))
    assert verdict.level is not RiskLevel.OK
    assert all(signal.evidence for signal in verdict.reasons if signal.id != "company.missing")


def test_thresholds_are_constructor_arguments() -> None:
    text = "Contact our recruiter on Telegram."  # 35 points

    def level(caution_at: int, scam_at: int) -> RiskLevel:
        checker = ScamChecker(caution_at=caution_at, scam_at=scam_at, model=None)
        return checker.check(posting(text)).level

    assert level(30, 60) is RiskLevel.CAUTION
    assert level(10, 35) is RiskLevel.SCAM
    assert level(40, 60) is RiskLevel.OK
    with pytest.raises(ValueError):
        ScamChecker(caution_at=70, scam_at=60)


def test_combine_keeps_the_heaviest_signal_of_each_id() -> None:
    verdict = combine(
        [
            Signal("fee", 10, "a", "signal.fee"),
            Signal("fee", 65, "b", "signal.fee"),
            Signal("urgency", 10, "c", "signal.urgency"),
        ],
        caution_at=30,
        scam_at=60,
    )
    assert [(s.id, s.evidence) for s in verdict.reasons] == [("fee", "b"), ("urgency", "c")]
    assert verdict.risk == 75 and verdict.level is RiskLevel.SCAM


def test_verified_employer_and_trusted_board_still_scored_on_text(checker: ScamChecker) -> None:
    verdict = checker.check(
        posting(
            "Buy the starter kit ($40) before your first project.",
            source="greenhouse:scaleai",
            url="https://job-boards.greenhouse.io/scaleai/jobs/1",
            company="Scale AI",
        )
    )
    assert verdict.verified_employer == "Scale AI"
    assert verdict.level is RiskLevel.SCAM


def test_link_domain_comes_from_the_url_when_company_domain_is_none(checker: ScamChecker) -> None:
    verdict = checker.check(
        posting(
            "Label images.", url="https://appen-jobs.work/x", company="Appen", company_domain=None
        )
    )
    assert {"domain.lookalike", "link.impersonation"} <= {s.id for s in verdict.reasons}


def test_pay_far_above_the_role(checker: ScamChecker) -> None:
    gig = checker.check(posting("Earn $85 per hour rating chatbot answers.", title="AI Rater"))
    assert "pay.above_range" in {s.id for s in gig.reasons}
    expert = checker.check(posting("PhD in physics required. $90-$150 per hour.", title="AI Tutor"))
    engineer = checker.check(posting("Salary $150,000 per year.", title="ML Engineer"))
    structured = checker.check(
        posting("Rate answers.", title="Rater", pay=Pay(120, 120, "USD", PayPeriod.HOUR))
    )
    assert "pay.above_range" not in {s.id for s in expert.reasons}
    assert "pay.above_range" not in {s.id for s in engineer.reasons}
    assert "pay.above_range" in {s.id for s in structured.reasons}


def test_missing_company_identity_is_a_weak_signal(rules_only: ScamChecker) -> None:
    anonymous = rules_only.check(posting("Label images remotely.", company="", url=""))
    assert [s.id for s in anonymous.reasons] == ["company.missing"]
    assert anonymous.level is RiskLevel.OK
    with_profile = rules_only.check(
        posting("Label images.", company="", url=""),
        company_profile="We are a data company founded in 2015.",
    )
    assert with_profile.reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        "Hola, soy reclutadora de Outlier. ¿Te interesa un trabajo de medio tiempo?",
        "Empresa: Welo Data\nEvaluador de búsquedas, 20 horas a la semana.",
        "I'm Emma, a recruiter with Appen, and I have a project for you.",
        "Company: Acme Labs. Rate chatbot answers from home.",
    ],
)
def test_a_company_named_in_the_text_is_not_a_missing_company(
    rules_only: ScamChecker, text: str
) -> None:
    verdict = rules_only.check(posting(text, company="", url=""))
    assert "company.missing" not in {s.id for s in verdict.reasons}


def test_a_message_that_names_an_employer_but_moves_to_a_chat_is_impersonation(
    rules_only: ScamChecker,
) -> None:
    text = "Hola, soy reclutadora de Outlier. Agrégame al WhatsApp +52 55 1234 5678."
    verdict = rules_only.check(posting(text, company="", url=""))
    (impersonation,) = [s for s in verdict.reasons if s.id == "impersonation"]
    assert impersonation.params["employer"] == "Outlier"
    assert verdict.level is RiskLevel.SCAM
    plain = rules_only.check(posting("Agrégame al WhatsApp +52 55 1234 5678.", company="", url=""))
    assert "impersonation" not in {s.id for s in plain.reasons}


def test_a_real_brand_on_an_aggregator_or_ats_is_not_impersonation(
    rules_only: ScamChecker,
) -> None:
    for url in (
        "https://www.linkedin.com/jobs/view/123",
        "https://jobs.lever.co/some-agency/123",
        "https://remotive.com/remote-jobs/ai/data-annotator-123",
    ):
        verdict = rules_only.check(posting("Rate chatbot answers.", company="Outlier", url=url))
        assert "link.impersonation" not in {s.id for s in verdict.reasons}, url


@pytest.mark.parametrize(
    "weak",
    [
        "Urgent! Limited spots, apply today.",
        "No experience needed, we train you.",
        "Sin experiencia. Incorporación inmediata.",
        "No experience needed. Immediate start. Limited positions.",
    ],
)
def test_weak_signals_alone_never_make_a_scam(checker: ScamChecker, weak: str) -> None:
    assert checker.check(posting(weak)).level is not RiskLevel.SCAM


@pytest.mark.parametrize(
    "strong",
    [
        "Buy the onboarding kit ($65) to receive your login.",
        "Deposit 100 USDT to activate your account.",
        "Paga la cuota de inscripción de 25 USD.",
        "Top up your balance with USDT to unlock your earnings.",
        "Para activar tu cuenta paga 30 USDT de verificación.",
    ],
)
def test_a_fee_or_crypto_deposit_alone_is_a_scam(rules_only: ScamChecker, strong: str) -> None:
    assert rules_only.check(posting(strong)).level is RiskLevel.SCAM


def test_spanish_pay_rate_is_no_fee(checker: ScamChecker) -> None:
    verdict = checker.check(
        posting("Anotador/a de audio, media jornada, tarifa de 15 € la hora", title="Anotador")
    )
    assert "advance_fee" not in {s.id for s in verdict.reasons}
    assert verdict.level is not RiskLevel.SCAM


def test_the_text_model_adds_risk_but_never_a_verdict_of_scam_alone(
    checker: ScamChecker,
) -> None:
    assert checker.model is not None
    scammy = (
        "Hola, buen día. Estamos contratando personal a tiempo parcial desde casa. Solo "
        "necesitas tu celular y 30 minutos al día. Los nuevos reciben un bono de bienvenida."
    )
    verdict = checker.check(posting(scammy, company="", url=""))
    (model,) = [s for s in verdict.reasons if s.id == "model.text"]
    assert 0 < model.weight <= checker.model.info.max_weight < 60
    assert model.evidence  # the words that weighed most
    # no reason reaches caution alone here, so the wording cannot make it a scam
    assert all(s.weight < checker.caution_at for s in verdict.reasons if s.id != "model.text")
    assert verdict.level is not RiskLevel.SCAM
    assert verdict.risk == round(sum(s.weight for s in verdict.reasons))
    empty = checker.check(posting("", title="", company="", url=""))
    assert "model.text" not in {s.id for s in empty.reasons}


def _all_emitted(checker: ScamChecker) -> list[Signal]:
    signals: list[Signal] = []
    for name in ("scam_cases.jsonl", "scam_extra_cases.jsonl"):
        for case in load(name):
            item, profile, extra = labelled_posting(case)
            signals.extend(checker.check(item, company_profile=profile, extra_text=extra).reasons)
    return signals


def test_every_reason_reads_in_spanish_and_english(checker: ScamChecker) -> None:
    emitted = _all_emitted(checker)
    assert len({signal.id for signal in emitted}) >= 20
    for language in ("es", "en"):
        messages = catalog(language)
        for signal in emitted:
            assert signal.message_key in messages, (language, signal.message_key)
            assert placeholders(messages[signal.message_key]) <= set(signal.params), signal
            assert "{" not in t(signal.message_key, language, **signal.params)


def test_scam_catalogs_have_the_same_keys_and_placeholders() -> None:
    root = Path(__file__).parent.parent / "bot" / "i18n" / "locales"
    from babel.messages.pofile import read_po

    def read(language: str) -> dict[str, tuple[str, ...]]:
        """Each key's text, or a plural key's forms (its id is then msgid and msgid_plural)."""
        with open(root / language / "scam.po", "rb") as po:
            return {
                str(m.id if isinstance(m.id, str) else m.id[0]): (
                    (str(m.string),) if isinstance(m.string, str) else tuple(m.string or ())
                )
                for m in read_po(po)
                if m.id
            }

    spanish, english = read("es"), read("en")
    assert spanish.keys() == english.keys()
    for key in spanish:
        for form in (*spanish[key], *english[key]):
            assert placeholders(form) == placeholders(english[key][0]), key


def test_context_alone_never_makes_a_scam_verdict() -> None:
    """One family's cue with "names no company" and high pay is a warning, not a verdict of
    scam; a second concrete reason makes it one."""
    fee = Signal("advance_fee", 40, "pay the fee", "signal.advance_fee")
    context = [
        Signal("company.missing", 15, "", "signal.company_missing"),
        Signal("pay.above_range", 25, "$90/h", "signal.pay_above_range"),
    ]
    alone = combine([fee, *context], caution_at=30, scam_at=60)
    assert alone.level is RiskLevel.CAUTION
    assert alone.risk == 59
    chat = Signal("chat_move", 35, "Telegram", "signal.chat_move")
    assert combine([fee, chat, *context], caution_at=30, scam_at=60).level is RiskLevel.SCAM


def test_one_family_cue_and_wording_are_a_warning_not_a_verdict() -> None:
    """A single family's cue below the scam line (a withdrawal fee, a chat interview) with
    scam-like wording and no company named stays caution, however heavy the wording; a
    second, independent reason, or a cue that is a scam alone, makes it scam. Urgency alone
    (10) corroborates nothing."""
    context = [
        Signal("company.missing", 15, "", "signal.company_missing"),
        Signal("model.text", 30, "pago, tareas", "signal.model_text", {"percent": "90"}),
    ]
    withdrawal = Signal("advance_fee", 55, "a fee to withdraw", "signal.advance_fee")
    alone = combine([withdrawal, *context], caution_at=30, scam_at=60)
    assert (alone.level, alone.risk) == (RiskLevel.CAUTION, 59)
    hurry = Signal("pressure", 10, "urgent", "signal.pressure")
    assert combine([withdrawal, hurry, *context], caution_at=30, scam_at=60).risk == 59
    picked = Signal("unsolicited", 15, "you have been selected", "signal.unsolicited")
    both = combine([withdrawal, picked, *context], caution_at=30, scam_at=60)
    assert both.level is RiskLevel.SCAM
    start_fee = Signal("advance_fee", 65, "pay the $50 registration fee", "signal.advance_fee")
    assert combine([start_fee], caution_at=30, scam_at=60).level is RiskLevel.SCAM
    script = Signal("script.match", 50, "task-scam-01 (60%)", "signal.script_match")
    assert combine([script, *context], caution_at=30, scam_at=60).level is RiskLevel.SCAM


#: A long, ordinary posting in each language: the background a scam text is hidden in.
_LONG_POSTING = {
    "en": (
        "About the role. We are looking for a Data Annotation Specialist to join our remote"
        " team. You will label text, images and audio used to train and evaluate machine"
        " learning models, following detailed written guidelines. Responsibilities include"
        " reviewing model outputs for accuracy, flagging unclear cases to the project lead"
        " and keeping quality metrics above the team's targets. Requirements: fluent written"
        " English, attention to detail, a reliable internet connection and at least one year"
        " of experience in content moderation, translation or data entry. Benefits: paid time"
        " off, health insurance, a learning budget and a home-office stipend. Our hiring"
        " process has three steps: a short application form, a skills assessment on our"
        " platform and a video interview with the team."
    ),
    "es": (
        "Sobre el puesto. Buscamos un/a Especialista en Anotación de Datos para nuestro equipo"
        " remoto. Etiquetarás textos, imágenes y audios que se usan para entrenar y evaluar"
        " modelos de aprendizaje automático, siguiendo guías detalladas. Tus"
        " responsabilidades incluyen revisar respuestas de modelos, señalar casos dudosos a la"
        " coordinación del proyecto y mantener las métricas de calidad del equipo. Requisitos:"
        " español nativo, atención al detalle, buena conexión a internet y al menos un año de"
        " experiencia en moderación de contenidos, traducción o captura de datos. Ofrecemos:"
        " vacaciones pagadas, seguro médico, presupuesto de formación y ayuda para el"
        " teletrabajo. Nuestro proceso tiene tres pasos: un formulario breve, una prueba de"
        " habilidades en nuestra plataforma y una entrevista por videollamada con el equipo."
    ),
}
_SCAM_MESSAGES = (
    "To activate your account you must deposit 50 USDT first, then start the daily tasks.",
    "Para activar tu cuenta debes recargar 30 USDT y luego haces tareas de dar me gusta, ganas"
    " 300 pesos diarios. Escríbeme por WhatsApp.",
    "Hi, I'm a recruiter. You have been selected for a remote part-time job, earn $300 a day"
    " liking videos. Contact us on Telegram.",
    "Hola, ¿te interesa un trabajo desde casa? Ganas de 80 a 300 euros diarios dando likes."
    " Agrégame al WhatsApp +34 612 345 678",
)


@pytest.mark.parametrize("message", _SCAM_MESSAGES)
@pytest.mark.parametrize("background", sorted(_LONG_POSTING))
def test_a_scam_hidden_in_a_long_posting_keeps_its_level(
    checker: ScamChecker, message: str, background: str
) -> None:
    """Length does not decide: a scam script pasted into a long, ordinary posting, in the
    same or the other language, is still a scam; the families read each language's words
    of a text that holds both."""
    assert checker.check(posting(message)).level is RiskLevel.SCAM
    long = _LONG_POSTING[background]
    hidden = checker.check(posting(f"{long}\n{message}\n{long}"))
    assert hidden.level is RiskLevel.SCAM, hidden
    assert checker.check(posting(long)).level is RiskLevel.OK


@pytest.mark.parametrize(
    "text",
    [
        "hey! we're hiring data annotators, $20/hr, remote, apply on our careers page",
        "looking 4 ppl who speak spanish to rate AI answers, 18 usd/hr, part time, no exp"
        " needed, apply thru our site",
        "hola! buscamos anotadores de audio, media jornada, 15 € la hora. manda tu cv por la web",
        "Se busca gente para evaluar respuestas de IA, 12€/h, desde casa, sin experiencia. Info"
        " en nuestra web",
    ],
)
def test_a_legit_posting_written_short_and_informal_is_no_scam(
    checker: ScamChecker, text: str
) -> None:
    """Style does not decide: a real posting's offer written as a short, informal note
    (no company named, slang, no punctuation) is at most a warning."""
    assert checker.check(posting(text, company="", url="")).level is not RiskLevel.SCAM


def test_a_warning_gets_no_points_from_the_wording_model(checker: ScamChecker) -> None:
    """An adviser's warning is written in scams' own words; the model's score of them is no
    evidence, so it adds nothing there, while the same words as a message still count."""
    warning = (
        "Job scams: fake recruiters text you about remote tasks, then ask for money to unlock"
        " your earnings. Never pay to get a job, avoid upfront payments and protect your"
        " personal information; report the number."
    )
    verdict = checker.check(posting(warning, company="", url=""))
    assert "model.text" not in {signal.id for signal in verdict.reasons}
    assert verdict.level is not RiskLevel.SCAM
