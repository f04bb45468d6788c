"""Fake cheques and equipment purchases: a cheque arrives, the "employer's vendor" is paid.

The fake-cheque scheme (FTC 2021-04 "Don't bank on a 'cleared' check"; FTC 2018-05; Appen:
"we will never send a check in advance"): the new hire gets a cheque to buy a laptop or
supplies from a named vendor, deposits it, pays the vendor, and the cheque bounces. "Check"
is an ordinary English word ("background check", "check your e-mail"), so a cheque counts only
next to depositing, buying or sending money on.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.words import EQUIPMENT, PAY, RECEIVE, SEND
from bot.scam.lexicon import concept

CHEQUE = concept(
    "fake_cheque.cheque",
    en="check | checks | cheque | cheques | money order | money orders | cashier's check"
    " | mobile deposit | e-check | echeck",
    es="cheque | cheques | giro postal | orden de pago | talón | talones",
)
CHEQUE_NOT = concept(
    "fake_cheque.other_check",
    en="background | credit | reference | references | security | spell | fact | quality"
    " | health | sanity | reality | spot | status | double | paycheck | pay check | check-in"
    " | check in | check out | checkout | checkbox | check box | checklist",
)
BUY = concept(
    "fake_cheque.buy",
    en="buy | bought | purchase | purchased | get | acquire | order | set up | setup",
    es="comprar | compre | adquirir | conseguir | equipar | montar",
)
DEPOSIT = concept(
    "fake_cheque.deposit",
    en="deposit | deposited | cash | cashed | clear | cleared | mobile deposit",
    es="depositar | deposite | cobrar | cobre | ingresar | ingrese | canjear",
)
FORWARD = concept(
    "fake_cheque.forward",
    en="vendor | vendors | supplier | suppliers | send back | remaining | balance | difference"
    " | excess | overpayment | refund the rest | zelle | cash app | bitcoin atm"
    " | western union | moneygram | money transfer | wire the | gift card | gift cards",
    es="proveedor | proveedores | devolver | devuelva | resto | saldo restante | diferencia"
    " | sobrante | reenviar | reenvíe | western union | moneygram | tarjetas de regalo"
    " | tarjeta de regalo",
)

FAKE_CHEQUE = Family(
    "fake_cheque",
    "signal.fake_cheque",
    (
        Cue(
            "a cheque to buy equipment",
            (slot(CHEQUE.bit, CHEQUE_NOT.bit), slot(BUY.bit), slot(EQUIPMENT.bit)),
            70,
            gap=6,
        ),
        Cue(
            "sent a cheque, buy equipment",
            # "send her a $3,500 certified check": a person and a sum may come between.
            (slot(SEND.bit | RECEIVE.bit), slot(CHEQUE.bit, CHEQUE_NOT.bit)),
            70,
            gap=6,
            needs=EQUIPMENT.bit | FORWARD.bit,
            needs_window=25,
        ),
        Cue(
            "deposit a cheque",
            (slot(DEPOSIT.bit), slot(CHEQUE.bit, CHEQUE_NOT.bit)),
            70,
            gap=4,
            needs=FORWARD.bit | EQUIPMENT.bit | PAY.bit,
            needs_window=25,
            verbs=DEPOSIT.bit,  # not "Zelle, ATM deposits, checks and disputes"
        ),
        Cue(
            "buy equipment from our vendor",
            (slot(BUY.bit | PAY.bit), slot(EQUIPMENT.bit), slot(FORWARD.bit)),
            45,
            gap=6,
        ),
    ),
    per_extra_cue=5.0,
)
