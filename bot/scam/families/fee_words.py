"""The words of advance fees (`bot.scam.families.advance_fee`): what is paid (a fee, a kit, a
course), for what (to start, to activate, to withdraw), how it is asked for, and the readings
that are not a fee (the work's own words, a fee taken from earnings, a worker getting paid).
Each is a concept in English and Spanish, matched by stem (`bot.scam.lexicon`).
"""

from __future__ import annotations

from bot.scam.lexicon import concept

__all__ = [
    "ASK",
    "AT_LEAST",
    "A_JOB",
    "BALANCE",
    "CHARGE",
    "COVER",
    "EXCHANGE",
    "FEE_OBJECT",
    "FINANCE_ROLE",
    "FROM_EARNINGS",
    "GENERIC_FEE",
    "GET_PAID",
    "GIFT_CARD",
    "INVEST",
    "LEND",
    "MUST",
    "PAYMENT",
    "PREPAID",
    "PURPOSE",
    "RECHARGE",
    "RETURN",
    "START_FEE",
    "SUM_IN_WORDS",
    "TAX",
    "TO_PURPOSE",
    "TRANSFER",
    "UPFRONT",
    "WORK_WORD_OBJECT",
]

FEE_OBJECT = concept(
    "advance_fee.object",
    en="fee | fees | kit | starter kit | starter pack | deposit | registration | membership"
    " | activation | certification | certificate | course | training | background check"
    " | onboarding package | insurance | tax | taxes | bond | performance bond | security deposit"
    " | upgrade | application fee | processing fee | admin fee | verification | license"
    " | licence | uniform | medical exam | enrollment | enrolment | subscription | guarantee"
    " | screening | placement | interview fee | starter package | processing"
    " | application processing | charges | extra charges",
    es="cuota | matrícula | inscripción | curso | certificación | certificado | kit | depósito"
    " | fianza | registro | activación | licencia | membresía | alta | reserva | seguro"
    " | gastos administrativos | gastos de gestión | gastos de envío | examen médico"
    " | exámenes médicos | estudio socioeconómico | credencial | uniforme | capacitación"
    " | formación | garantía | verificación | paquete de inicio | derecho de trámite"
    " | trámite | papelería | impuesto | impuestos | comisión de retiro"
    " | tarifa de inscripción | tarifa de registro | tarifa de activación",
)
#: The fee objects that are also the work's own words ("paying $25 an hour, training
#: included", "pay strategy and automation, processing", "pago con la primera cuota" of a
#: course the employer gives): a fee only right after the paying verb, "pay for the
#: training", "pagar el curso". The rest ("a kit", "a registration fee") is a fee anywhere
#: in the few words after it.
WORK_WORD_OBJECT = concept(
    "advance_fee.work_word_object",
    en="training | course | processing | application processing | certification | certificate"
    " | verification | screening | placement | insurance | tax | taxes | license | licence"
    " | guarantee | subscription",
    es="curso | capacitación | formación | certificación | certificado | verificación | seguro"
    " | trámite | impuesto | impuestos | garantía | licencia | cuota | registro | alta",
)
#: A fee that is the price of starting, so a sum next to it is an ask on its own: "a $50
#: registration fee", "cuota de inscripción de 30 €". A fee on a withdrawal from earnings
#: ("a $1.99 fee per instant transfer") is a real platform's, and weighs only caution.
START_FEE = concept(
    "advance_fee.start",
    en="registration | activation | training | certification | onboarding | membership"
    " | enrollment | enrolment | application | processing | verification | background check"
    " | kit | starter | refundable | non-refundable | security deposit | screening | placement"
    " | interview | joining | sign-up | signup | upgrade",
    es="inscripción | registro | activación | capacitación | formación | certificación | alta"
    " | matrícula | membresía | verificación | kit | reembolsable | fianza | reserva | ingreso"
    " | trámite | gastos administrativos | gastos de gestión",
)
GENERIC_FEE = concept(
    "advance_fee.fee",
    en="fee | fees | deposit | charge | cost",
    # Not "tarifa": in Spanish it is mostly the pay rate ("15 euros, según la tarifa", "las
    # tarifas van de 1 a 5 dólares" per delivery); as a fee it names its purpose
    # ("tarifa de inscripción", `FEE_OBJECT`).
    es="cuota | cuotas | depósito | cargo | costo | coste | comisión",
)
#: A fee taken out of what the worker has earned is a platform's charge on a payout, not money
#: paid before earning: "a $1.99 processing fee is deducted from your balance" (Roadie's
#: Instant Pay), "la comisión se descuenta de tus ganancias".
FROM_EARNINGS = concept(
    "advance_fee.from_earnings",
    en=" | ".join(f"{verb} {place} {what}" for verb in (
        "deducted from", "taken from", "taken out of", "subtracted from", "withheld from")
        for place in ("your", "the", "each") for what in (
        "balance", "earnings", "payout", "payouts", "transfer", "withdrawal", "cash out")),
    es=" | ".join(f"{verb} {place} {what}" for verb in (
        "descontado de", "descontada de", "se descuenta de", "se descontará de", "deducido de",
        "deducida de", "se resta de", "retenido de") for place in ("tu", "tus", "su", "sus", "cada")
        for what in ("saldo", "ganancias", "pago", "pagos", "retiro", "retiros", "transferencia")),
)  # fmt: skip
_PURPOSE_VERBS_EN = ("withdraw", "unlock", "activate", "release", "cash out", "verify", "start")
_PURPOSE_VERBS_ES = ("retirar", "desbloquear", "activar", "liberar", "cobrar", "verificar",
                     "empezar", "comenzar")  # fmt: skip
#: A purpose spelt out after a fee: "a tax to withdraw", "una comisión para retirar".
TO_PURPOSE = concept(
    "advance_fee.to_purpose",
    en=" | ".join(f"{to} {verb}" for to in ("to", "in order to", "before you can")
                  for verb in _PURPOSE_VERBS_EN),
    es=" | ".join(f"{to} {verb}" for to in ("para", "antes de", "para poder")
                  for verb in _PURPOSE_VERBS_ES),
)  # fmt: skip
PURPOSE = concept(
    "advance_fee.purpose",
    en="activate | activation | unlock | withdraw | withdrawal | cash out | release | verify"
    " | verification | start | begin | continue | reserve | secure your spot | secure the job"
    " | upgrade | qualify | get started | open your account",
    es="activar | activación | desbloquear | retirar | retiro | liberar | verificar"
    " | verificación | empezar | comenzar | iniciar | continuar | reservar | asegurar tu lugar"
    " | asegurar el puesto | apartar | subir de nivel | acceder",
)
PREPAID = concept(
    "advance_fee.prepaid",
    en="prepaid task | prepaid tasks | prepaid order | premium task | premium mission"
    " | premium missions | vip package | vip membership | merged order | lucky order"
    " | combination order | recharge task | deposit task",
    es="tarea prepago | tareas prepago | tareas de prepago | misión premium | misiones premium"
    " | tareas premium | paquete vip | paquetes vip | tarea de recarga | tareas de pago"
    " | tareas pagadas por adelantado | pedido combinado",
)
INVEST = concept(
    "advance_fee.invest",
    en="invest | investment | stake | staking",
    es="invertir | invierte | inversión | inviertes",
)
#: Jobs in finance, not an ask to invest: "investment bankers and legal experts, $180-200".
FINANCE_ROLE = concept(
    "advance_fee.finance_role",
    en="investment banker | investment bankers | investment banking | investment bank"
    " | investment analyst | investment analysts | investment firm | investment management",
    es="banca de inversión | banco de inversión | analista de inversiones | gestión de inversiones",
)
RETURN = concept(
    "advance_fee.return",
    en="profit | profits | return | returns | interest | double | %",
    es="ganancia | ganancias | rendimiento | rendimientos | retorno | beneficio | beneficios"
    " | duplicar | %",
)
GIFT_CARD = concept(
    "advance_fee.gift_card",
    en="gift card | gift cards | itunes card | google play card | steam card | amazon card"
    " | apple card | ebay card | vanilla card",
    es="tarjeta de regalo | tarjetas de regalo | tarjeta regalo | tarjetas regalo"
    " | tarjeta de google play | tarjeta itunes",
)
LEND = concept("advance_fee.unlock", en="unlock | unblock", es="desbloquear | liberar")
RECHARGE = concept(
    "advance_fee.recharge",
    en="recharge | top up | topup | reload | refill",
    es="recargar | recarga | recargue | rellenar",
)
BALANCE = concept(
    "advance_fee.balance",
    en="account | balance | wallet | task wallet",
    es="saldo | cuenta | billetera | monedero",
)
#: Asking or charging for money: "they asked me for $200", "le cobraron los cursos",
#: "piden un pago inicial".
ASK = concept(
    "advance_fee.ask",
    en="ask | asked | asks | request | requested | demand | demanded | told me to send"
    " | tell you to send",
    es="pedir | pide | piden | pidió | pidieron | pedía | pedían | solicitar | solicitan"
    " | solicitó | solicitaron | exigir | exigen | exigió | reclamar | reclaman",
)
#: "Cobrar" is mostly being paid: "una cuenta en PayPal para cobrar", "antes de cobrar",
#: "cobrar en dólares"; and a worker "requests a payout" of what they earned (phrases are
#: matched by stem, so not "request a payment": "they requested a payment of $150"). The
#: charging and asking cues read them as a charge only outside these.
GET_PAID = concept(
    "advance_fee.get_paid",
    en="get paid | to get paid | getting paid | request a payout | request your payout"
    " | request your payment | request a withdrawal | request your earnings",
    es="para cobrar | antes de cobrar | a cobrar | por cobrar | sin cobrar | espero cobrar"
    " | vas a cobrar | puedes cobrar | podrás cobrar | cobrar en dólares | cobrar en pesos"
    " | cobrar en euros | solicitar tu pago | solicitar un retiro | solicitar el retiro"
    " | solicitar tus ganancias",
)
CHARGE = concept(
    "advance_fee.charge",
    names="charged | charging | billed | charge you | charge me | costs | costaría | costaria"
    " | cuesta | costará | costara | tiene un costo | tiene un coste",
    es="cobrar | cobran | cobró | cobraron | cobraba | cobraban | cobrarte | cobrarle",
)
PAYMENT = concept(
    "advance_fee.payment",
    en="money | payment | payments | upfront payment | advance payment | deposit | fee | fees"
    " | cash | amount | sum of money | small sum",
    es="dinero | pago | pagos | pago inicial | pago previo | pago por adelantado | suma"
    " | suma de dinero | pequeña suma"
    " | pagos por adelantado | depósito | importe | importes | cantidad | plata | lana"
    " | anticipo | adelanto",
)
#: A sum written in words ends in its currency: "cinco mil pesos", "five hundred dollars"
#: (not a payment alone: "cobrar en dólares" is being paid in them).
SUM_IN_WORDS = concept(
    "advance_fee.sum_in_words",
    names="dollars | euros | pounds | pesos | dolares | soles | quetzales | bolivares"
    " | colones | lempiras",
)
#: A floor on what someone else pays: "researchers must pay at least $8 an hour".
AT_LEAST = concept(
    "advance_fee.at_least",
    en="at least | minimum | no less than",
    es="al menos | como mínimo | mínimo | por lo menos",
)
#: Having to pay, in so many words: "tenía que pagar cinco mil pesos", "you must deposit
#: $200", "hay que abonar la cuota".
MUST = concept(
    "advance_fee.must",
    en="have to | has to | had to | must | need to | needs to | needed to | required to"
    " | will have to",
    es="tienes que | tiene que | tenía que | tenías que | tendrás que | debes | debe | debía"
    " | debías | deberás | deberá | hay que | había que | es necesario | tenemos que"
    " | teníamos que | tuve que | tuvo que | tuvimos que | tuvieron que | tenían que"
    " | debíamos | debían",
)
#: Paying a named cost with money sent: "transferencias para cubrir gastos administrativos",
#: "money to cover the processing fee".
TRANSFER = concept(
    "advance_fee.transfer",
    en="transfer | transfers | wire transfer | bank transfer | money order",
    es="transferencia | transferencias | giro | giros | depósito bancario",
)
COVER = concept(
    "advance_fee.cover",
    en="to cover | to pay for | covering",
    es="para cubrir | para pagar | por concepto de",
)
#: Paying before the work, in so many words.
UPFRONT = concept(
    "advance_fee.upfront",
    en="pay upfront | pay up front | pay in advance | upfront payment | upfront fee"
    " | advance payment | advance fee | pay before you start | pay to work | pay to start",
    es="pago por adelantado | pagos por adelantado | pagar por adelantado | pago previo"
    " | pago inicial | pago anticipado | pagar antes de empezar | pagar para trabajar"
    " | cobro por adelantado | cobros por adelantado",
)
#: A job sold: "ofrecían empleos a cambio de una suma de dinero", "jobs in exchange for a
#: fee". Not work or a contract, which are also what the pay is for: "trabajo a cambio de un
#: pago semanal", "a contract in exchange for a monthly payment".
A_JOB = concept(
    "advance_fee.a_job",
    en="job | jobs | position | positions | placement | placements | visa | visas"
    " | work permit | work permits",
    es="empleo | empleos | plaza | plazas | puesto | puestos | vacante | vacantes | visa"
    " | visas | permiso de trabajo",
)
EXCHANGE = concept(
    "advance_fee.exchange",
    en="in exchange for | in return for",
    es="a cambio de",
)
#: Taxes paid, bare, are the state's: "pagan impuestos y viajan", "where you pay tax". A
#: tax is a fee with a sum or a purpose: "pay a $200 tax to withdraw".
TAX = concept("advance_fee.tax", en="tax | taxes", es="impuesto | impuestos")
