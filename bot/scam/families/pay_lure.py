"""Pay lures: easy money by the day or the week, wide ranges, a sum per click.

Task and recruitment scams promise daily or weekly sums for simple part-time work ("entre 80
y 300 euros diarios", "$150 to $700 daily", "70 pesos por tarea", "gana hasta 1.120 euros
al día"). Real postings also state weekly or daily pay (delivery, events, Mexico's "pago
semanal"), so the figure alone is no lure: it takes an "earn" pitch or easy-work words around
it, a range far too wide for a wage, or a price per like or review.
"""

from __future__ import annotations

from bot.models import PayPeriod
from bot.postings.currencies import usd_per_unit
from bot.postings.pay import PayMention
from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family, Hit
from bot.scam.families.task_scheme import CLICK
from bot.scam.families.words import CRYPTO, EARN, EASY_WORK
from bot.scam.lexicon import concept
from bot.scam.payer import YOU
from bot.scam.textview import TextView

GUARANTEED = concept(
    "pay_lure.guaranteed",
    en="guaranteed income | guaranteed pay | guaranteed earnings | guaranteed salary"
    " | guaranteed profit | guaranteed profits | easy money | quick cash | fast cash"
    " | earn money fast | make money fast | passive income | extra income from home",
    es="ingresos garantizados | ganancias garantizadas | pago garantizado | sueldo garantizado"
    " | dinero fácil | dinero rápido | ganar dinero rápido | ingresos extra desde casa"
    " | ingresos pasivos | gana dinero desde casa",
)

#: Pay every day, said without a sum: "se paga sueldo todos los días", "daily payouts".
DAILY_PAY = concept(
    "pay_lure.daily",
    en="paid daily | daily pay | daily payouts | paid every day | same-day pay | same day pay"
    " | instant pay | paid instantly | withdraw daily",
    es="pago diario | pagos diarios | se paga todos los días | pagan todos los días"
    " | sueldo todos los días | cobras todos los días | pago al instante | pago inmediato"
    " | se liquida en el día | cobro diario | retiro diario | pago al momento",
)
#: Work measured in minutes a day: "10 a 30 minutos al día", "60-90 minutes a day".
TINY_TIME = concept(
    "pay_lure.tiny_time",
    en="minutes a day | minutes per day | minutes daily | half an hour a day | an hour a day"
    " | one hour a day | 1 hour a day | 1-2 hours a day | 1 to 2 hours a day"
    " | 60-90 minutes | 30 minutes a day | 30-60 minutes | 60-120 minutes | 30 to 60 minutes"
    " | 60 to 90 minutes | 60 to 120 minutes | a few minutes a day",
    es="minutos al día | minutos diarios | minutos por día | media hora al día"
    " | media hora diaria | una hora al día | 1 hora al día | 1 a 2 horas al día"
    " | 1-2 horas al día | una hora diaria | de 10 a 30 minutos | 10 a 20 minutos"
    " | de 30 a 60 minutos | 30 a 60 minutos | de 60 a 90 minutos | 60 a 90 minutos"
    " | de 60 a 120 minutos | 60 a 120 minutos | unos minutos al día | pocos minutos al día",
)
#: A pitch in the conditional of what the reader could make: "you can earn", "puedes ganar",
#: "pueden ganar", "podrás ganar"; a report says what someone made.
MODAL = concept(
    "pay_lure.modal",
    en="can | could | may | might",
    es="puede | puedes | pueden | podrá | podrás | podrán | podría | podrías | podrían | podés",
)
#: A piece rate this low is a real platform's micro-task (Toloka, MTurk), not a lure.
MIN_LURE_PER_TASK_USD = 1.0
#: A piece rate this high is a lure whatever the task ("$400 per evaluation").
HIGH_PER_TASK_USD = 50.0
#: A range whose top is this many times its floor is a lure, not a wage.
WIDE_RANGE = 3.0
_SHORT_PERIODS = (PayPeriod.DAY, PayPeriod.WEEK)
_EARN_REACH = 5  # tokens before a figure where "earn" / "gana" counts


def _lures(view: TextView) -> list[Hit]:
    if not view.pay:
        return []
    # Work counted in minutes a day is easy work, however the pay is pitched.
    easy = view.has(EASY_WORK.bit) or view.has(TINY_TIME.bit)
    clicks = view.has(CLICK.bit)
    hits: list[Hit] = []
    for mention in view.pay:
        pitched = _earn_before(view, mention)
        quote = _quote(view, mention)
        if mention.period is PayPeriod.TASK:
            usd = usd_per_unit(mention.currency) or 0.0
            per_task_usd = mention.max_amount * usd
            lured = clicks or pitched or easy or per_task_usd >= HIGH_PER_TASK_USD
            if per_task_usd >= MIN_LURE_PER_TASK_USD and lured:
                hits.append(Hit("a sum per click", 35, quote, "signal.pay_lure_per_task"))
        elif mention.period in _SHORT_PERIODS and (pitched or easy):
            hits.append(Hit("easy money by the day or week", 30, quote))
        wide = mention.max_amount >= WIDE_RANGE * mention.min_amount
        if wide and (pitched or easy):
            hits.append(Hit("a range too wide for a wage", 30, quote))
        elif mention.period is None and pitched and easy:
            hits.append(Hit("easy money", 25, quote))
    return hits


def _earn_before(view: TextView, mention: PayMention) -> bool:
    """Whether the figure is pitched to the reader: "you can make", "earn", "ganarás",
    "puedes ganar", "gana hasta" just before it; a report ("he makes $300 a week") is not."""
    figure = _figure_word(view, mention)
    for token in reversed(view.tokens):
        if token.index >= figure:
            continue
        if token.index < figure - _EARN_REACH:
            break
        if not token.bits & EARN.bit:
            continue
        opens_clause = view.clause_of_word(token.index - 1) != token.clause
        spoken_to = any(
            other.bits & YOU.bit and token.index - 3 <= other.index < token.index
            for other in view.tokens
        )
        second_person = token.text.endswith(("as", "ras", "es")) and token.text.startswith(
            ("gan", "cobr", "recib", "obten", "generar")
        )
        modal = any(
            other.bits & MODAL.bit and token.index - 2 <= other.index < token.index
            for other in view.tokens
        )
        if opens_clause or spoken_to or second_person or modal:
            return True
    return False


def _figure_word(view: TextView, mention: PayMention) -> int:
    """The place of the figure's first word: a currency sign before the digits ("$200") is no
    word, so the word found at the sign is the one before it ("earn" in "earn $200")."""
    index = view.word_index_at(mention.start)
    starts = view.word_starts
    if 0 <= index < len(starts) and starts[index] < mention.start:
        return index + 1
    return index


def _quote(view: TextView, mention: PayMention) -> str:
    return " ".join(view.original[mention.start : mention.end].split())


PAY_LURE = Family(
    "pay_lure",
    "signal.pay_lure",
    (
        Cue("guaranteed or easy money", (slot(GUARANTEED.bit),), 20),
        Cue(
            "paid every day for easy work",
            (slot(DAILY_PAY.bit),),
            25,
            needs=EASY_WORK.bit,
            needs_window=40,
        ),
        Cue("minutes a day", (slot(TINY_TIME.bit),), 15),
        Cue(
            "paid in crypto",
            (slot(EARN.bit), slot(CRYPTO.bit)),
            30,
            gap=3,
            message_key="signal.pay_lure_crypto",
        ),
    ),
    per_extra_cue=5.0,
    max_weight=40.0,
    detect=_lures,
)
