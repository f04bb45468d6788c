"""Words several families share: paying, sending, earning, money, crypto, chat apps.

English and Spanish (Spain and Latin America) side by side; inflected forms, missing accents
and Spanish enclitics are handled by `bot.scam.lexicon`, so each list holds base forms plus
the irregular ones a stemmer cannot reach ("paid", "sent", "bought", "hecho").
"""

from __future__ import annotations

from bot.scam.lexicon import concept
from bot.scam.textmarks import PAY_RATE
from bot.scam.textnorm import word_set
from bot.scam.textview import TextView, Token

PAY = concept(
    "pay",
    en="pay | paid | pays | purchase | buy | bought | send money | top up | recharge"
    " | cover the cost | make a payment",
    es="pagar | pague | pagues | abonar | abone | comprar | compre | adquirir | depositar"
    " | deposite | ingresar | ingrese | transferir | transfiera | recargar | recarga"
    " | hacer un pago | realizar un pago | hacer un depósito | hacer un ingreso | costear"
    " | desembolsar | cooperar | aportar | consignar | consigne | cubrir el costo"
    " | cubrir los gastos",
    names="bizum | bizumear | zelle | venmo",
)
#: Moving money that a sum or a coin follows: "deposit 50 USDT", "transfiere 300 pesos".
DEPOSIT = concept(
    "deposit",
    en="deposit | transfer | top up | topup | recharge | wire | send | fund | load",
    es="depositar | deposita | transferir | transfiere | recargar | recarga | ingresar"
    " | ingresa | enviar | envía | mandar | manda | cargar | carga | fondear | consignar"
    " | consigna",
)
#: What makes "pay" a noun ("the pay is weekly", "pay rate", "pago semanal"): the word
#: before it, or the word after it (folded words, looked up directly: they are too common to
#: carry as concepts on every token).
_PAY_NOUN_BEFORE = word_set(
    "the your our their his her my base hourly weekly daily monthly competitive good great "
    "top high higher equal fair holiday sick overtime take-home gross net fast instant "
    "same-day extra starting of el los tu tus su sus un del al buen mejor cuyo"
)
_PAY_NOUN_AFTER = word_set(
    "is rate rates range ranges per scale period structure will varies depends transparency "
    "band bands grade schedule starts starting ins outs out day days check cheque stub slip "
    "equity package bump raise increase cut gap and semanal mensual quincenal diario es "
    "sera se puntual fijo garantizado inmediato"
)
SEND = concept(
    "send",
    en="send | sent | mail | mailed | ship | shipped | give | issue | forward | deliver | post",
    es="enviar | envíe | mandar | mande | dar | entregar | remitir | hacer llegar | girar",
)
RECEIVE = concept(
    "receive",
    en="receive | received | get | got | accept | collect | process | handle",
    es="recibir | reciba | recibirás | obtener | cobrar | aceptar | procesar | gestionar",
)
EARN = concept(
    "earn",
    en="earn | earned | earning | earnings | make | making | income | profit | reward"
    " | commission | get paid | paid | payout | bonus | salary | wage",
    es="ganar | gana | ganas | ganancia | ganancias | generar | ingresos | cobrar | cobras"
    " | recompensa | comisión | comisiones | pago | pagamos | pagaremos | sueldo | salario"
    " | beneficio | beneficios | remuneración",
)
CRYPTO = concept(
    "crypto",
    en="crypto | cryptocurrency | cryptocurrencies | wallet address | coinbase wallet"
    " | trust wallet",
    es="cripto | criptomoneda | criptomonedas | criptodivisa | criptoactivos | billetera virtual"
    " | billetera digital | monedero digital | dirección de la billetera",
    names="usdt | usdc | trc20 | trc-20 | erc20 | bep20 | bitcoin | bitcoins | btc | ethereum"
    " | eth | tether | binance | metamask | trx | tron",
)
CHAT_APP = concept(
    "chat_app",
    en="signal app | signal messenger | wire app | wire messenger | line app | teams chat"
    " | microsoft teams chat | google chat | google hangouts | skype chat | instant messenger",
    es="chat de teams | chat de google | mensajería instantánea",
    names="whatsapp | whats app | whats | wasap | watsap | whatsap | whatsaap | wsp | wpp"
    " | wats | guasap | guasapp | telegram | telegran | telegramm | wickr | viber | wechat"
    " | kakao | kakaotalk | hangouts | tg",
)
#: A chat app named as a product, not a contact channel: "WhatsApp Business API developer".
CHAT_PRODUCT = concept(
    "chat_product",
    en="api | apis | bot | bots | sdk | integration | integrations | developer | engineer"
    " | business api | mini app | mini apps | cloud api | platform",
    es="api | bot | bots | integración | integraciones | desarrollador | desarrolladora"
    " | ingeniero | ingeniera | plataforma",
)
EMPLOYER_PAYS = concept(
    "employer_pays",
    en="reimburse | reimbursed | reimbursement | stipend | allowance | budget | free of charge"
    " | at no cost | no cost | company-paid | covered | direct deposit | we provide | provided"
    " | we cover | we pay for | paid for by | paid by us | on us",
    es="reembolso | reembolsamos | reembolsado | gratis | gratuito | gratuita | sin costo"
    " | sin coste | sin cargo | a cargo de la empresa | cubrimos | proporcionamos | te damos"
    " | depósito directo | cubierto | cubierta | proporcionado | te enviamos | te prestamos",
)
FREE = concept(
    "free",
    en="free | waived | covered | reimbursed | provided | not required | refunded",
    es="gratis | gratuito | gratuita | gratuitos | cubierto | cubierta | reembolsado"
    " | reembolsada | incluido | incluida | no es necesario",
)
EQUIPMENT = concept(
    "equipment",
    en="equipment | laptop | laptops | computer | computers | pc | macbook | ipad | tablet"
    " | printer | software | supplies | office supplies | home office | workstation | monitor"
    " | headset | phone | iphone | device | devices | gear",
    es="equipo | equipos | portátil | portátiles | laptop | computadora | computadoras"
    " | ordenador | ordenadores | computador | impresora | software | material | materiales"
    " | suministros | insumos | oficina en casa | celular | móvil | teléfono | dispositivo"
    " | uniforme | uniformes",
)
EASY_WORK = concept(
    "easy_work",
    en="from home | at home | work from home | part-time | part time | free time | spare time"
    " | from your phone | simple tasks | easy tasks | easy | simple | no experience | anyone"
    " | flexible hours | a few hours | 1-2 hours | one hour a day | minutes a day | housewives"
    " | students | stay at home",
    es="desde casa | en casa | desde tu casa | medio tiempo | tiempo parcial | media jornada"
    " | tiempo libre | ratos libres | desde tu celular | desde el celular | desde tu móvil"
    " | tareas sencillas | tareas simples | fácil | facil | sencillo | sencilla | sin experiencia"
    " | horario flexible | pocas horas | unas horas | amas de casa | estudiantes"
    " | sin salir de casa | cómodamente",
)
TASK_NOUN = concept(
    "task_noun",
    en="task | tasks | order | orders | mission | missions | level | levels | job | assignment",
    es="tarea | tareas | pedido | pedidos | orden | órdenes | misión | misiones | nivel"
    " | niveles | encargo | encargos",
)
NO_EXPERIENCE = concept(
    "no_experience",
    en="no experience | no prior experience | no previous experience | without experience"
    " | experience not required | no experience required | no experience needed"
    " | zero experience | no skills required",
    es="sin experiencia | no se requiere experiencia | no necesitas experiencia"
    " | no requiere experiencia | experiencia no necesaria | no hace falta experiencia"
    " | sin necesidad de experiencia",
)

#: The perfect tense's helper verb: "he pagado", "has pagado" (the applicant paid).
_HABER = frozenset({"he", "has", "ha", "hemos", "han", "habia", "hubiera", "haber"})
_BENEFITS_AFTER_PAID = frozenset(
    {"training", "time", "vacation", "vacations", "holidays", "holiday", "leave", "sick",
     "parental", "overtime", "breaks", "trial", "internship", "position", "positions", "work",
     "tasks", "task", "project", "projects", "studies", "study", "survey", "surveys", "role",
     "opportunity", "opportunities", "research", "gigs", "gig"}
)  # fmt: skip


def disambiguate_pay(view: TextView) -> None:
    """Take the payment-verb mark off the words that are not the verb here: "pay" as a noun
    ("the pay is weekly", "pay rate", "pago semanal"), and "paid" or "pagadas" as an
    adjective ("paid training", "vacaciones pagadas"); and the pay-rate mark off a sum paid
    (`_paid_sums`)."""
    for place in list(view.positions(PAY.bit)):
        token = view.tokens[place]
        word = token.text
        previous_word = view.words[token.index - 1] if token.index > 0 else ""
        next_word = view.words[token.index + 1] if token.index + 1 < len(view.words) else ""
        # Whether the word before or after is in the token's clause: asked only when the
        # word itself could make the verb a noun or an adjective (most tokens are neither).
        noun = word in ("pay", "pago", "pagos", "payment", "payments") and (
            (previous_word in _PAY_NOUN_BEFORE and _same_clause(view, token, -1))
            or next_word in _PAY_NOUN_AFTER  # then its clause does not matter
            or not _same_clause(view, token, 1)
        )
        adjective = (word == "paid" and next_word in _BENEFITS_AFTER_PAID) or (
            word.startswith("pag")
            and word.endswith(("ado", "ada", "ados", "adas"))
            and not (previous_word in _HABER and _same_clause(view, token, -1))
        )
        if noun or adjective:
            view.unmark(place, PAY.bit)
    _paid_sums(view)


def _paid_sums(view: TextView) -> None:
    """A large sum with no period is read as yearly pay (`bot.postings.pay`), but right after
    a verb of paying it is a payment: "tenía que consignar $35 mil", "debes depositar 15,000
    pesos", "you had to deposit $25,000". Take its pay-rate mark off, so the fee cues see a
    sum. Only paying verbs: "cobrar" is mostly being paid, and stays pay."""
    for mention in view.pay:
        if mention.period_stated:
            continue
        for place in view.positions(PAY_RATE.bit):
            token = view.tokens[place]
            if not mention.start <= token.start < mention.end:
                continue
            previous = view.tokens[place - 1] if place > 0 else None
            if (
                previous is not None
                and previous.bits & (PAY.bit | DEPOSIT.bit)
                and token.index - previous.index <= 2
                and previous.clause == token.clause
            ):
                for other in list(view.positions(PAY_RATE.bit)):
                    if mention.start <= view.tokens[other].start < mention.end:
                        view.unmark(other, PAY_RATE.bit)
            break


def _same_clause(view: TextView, token: Token, step: int) -> bool:
    """Whether the word `step` places from `token` is in the token's clause."""
    return view.clause_of_word(token.index + step) == token.clause
