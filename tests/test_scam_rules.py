"""Check 1: text rules in English and Spanish, with negation and legit look-alikes."""

from __future__ import annotations

import pytest

from bot.models import Posting, RiskLevel
from bot.scam import ScamChecker
from bot.scam.rules import text_signals
from bot.scam.textnorm import fold


def ids(text: str) -> set[str]:
    return {signal.id for signal in text_signals(text)}


@pytest.fixture(scope="module")
def checker() -> ScamChecker:
    return ScamChecker()


def level_of(checker: ScamChecker, description: str, *, company: str = "Acme Data") -> RiskLevel:
    posting = Posting(
        "test",
        "1",
        "https://acmedata.com/jobs/1",
        "Data Annotator",
        company=company,
        description=description,
    )
    return checker.check(posting).level


@pytest.mark.parametrize(
    ("text", "signal_id"),
    [
        ("Before starting you must buy the starter kit for $49.", "fee"),
        ("Pay the $30 certification fee to unlock projects.", "fee"),
        ("A refundable deposit of $100 secures your seat.", "fee"),
        ("There is a small registration fee of $20.", "fee"),
        ("Paga 30 USD por el curso de certificación.", "fee"),
        ("Debes abonar la cuota de inscripción antes de empezar.", "fee"),
        ("El pago de activación es reembolsable.", "fee"),
        ("Salary is paid in USDT every week.", "crypto.payment"),
        ("Deposit 50 USDT (TRC20) to activate your account.", "crypto.payment"),
        ("Los pagos se hacen en criptomonedas a tu billetera.", "crypto.payment"),
        ("Send the balance back by buying gift cards.", "giftcard"),
        ("Compra tarjetas de regalo y envía los códigos.", "giftcard"),
        ("We will send you a cheque; deposit it and forward the rest to our supplier.", "cheque"),
        ("Message our recruiter on Telegram @jobs_desk.", "contact.chat"),
        ("Escríbenos por WhatsApp para la entrevista.", "contact.chat"),
        ("Join here: t.me/hiring_team_now", "contact.chat"),
        ("The interview is conducted by text chat only.", "interview.chat"),
        ("Send us your online banking username and password.", "pii.bank"),
        ("Please send a photo of your driver's license and SSN.", "pii.identity"),
        ("Envía una foto de tu DNI y tus datos bancarios.", "pii.identity"),
        ("Recharge your account balance to continue the task set.", "task.recharge"),
        ("Recarga tu saldo para desbloquear tareas.", "task.recharge"),
        ("Earn commission per task; each task set has 40 tasks.", "task.scheme"),
        ("Gana comisión por cada tarea en tareas combinadas.", "task.scheme"),
        ("No experience needed!", "no_experience"),
        ("Sin experiencia previa.", "no_experience"),
        ("You are hired, no interview required.", "no_interview"),
        ("Guaranteed income of $900 per week.", "pay.guaranteed"),
        ("Ingresos garantizados desde el primer mes.", "pay.guaranteed"),
        ("Limited slots, act now!", "urgency"),
        ("Plazas limitadas, responde hoy.", "urgency"),
        ("We found your resume online and want to offer you a role.", "unsolicited"),
        (
            "You will receive payments from clients on behalf of the company and transfer them.",
            "money.mule",
        ),
    ],
)
def test_each_signal_fires_in_both_languages(text: str, signal_id: str) -> None:
    assert signal_id in ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "We never charge a fee to candidates.",
        "No fees are ever required to work with us.",
        "Nunca te pediremos dinero.",
        "There is no registration fee and no starter kit to buy.",
        "You will never be asked to pay for training.",
        "Sin cuota de inscripción.",
        "We pay via direct deposit every two weeks.",
        "Build Telegram bots with the Telegram Bot API.",
        "Send notifications via WhatsApp Business API.",
        "We reimburse up to $300 of equipment through a home office stipend.",
        "Annual learning budget of $1,500 for courses and certifications.",
        "Background check fee is covered by the company.",
        "Beware of scams: nobody from us will ask you to buy a starter kit or pay a fee.",
        "Atención: hay estafadores que piden pagar cursos por WhatsApp.",
        "La empresa paga la formación y el equipo.",
        "Participants receive a $10 Amazon gift card after each study.",
        "Optimize app performance and reduce crashes.",
        "Help customers top up their account balance.",
    ],
)
def test_legit_phrases_do_not_fire_strong_signals(text: str) -> None:
    strong = {
        "fee",
        "crypto.payment",
        "giftcard",
        "cheque",
        "contact.chat",
        "pii.bank",
        "pii.identity",
        "task.recharge",
        "task.scheme",
    }
    assert ids(text) & strong == set()


def test_negation_does_not_reach_across_but() -> None:
    assert "fee" in ids("No fee to apply, but you must buy the starter kit ($65) first.")


def test_evidence_quotes_the_original_words_with_accents() -> None:
    (signal,) = [s for s in text_signals("Contáctanos por WhatsApp hoy.") if s.id == "contact.chat"]
    assert signal.evidence == "Contáctanos por WhatsApp"


def test_fold_keeps_offsets() -> None:
    text = "Atención: Paga 30 € — “ahora”"
    assert len(fold(text)) == len(text)
    assert fold("ÁÉÍÓÚÑ") == "aeioun"


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
    assert level_of(checker, weak) is not RiskLevel.SCAM


@pytest.mark.parametrize(
    "strong",
    [
        "Buy the onboarding kit ($65) to receive your login.",
        "Deposit 100 USDT to activate your account.",
        "Paga la cuota de inscripción de 25 USD.",
        "Top up your balance with USDT to unlock your earnings.",
    ],
)
def test_a_fee_or_crypto_deposit_alone_is_a_scam(checker: ScamChecker, strong: str) -> None:
    assert level_of(checker, strong) is RiskLevel.SCAM


def test_legit_ml_salary_and_telegram_product_stay_ok(checker: ScamChecker) -> None:
    text = (
        "Senior ML engineer to build our Telegram bot platform. Salary $150,000 - $190,000 "
        "per year. We never charge a fee."
    )
    assert level_of(checker, text) is RiskLevel.OK
