"""Advance fees and activation deposits: the applicant pays before earning anything.

No real employer charges to start, so one clear ask weighs enough alone for a verdict of scam
(FBI IC3 PSA 2024-06-04: "never send money to an alleged employer"; FTC 2021-04; Appen's
recruiting-scam page). The family covers training, kit and registration fees; "refundable"
deposits; crypto "recargas" to activate an account or unlock tasks; prepaid or premium
missions; taxes to withdraw earnings; "invest to earn"; gift cards.

In Spanish "tarifa" is mostly the pay rate ("tarifa de 15 € la hora"), so it is a fee only
with a fee's purpose ("tarifa de inscripción") and never when the sum is stated as pay.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.fee_words import (
    A_JOB,
    ASK,
    AT_LEAST,
    BALANCE,
    CHARGE,
    COVER,
    EXCHANGE,
    FEE_OBJECT,
    FINANCE_ROLE,
    FROM_EARNINGS,
    GENERIC_FEE,
    GET_PAID,
    GIFT_CARD,
    INVEST,
    LEND,
    MUST,
    PAYMENT,
    PREPAID,
    PURPOSE,
    RECHARGE,
    RETURN,
    START_FEE,
    SUM_IN_WORDS,
    TAX,
    TO_PURPOSE,
    TRANSFER,
    UPFRONT,
    WORK_WORD_OBJECT,
)
from bot.scam.families.words import CRYPTO, DEPOSIT, EMPLOYER_PAYS, FREE, PAY, TASK_NOUN
from bot.scam.textmarks import MONEY, PAY_RATE

_FEE = "signal.advance_fee"
_DEPOSIT = "signal.advance_fee_deposit"

ADVANCE_FEE = Family(
    "advance_fee",
    _FEE,
    (
        Cue(
            "pay a fee",
            (slot(PAY.bit), slot(FEE_OBJECT.bit, WORK_WORD_OBJECT.bit)),
            65,
            gap=5,
            payer=True,
            unless=EMPLOYER_PAYS.bit,
            unless_after=FREE.bit,
            verbs=PAY.bit,  # not "instant payments, Zelle, ATM deposits"
        ),
        Cue(
            "pay for the training",
            (slot(PAY.bit), slot(WORK_WORD_OBJECT.bit, TAX.bit)),
            65,
            gap=2,
            payer=True,
            unless=EMPLOYER_PAYS.bit,
            unless_after=FREE.bit,
            verbs=PAY.bit,
        ),
        Cue(
            "pay a sum for the training",
            (slot(PAY.bit), slot(MONEY.bit, PAY_RATE.bit), slot(WORK_WORD_OBJECT.bit)),
            65,
            gap=3,
            payer=True,
            unless=EMPLOYER_PAYS.bit,
            unless_after=FREE.bit,
            verbs=PAY.bit,
        ),
        Cue(
            "a start fee of a sum",
            (slot(START_FEE.bit), slot(GENERIC_FEE.bit), slot(MONEY.bit, PAY_RATE.bit)),
            65,
            gap=3,
            payer=True,
            unless=EMPLOYER_PAYS.bit | FROM_EARNINGS.bit,
        ),
        Cue(
            "a sum as a start fee",
            (slot(MONEY.bit, PAY_RATE.bit), slot(START_FEE.bit)),
            60,
            gap=3,
            unless=EMPLOYER_PAYS.bit | FROM_EARNINGS.bit,
            unless_after=FREE.bit,
        ),
        Cue(
            "a fee of a sum",
            (slot(GENERIC_FEE.bit), slot(MONEY.bit, PAY_RATE.bit)),
            40,
            gap=3,
            payer=True,
            unless=EMPLOYER_PAYS.bit | FROM_EARNINGS.bit,
        ),
        Cue(
            "a sum as a fee",
            (slot(MONEY.bit, PAY_RATE.bit), slot(GENERIC_FEE.bit)),
            40,
            gap=2,
            unless=EMPLOYER_PAYS.bit | FROM_EARNINGS.bit,
            unless_after=FREE.bit,
        ),
        Cue(
            "pay a sum to activate",
            (slot(PAY.bit | DEPOSIT.bit), slot(MONEY.bit, PAY_RATE.bit), slot(PURPOSE.bit)),
            65,
            gap=6,
            payer=True,
            message_key=_DEPOSIT,
        ),
        Cue(
            "to activate, pay a sum",
            (
                slot(PURPOSE.bit),
                slot(PAY.bit | DEPOSIT.bit),
                slot(MONEY.bit | CRYPTO.bit, PAY_RATE.bit),
            ),
            65,
            gap=6,
            payer=True,
            message_key=_DEPOSIT,
        ),
        Cue(
            "deposit crypto",
            # Not the pay itself: "Pay 1000-2000 USDT a month" is a salary in crypto.
            (slot(PAY.bit | DEPOSIT.bit), slot(CRYPTO.bit, PAY_RATE.bit)),
            65,
            gap=4,
            payer=True,
            message_key=_DEPOSIT,
        ),
        Cue(
            "crypto to activate",
            (slot(CRYPTO.bit), slot(PURPOSE.bit | START_FEE.bit)),
            60,
            gap=4,
            message_key=_DEPOSIT,
        ),
        Cue("prepaid tasks", (slot(PREPAID.bit),), 60, message_key=_DEPOSIT),
        Cue(
            "recharge your balance",
            (slot(RECHARGE.bit), slot(BALANCE.bit)),
            60,
            gap=3,
            payer=True,
            message_key=_DEPOSIT,
        ),
        Cue("unlock tasks", (slot(LEND.bit), slot(TASK_NOUN.bit)), 45, gap=3, message_key=_DEPOSIT),
        Cue(
            "a fee to withdraw",
            (slot(GENERIC_FEE.bit | FEE_OBJECT.bit), slot(TO_PURPOSE.bit)),
            55,
            gap=2,
            payer=True,
            unless=EMPLOYER_PAYS.bit,
        ),
        Cue(
            "money to cover a fee",
            (
                slot(PAYMENT.bit | MONEY.bit | TRANSFER.bit, PAY_RATE.bit),
                slot(COVER.bit),
                slot(FEE_OBJECT.bit),
            ),
            40,
            gap=3,
            payer=True,  # "cover" is also the employer's word: "we cover the course"
        ),
        Cue(
            "asked to invest money",
            (
                slot(MUST.bit | ASK.bit),
                slot(INVEST.bit),
                slot(PAYMENT.bit | MONEY.bit | SUM_IN_WORDS.bit, PAY_RATE.bit),
            ),
            45,
            gap=3,
            message_key=_DEPOSIT,
        ),
        Cue(
            "invest to earn",
            (slot(INVEST.bit), slot(RETURN.bit | MONEY.bit)),
            50,
            gap=8,
            unless=FINANCE_ROLE.bit,
            message_key=_DEPOSIT,
        ),
        Cue("pay in gift cards", (slot(PAY.bit), slot(GIFT_CARD.bit)), 60, gap=5, payer=True),
        Cue(
            "asks for money",
            (
                slot(ASK.bit | CHARGE.bit, GET_PAID.bit),
                slot(PAYMENT.bit | MONEY.bit, PAY_RATE.bit),
            ),
            40,
            gap=6,
            unless=EMPLOYER_PAYS.bit,
            charges=CHARGE.bit,
        ),
        Cue(
            "charged for a course",
            (slot(CHARGE.bit, GET_PAID.bit), slot(FEE_OBJECT.bit)),
            40,
            gap=3,
            unless=EMPLOYER_PAYS.bit,
            charges=CHARGE.bit,
        ),
        Cue("pay upfront", (slot(UPFRONT.bit),), 55),
        Cue(
            "a job for money",
            (
                slot(A_JOB.bit),
                slot(EXCHANGE.bit),
                slot(PAYMENT.bit | MONEY.bit | GENERIC_FEE.bit | SUM_IN_WORDS.bit, PAY_RATE.bit),
            ),
            45,
            gap=3,
        ),
        Cue(
            "must pay a sum",
            (
                slot(MUST.bit),
                slot(PAY.bit | DEPOSIT.bit),
                slot(MONEY.bit | PAYMENT.bit | SUM_IN_WORDS.bit | FEE_OBJECT.bit, PAY_RATE.bit),
            ),
            45,
            gap=4,
            payer=True,
            unless=EMPLOYER_PAYS.bit | AT_LEAST.bit,
            unless_after=FREE.bit,
        ),
    ),
    per_extra_cue=5.0,
)
