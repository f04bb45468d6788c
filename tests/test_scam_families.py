"""Check 1: the scam families, each in English and Spanish (Spain and Latin America).

Every family fires on its scheme's words, inflected, unaccented or spelt to slip past a
filter; stays quiet on the real postings and employers' warnings that use the same words; and
quotes the words it fired on. The examples of issue 8 are here as written.
"""

from __future__ import annotations

import pytest

from bot.models import Signal
from bot.scam.families import family_signals
from bot.scam.textview import view_of


def signals(text: str) -> dict[str, Signal]:
    return {signal.id: signal for signal in family_signals(view_of(text))}


def fires(text: str) -> set[str]:
    return set(signals(text))


STRONG = {"advance_fee", "fake_cheque", "task_scheme", "money_mule", "data_harvest", "chat_move"}


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # advance fees and activation deposits
        ("Before starting you must buy the starter kit for $49.", "advance_fee"),
        ("Pay the $30 certification fee to unlock projects.", "advance_fee"),
        ("A refundable deposit of $100 secures your seat.", "advance_fee"),
        ("There is a small registration fee of $20.", "advance_fee"),
        ("They ask me to pay a $50 training fee before starting.", "advance_fee"),
        ("Deposit 50 USDT (TRC20) to activate your account.", "advance_fee"),
        ("Recharge your account balance to continue the task set.", "advance_fee"),
        ("Send the balance back by buying gift cards.", "advance_fee"),
        ("Paga 30 USD por el curso de certificación.", "advance_fee"),
        ("Debes abonar la cuota de inscripción antes de empezar.", "advance_fee"),
        ("Para activar tu cuenta paga 30 USDT de verificación.", "advance_fee"),
        ("Recarga tu saldo para desbloquear tareas.", "advance_fee"),
        ("Recarga 50 USDT para desbloquear las misiones premium.", "advance_fee"),
        ("Me pidieron un pago inicial para activar mi cuenta de empleo.", "advance_fee"),
        ("Compra tarjetas de regalo y envía los códigos.", "advance_fee"),
        ("Le cobraron los cursos de capacitación: en total pagó S/360.", "advance_fee"),
        # task schemes
        ("Earn commission per task; each task set has 40 tasks.", "task_scheme"),
        ("Gana comisión por cada tarea en tareas combinadas.", "task_scheme"),
        ("Dale me gusta a este video y mándanos captura. Te pagamos $60 pesos.", "task_scheme"),
        ("Get paid $5 for each like on YouTube videos.", "task_scheme"),
        (
            "Our merchants pay for more exposure, so we hire people to boost products.",
            "task_scheme",
        ),
        ("Los vendedores pagan por ganar visibilidad y necesitamos colaboradores.", "task_scheme"),
        # fake cheques and equipment
        (
            "We will send you a cheque; deposit it and forward the rest to our supplier.",
            "fake_cheque",
        ),
        ("They were sending checks for buying laptops.", "fake_cheque"),
        ("Nos están enviando cheques para comprar los equipos.", "fake_cheque"),
        ("Deposita el cheque y compra tu equipo con nuestro proveedor.", "fake_cheque"),
        # money mules
        (
            "You will receive payments from clients on behalf of the company and transfer them.",
            "money_mule",
        ),
        ("Buscamos agente de pagos: recibirás transferencias y las reenviarás.", "money_mule"),
        ("Only a reshipping job: receive parcels at home and send them on.", "money_mule"),
        (
            "Tu única tarea: recibir una suma en tu cuenta personal y transferirla a otras.",
            "money_mule",
        ),
        ("We need a front man: receive the amounts we send and wire them abroad.", "money_mule"),
        # having to pay, a sum in words, a Colombian deposit ("consignar")
        ("Para quedarme con la vacante tenía que pagar cinco mil pesos.", "advance_fee"),
        ("Before you start you have to deposit a refundable amount.", "advance_fee"),
        ("Debes consignar el depósito en la cuenta que te indicamos.", "advance_fee"),
        # paid clicks in the words the scripts use, and money offered without a sum
        ("Te pagan por dejar reseñas de productos y comentar publicaciones.", "task_scheme"),
        ("They offer good money for simple tasks like leaving reviews.", "task_scheme"),
        # harvesting identity, bank or wallet data
        ("Send us your online banking username and password.", "data_harvest"),
        ("Please send a photo of your driver's license and SSN.", "data_harvest"),
        ("Envía una foto de tu DNI y tus datos bancarios.", "data_harvest"),
        ("Mándanos tu CURP y tu INE por aquí.", "data_harvest"),
        ("Share your wallet's seed phrase so we can pay you.", "data_harvest"),
        # moves to chat apps
        ("Message our recruiter on Telegram @jobs_desk.", "chat_move"),
        ("Escríbenos por WhatsApp para la entrevista.", "chat_move"),
        ("Join here: t.me/hiring_team_now", "chat_move"),
        ("The interview is conducted by text chat only.", "chat_move"),
        ("Añade este número a tu WhatsApp y te explico el trabajo", "chat_move"),
        ("agrégame al Wasap", "chat_move"),
        ("message our hiring manager on Wire for the interview", "chat_move"),
        ("Contact us via W h a t s A p p +34 600 111 222", "chat_move"),
        ("Escribe al 𝐖𝐡𝐚𝐭𝐬𝐀𝐩𝐩 ya", "chat_move"),
        # handed on to a chat app, in the victim's words
        ("Se presentó como Alice y me pasó con alguien en Telegram.", "chat_move"),
        ("Then they moved me to Telegram for the tasks.", "chat_move"),
        # a sum with no period after a verb of paying is a payment, not yearly pay
        (
            "Me dijeron que tenía que consignar $35 mil para unas pruebas de habilidad.",
            "advance_fee",
        ),
        ("You had to deposit $25,000 to secure the job.", "advance_fee"),
        # money sent to cover a named cost; asked to invest; a small sum to send
        (
            "El supuesto reclutador pide transferencias para cubrir gastos administrativos.",
            "advance_fee",
        ),
        ("They asked for money to cover the processing fee.", "advance_fee"),
        ("En medio meten ejercicios donde hay que invertir dinero.", "advance_fee"),
        ("They asked me to invest money to keep working.", "advance_fee"),
        ("Antes debes enviar una pequeña suma y nunca recibes nada.", "advance_fee"),
        ("You must send a small sum to start.", "advance_fee"),
        # the like given as the scripts write it, buying for a commission, hotel reviews
        ("Solo das a 'Me gusta' y mandas un screenshot; te pagamos por Bizum.", "task_scheme"),
        (
            "Haciendo de clienta: comprar productos poniendo tu plata y te lo devuelven con una"
            " comisión del 20 %.",
            "task_scheme",
        ),
        (
            "Act as a customer: buy products with your own money and get it back with a 20%"
            " commission.",
            "task_scheme",
        ),
        ("Ofrecen pagar por evaluar hoteles desde casa.", "task_scheme"),
        ("Get paid to review hotels from home.", "task_scheme"),
        # bank data in other words; accounts opened in the applicant's name
        ("Se hace pasar por reclutador y pide información personal o bancaria.", "data_harvest"),
        ("He asks for your banking information by email.", "data_harvest"),
        # identity documents as Chile, Bolivia or Uruguay name them
        ("Terminan entregando datos y hasta copias de su carnet de identidad.", "data_harvest"),
        ("Send us a photo of your identity card to finish the hiring.", "data_harvest"),
        (
            "A los seleccionados les piden abrir cuentas a su nombre en ciertos bancos.",
            "money_mule",
        ),
        ("Their protocol: open bank accounts in your name at certain banks.", "money_mule"),
        # pay lures
        ("Puedes ganar entre 80 y 300 euros diarios desde casa.", "pay_lure"),
        ("You can earn $200 to $500 per day.", "pay_lure"),
        ("Pueden ganar entre $150 y $600 al día.", "pay_lure"),
        ("Earn $150 to $700 daily from your phone.", "pay_lure"),
        ("Ganarás 1500-4000 MXN en tu tiempo libre.", "pay_lure"),
        ("Te pagamos 70 pesos por tarea, solo dar like a videos.", "pay_lure"),
        ("Guaranteed income of $900 per week.", "pay_lure"),
        ("Ingresos garantizados desde el primer mes.", "pay_lure"),
        ("Salary is paid in USDT every week.", "pay_lure"),
        # approach
        ("We found your resume online and want to offer you a role.", "unsolicited"),
        ("Hola, ¿me regala unos minutos? Su perfil fue seleccionado.", "unsolicited"),
        ("You are hired, no interview required.", "unsolicited"),
        ("Hi, I'm a recruiter from Outlier, can I share some details?", "unsolicited"),
        ("Hola, soy reclutadora de Outlier, ¿puedo compartirte detalles?", "unsolicited"),
        ("Invite 3 friends and earn a commission on every deposit they make.", "recruit_others"),
        ("Invita a tus amigos y gana comisiones por cada persona.", "recruit_others"),
        ("Install AnyDesk so our IT team can set up your account.", "remote_access"),
        ("Descarga TeamViewer para la capacitación.", "remote_access"),
        ("Limited slots, act now!", "pressure"),
        ("Plazas limitadas, responde hoy.", "pressure"),
    ],
)
def test_each_family_fires_on_its_words_in_both_languages(text: str, family: str) -> None:
    assert family in fires(text)


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
        "Anotador/a de audio, media jornada, tarifa de 15 € la hora",
        "The pay is weekly and we pay for your training.",
        "Vacaciones pagadas, seguro médico y formación.",
        "Senior engineer, stablecoin pay-ins, payouts, deposits and withdrawals.",
        "We will never ask you to pay a fee or interview you on WhatsApp.",
        "Scammers may ask you to buy a starter kit; we never do.",
        "Si alguien te pide pagar por el curso, es una estafa.",
        "Rate answers from bots like ChatGPT and rewrite the weak ones.",
        "Background check and credit check at the offer stage.",
        "Please check your e-mail to buy time for the interview.",
        "Apple ships you an iMac and a headset for home-based support.",
        "Warning signs of recruitment fraud: an employer asking for money. Real employers don't"
        " charge application fees or ask for your SSN before an offer.",
        "Ningún proceso de selección implica cobros; si te piden un pago anticipado, es fraude.",
        "Cualquier oferta de empleo enviada por WhatsApp es falsa: no pedimos datos por chat.",
        "Cuándo sospechar de un aviso: si piden adelantar dinero para seguir en la búsqueda. Ni"
        " las empresas ni las consultoras cobran a los postulantes.",
        # Advice as agencies write it, to "usted" and as a list of tips.
        "Timos en ofertas de empleo: si le piden ingresar dinero en una cuenta para reservar el"
        " puesto, nunca lo haga. Desconfíe, no hay que invertir nunca para conseguir un trabajo.",
        "Consejos: nunca adelantes dinero y no proporciones tu cuenta bancaria; desconfiar de"
        " quien te ofrece una comisión por recibir transferencias y reenviarlas.",
        "Researchers must pay participants at least £6 per hour.",
        "Puedes cobrar en dólares o en pesos, como prefieras.",
        "We will have to pay you at least $20 an hour for the review work.",
        # Checks in the imperative and a warning's conditional, as security firms write them.
        "Fake job texts: confirm the recruiter through official channels. If they send a link,"
        " check the domain; if they send you a check to deposit and forward, stop.",
        "Job scams ask for upfront payments for training. Avoid upfront payments and protect"
        " personal information.",
        "Fraude en ofertas: si te piden pagar un curso, es estafa; evita pagar y protege tus"
        " datos, y verifica la empresa en su página oficial.",
        # "cobrar" as being paid; the employer covering a cost; a buyer's job; a bank's branch
        "Abrí una cuenta en PayPal para cobrar, y empezaron las capacitaciones.",
        "Reembolsamos el dinero para cubrir el curso.",
        "We reimburse the money to cover your certification.",
        "Comprador: compra productos a proveedores, sueldo más comisión por objetivos.",
        "Ayudamos a los clientes a abrir cuentas bancarias en la sucursal.",
    ],
)
def test_real_postings_and_warnings_fire_no_strong_family(text: str) -> None:
    assert fires(text) & STRONG == set()


@pytest.mark.parametrize(
    ("question", "message", "family"),
    [
        ("I think this is a scam:", "They ask me to pay a $50 training fee before starting.",
         "advance_fee"),
        ("Is this a scam?", "They will mail me a check to buy my laptop from their vendor.",
         "fake_cheque"),
        ("¿Esto es una estafa?", "Me piden recargar 30 USDT para activar la cuenta.",
         "advance_fee"),
        ("¿Les parece sospechoso?", "Me piden recargar 30 USDT para activar la cuenta.",
         "advance_fee"),
    ],
)  # fmt: skip
def test_a_users_own_question_keeps_every_signal_of_the_message(
    question: str, message: str, family: str
) -> None:
    assert family in fires(message)
    assert family in fires(f"{question} {message}")
    assert family in fires(f"{question}\n{message}")


def test_an_employers_warning_stays_harmless_only_in_its_own_clause() -> None:
    warning = "We will never ask you to pay a fee. "
    assert "advance_fee" not in fires(warning)
    assert "advance_fee" in fires(warning + "To activate your account, pay 30 USDT now.")


def test_negation_does_not_reach_across_but() -> None:
    assert "advance_fee" in fires("No fee to apply, but you must buy the starter kit ($65) first.")


def test_no_experience_does_not_negate_the_fee_that_follows() -> None:
    assert "advance_fee" in fires("No experience needed, just pay the $30 activation fee.")


def test_inflected_and_unaccented_forms_count() -> None:
    assert "fake_cheque" in fires("nos estan enviando cheques para comprar los equipos")
    assert "advance_fee" in fires("para activar tu cuenta pagues 30 usdt de verificacion")
    assert "chat_move" in fires("escribeme al whats")


def test_evidence_quotes_the_original_words() -> None:
    found = signals("Para activar tu cuenta paga 30 USDT de verificación.")
    assert found["advance_fee"].evidence == "paga 30 USDT de verificación"
    assert (
        signals("Contáctanos por WhatsApp hoy.")["chat_move"].evidence == "Contáctanos por WhatsApp"
    )


def test_several_task_scheme_words_weigh_more_than_one() -> None:
    one = signals("Join our task set today.")["task_scheme"].weight
    three = signals("Join our task set, reach VIP level 2 and earn commission per order.")
    assert three["task_scheme"].weight > one


def test_a_chat_app_inside_a_link_is_the_link_not_a_word() -> None:
    assert "chat_move" not in fires("Apply at https://whatsapp-careers-example.org/jobs")
    assert "chat_move" in fires("Apply at https://wa.me/34600111222")


@pytest.mark.parametrize(
    "text",
    [
        "Common employment scams. Pay to work scams: people posing as employers charge job"
        " seekers fees for uniforms, training courses and manuals.",
        "Recruitment Fraud Alert. Recruitment fraud offers fictitious jobs and asks for your"
        " passport and bank details, then a processing fee. We take this seriously.",
        "A recruitment scam is when someone posts a fake job advert. Common methods: you are"
        " asked to pay during recruitment for training or police checks.",
        "Alerta de estafa: el fraude laboral consiste en ofertas falsas que te piden pagar un"
        " curso de capacitación. Tomamos esto muy en serio.",
    ],
)
def test_a_page_that_explains_scams_is_a_warning(text: str) -> None:
    """Employers' fraud pages define scams, list their kinds and speak as the firm fighting
    them; they name every ask without making one."""
    assert fires(text) & STRONG == set()


def test_one_word_about_scams_does_not_make_a_message_a_warning() -> None:
    assert "advance_fee" in fires(
        "Recruitment scams are everywhere, but we are real. Pay the training fee to start."
    )


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("A $1.99 processing fee is deducted from your balance for each instant cash-out.", None),
        ("La comisión de 2 € de tramitación se descuenta de tu saldo en cada retiro.", None),
        ("Pay the $1.99 processing fee to activate your account.", "advance_fee"),
        ("Paga la comisión de tramitación de 2 € para activar tu cuenta.", "advance_fee"),
    ],
)
def test_a_fee_taken_from_earnings_is_not_an_advance_fee(text: str, family: str | None) -> None:
    """A platform's charge on a payout comes out of money earned; an advance fee is paid
    before earning anything."""
    assert ("advance_fee" in fires(text)) == (family == "advance_fee")


def test_an_employers_contracted_promise_is_a_warning() -> None:
    assert "advance_fee" not in fires(
        "Fraud alert: at Amazon we don't charge a fee at any stage of recruitment; fraudsters"
        " ask for payment for uniforms and laptops."
    )


@pytest.mark.parametrize(
    "text",
    [
        "This is not a scam, we will never ask you for money. Recharge your account balance to"
        " unlock tasks.",
        "No es una estafa, nunca te pediremos dinero. Recarga tu saldo para desbloquear tareas.",
    ],
)
def test_a_sender_denying_a_scam_keeps_every_signal(text: str) -> None:
    """Scammers' scripts name a scam only to deny it; the denial is no warning's voice."""
    assert "advance_fee" in fires(text)


@pytest.mark.parametrize(
    "text",
    [
        "It has come to our attention that fraudsters posing as our recruiters ask for a"
        " training fee. We will only contact you from an @acme.com address.",
        "Ha llegado a nuestro conocimiento que estafadores se hacen pasar por nuestra empresa y"
        " piden el pago de un curso. Solo nos comunicamos desde correos @acme.com.",
    ],
)
def test_a_firm_speaking_of_fraud_in_its_name_is_a_warning(text: str) -> None:
    assert "advance_fee" not in fires(text)


@pytest.mark.parametrize(
    "text",
    [
        "Process the bank's payments across ACH, instant payments, Zelle, ATM deposits, checks"
        " and non-card disputes.",
        "Gestionar los pagos del banco: transferencias, Bizum, depósitos, cheques y reclamaciones.",
    ],
)
def test_an_item_of_a_list_of_payment_rails_is_no_verb(text: str) -> None:
    """A bank's payment-operations posting lists the rails it runs; "Zelle, ATM deposits,
    checks" is a list of nouns, not "pay a deposit" or "deposit a cheque"."""
    assert fires(text) & {"advance_fee", "fake_cheque"} == set()


def test_a_verb_heading_a_list_keeps_its_cue() -> None:
    assert "advance_fee" in fires("Pay the deposit, the uniform and the kit before you start.")
    assert "fake_cheque" in fires(
        "Deposit the checks, keep your pay and send the rest to our equipment vendor."
    )


def test_a_fee_paid_to_the_worker_is_pay() -> None:
    assert "advance_fee" not in fires("After each visit you are then paid a fee for the shop.")
    assert "advance_fee" in fires("You will be paid after you pay a fee for the starter kit.")


@pytest.mark.parametrize(
    "text",
    [
        # work counted in minutes a day makes a daily range a lure, however it is pitched
        "En este puesto gana entre $50 y $400 al día dedicando solo 60 a 120 minutos diarios.",
        "Puedes trabajar de 60 a 90 minutos y ganar de 200 a 500 dólares al día.",
        "Work 60 to 90 minutes and make $200 to $500 a day.",
    ],
)
def test_a_daily_sum_for_minutes_of_work_is_a_lure_not_just_a_short_day(text: str) -> None:
    assert signals(text)["pay_lure"].weight >= 30


def test_a_report_of_what_someone_earns_is_no_pitch() -> None:
    assert "pay_lure" not in fires("Juan gana $300 a la semana en la fábrica.")
