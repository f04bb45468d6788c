"""Fees and warnings read as the development cases showed them, in English and Spanish.

Words that name the work itself (training, a course, processing, a quota) are a fee only
right after the paying verb or a sum paid; a salary in crypto is no deposit; a period stated
for one sum does not carry into the next sentence; pages that list a fraud's signs for the
reader are warnings.
"""

from __future__ import annotations

import pytest

from bot.postings.pay import find_pay
from bot.scam.families import family_signals
from bot.scam.notice import is_scam_warning
from bot.scam.textview import view_of


def fires(text: str) -> set[str]:
    return {signal.id for signal in family_signals(view_of(text))}


@pytest.mark.parametrize(
    "text",
    [
        "Facebook is paying for voice recordings to train its speech recognition.",
        "Within days I was on a project paying $25 an hour, training the AI to refuse.",
        "You will help shape pay strategy and automation, process payments end to end.",
        "Se pide licencia C2 y no tener multas (o tener acuerdo de pago con la primera cuota"
        " pagada).",
        "A los pocos días estaba en un proyecto que pagaba 25 dólares la hora, formación del"
        " modelo incluida.",
    ],
)
def test_the_works_own_words_after_pay_are_no_fee(text: str) -> None:
    assert "advance_fee" not in fires(text)


@pytest.mark.parametrize(
    "text",
    [
        "You must pay for the training before you start.",
        "Pay $30 for the certification course.",
        "Tienes que pagar la capacitación antes de empezar.",
        "Paga 30 USD por el curso de certificación.",
    ],
)
def test_paying_for_the_training_is_still_a_fee(text: str) -> None:
    assert "advance_fee" in fires(text)


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("Customer support, remote. Pay 1000-2000 USDT a month.", False),
        ("Soporte al cliente, remoto. Pago: 1000-2000 USDT al mes.", False),
        ("Deposit 50 USDT to activate your account.", True),
        ("Deposita 50 USDT para activar tu cuenta.", True),
    ],
)
def test_a_salary_in_crypto_is_no_deposit(text: str, fee: bool) -> None:
    assert ("advance_fee" in fires(text)) is fee


@pytest.mark.parametrize(
    "text",
    ["Earn 100 USDT per day. Deposit 50 USDT first.", "Gana 100 USDT por día. Deposita 50 USDT."],
)
def test_a_period_does_not_carry_into_the_next_sentence(text: str) -> None:
    """The deposit is a sum asked for, not pay: its sentence states no period."""
    earn, deposit = find_pay(text, limit=8, any_period=True)
    assert earn.period is not None and earn.period_stated
    assert deposit.period is None
    assert "advance_fee" in fires(text)


@pytest.mark.parametrize(
    "text",
    [
        "Signs of a fraudulent job offer: they ask you to pay upfront for equipment; they send"
        " you a check. Make sure the sender's address matches the company's domain.",
        "6 indicadores para detectar una oferta de trabajo falsa: piden un pago por gastos de"
        " gestión y solicitan datos bancarios al inicio del proceso. Señales de una oferta"
        " demasiado tentadora: sueldo muy alto sin experiencia.",
        "Ofertas de trabajo fraudulentas: señales de una oferta falsa. Si se pide dinero para"
        " iniciar el proceso, probablemente es una estafa.",
        "An employment scam targets job seekers. The usual pattern: you are told to receive a"
        " cheque, convert part of it into crypto and send it to a wallet.",
    ],
)
def test_a_page_listing_a_frauds_signs_is_a_warning(text: str) -> None:
    assert is_scam_warning(view_of(text).folded)


def test_a_scam_message_is_not_a_warning_for_saying_scam() -> None:
    text = (
        "This is not a scam. Pay the $50 training fee to start and message our recruiter on"
        " Telegram."
    )
    assert not is_scam_warning(view_of(text).folded)
    assert "advance_fee" in fires(text)


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        (
            "We hire investment bankers and legal experts to train models at $180-200 an hour.",
            False,
        ),
        ("Invest $200 today and earn 30% profit every day.", True),
        ("Expertos en banca de inversión y derecho, 90 euros la hora.", False),
        ("Invierte 200 dólares y gana un 30% de rendimiento diario.", True),
    ],
)
def test_a_job_in_investment_is_no_ask_to_invest(text: str, fee: bool) -> None:
    assert ("advance_fee" in fires(text)) is fee


@pytest.mark.parametrize(
    "text",
    [
        "Cada repartidor gana unos 15 euros por envío, según la tarifa de la zona.",
        "Las tarifas van de 1 a 5 dólares según la distancia del pedido.",
    ],
)
def test_tarifa_beside_a_sum_is_the_rate(text: str) -> None:
    """In Spanish "tarifa" is mostly what a job or a delivery pays; it is a fee only with a
    fee's purpose ("tarifa de inscripción")."""
    assert "advance_fee" not in fires(text)
    assert "advance_fee" in fires("Debes pagar una tarifa de inscripción de 30 euros.")


@pytest.mark.parametrize(
    "text",
    [
        "Cómo evitar estafas en ofertas de trabajo. Los ciberdelincuentes simulan ofertas"
        " suplantando a empresas reales; buscan dinero o datos bancarios.",
        "Alerta: así puedes detectar falsas ofertas de trabajo. Entre las estafas más"
        " frecuentes: exigir depósitos para cerrar el reclutamiento.",
    ],
)
def test_a_spanish_page_about_scammers_as_a_kind_is_a_warning(text: str) -> None:
    assert is_scam_warning(view_of(text).folded)


def test_a_description_of_one_scheme_keeps_its_signals() -> None:
    """The press and the police open their accounts of one scheme the way advice pages do
    ("scammers impersonate recruiters"), so in English that phrasing alone is no warning."""
    text = (
        "Scammers impersonate recruiters on WhatsApp and ask victims to pay a $100 training"
        " fee before they can start."
    )
    assert not is_scam_warning(view_of(text).folded)
    assert "advance_fee" in fires(text)


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("You can request your payment once your balance reaches $20.", False),
        ("Puedes solicitar un retiro de 20 dólares cuando quieras.", False),
        ("The recruiter requested a payment of $150 before the interview.", True),
        ("Nos solicitaron un pago inicial de 200 dólares para la capacitación.", True),
    ],
)
def test_a_worker_requesting_their_payout_is_no_ask_for_money(text: str, fee: bool) -> None:
    assert ("advance_fee" in fires(text)) is fee


@pytest.mark.parametrize(
    "text",
    [
        "Deposit the check and use $1,985 of the cash to send a Western Union money transfer.",
        "The company would send her a $3,500 certified check to spend with a specific vendor on"
        " her work supplies.",
        "Te enviaremos a tu domicilio por mensajería un cheque para pagar al proveedor de los"
        " equipos.",
    ],
)
def test_a_cheque_sent_on_to_a_vendor_or_a_money_transfer_is_a_fake_cheque(text: str) -> None:
    assert "fake_cheque" in fires(text)


@pytest.mark.parametrize(
    "text",
    [
        "Buscamos anunciante en línea. Jornada de cuatro horas. Sueldo de 650 euros al mes.",
        "Se buscan cajeros online para gestionar cobros desde casa.",
        "After being accepted they were told to open new bank accounts so the company could"
        " transfer marketing funds.",
    ],
)
def test_mule_job_titles_and_new_accounts_for_the_company_are_mule_words(text: str) -> None:
    assert "money_mule" in fires(text)


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("LinkedIn pays people to train AI, at up to $150 an hour.", False),
        ("Paid pre-project training before starting; shifts are chosen weekly.", False),
        ("Remote work lets people pay less tax than formal jobs.", False),
        ("Los censistas cobrarán $6.000 en total, $1.500 por el curso aprobado.", False),
        ("En la capacitación te pagan 500 pesos por el curso completo.", False),
        ("Each applicant paid $30 for the registration forms.", True),
        ("You must pay him $200 for the starter kit before you start.", True),
        ("Luego le pagó 300 pesos por el curso de capacitación.", True),
        ("You paid the training fee, now wait for the tasks.", True),
        ("Te cobran 500 pesos por el curso antes de empezar.", True),
        ("La agencia cobró hasta 7 mil pesos a cada persona por el trámite.", True),
    ],
)
def test_money_the_worker_receives_is_no_fee(text: str, fee: bool) -> None:
    """Who pays whom decides a fee: "pays people to", an adjective "paid training", "te
    pagan", and workers who "cobran" are paid; "each paid $30", "te cobran" are asked."""
    assert ("advance_fee" in fires(text)) is fee


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("Scale AI, valued at $14 billion, supplies training data and trainers.", False),
        ("La empresa, valorada en 300 millones de dólares, ofrece formación a sus equipos.", False),
        ("Pay a $14 fee for the training before you start.", True),
    ],
)
def test_a_figure_in_millions_is_no_sum_asked_for(text: str, fee: bool) -> None:
    assert ("advance_fee" in fires(text)) is fee


@pytest.mark.parametrize(
    "text",
    [
        "Aprende a identificar las falsas ofertas de trabajo: pedir dinero por adelantado o"
        " solicitar datos bancarios antes de la entrevista son indicadores de engaño.",
        "Cómo reconocer ofertas fraudulentas de empleo. Comprueba que la empresa existe y llama"
        " a su departamento de Recursos Humanos; piden ingresar dinero para reservar la plaza.",
        "Learn how to spot a fake recruiter: red flags include a request to pay for equipment"
        " and an interview held only by chat.",
    ],
)
def test_a_page_teaching_to_tell_a_false_offer_is_a_warning(text: str) -> None:
    assert is_scam_warning(view_of(text).folded)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("At first your job will be to make transfers for our clients as they ask.", "money_mule"),
        ("Al principio se encargará de hacer las transferencias para los clientes.", "money_mule"),
        ("Before we talk, send your personal details to this email.", "data_harvest"),
        (
            "Para avanzar pedían el CUIL y la partida de nacimiento de cada postulante.",
            "data_harvest",
        ),
        ("They offered jobs at the port in exchange for money.", "advance_fee"),
        ("Ofrecían empleos en la obra a cambio de una suma de dinero.", "advance_fee"),
    ],
)
def test_a_mule_duty_personal_data_and_a_job_sold_are_read(text: str, family: str) -> None:
    assert family in fires(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ofrecemos trabajo remoto a cambio de una remuneración mensual de 900 euros.",
        "Volunteers help at the festival in exchange for free entry.",
        "Ofrecemos trabajo a cambio de un pago semanal.",
        "We offer a contract in exchange for a monthly payment.",
    ],
)
def test_work_done_for_pay_is_no_job_sold(text: str) -> None:
    assert "advance_fee" not in fires(text)


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("¿Cuesta algo el registro? No, es gratuito y siempre lo será.", False),
        ("Do I need to pay for the training? No, the training is free and paid.", False),
        ("Do I have to pay a registration fee? Yes, $50 before you start.", True),
        ("¿Hay que pagar una cuota de inscripción? Sí, 50 dólares para empezar.", True),
        ("Los trabajadores pagan impuestos y viajan constantemente.", False),
        ("You must pay a $200 tax to withdraw your earnings.", True),
    ],
)
def test_a_help_pages_question_answered_no_and_taxes_paid_are_no_fee(text: str, fee: bool) -> None:
    assert ("advance_fee" in fires(text)) is fee
