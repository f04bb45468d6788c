"""The scam families, each a named detector with English and Spanish vocabulary.

Check 1 of the scam checker (see `bot.scam.score`): every family reads the same `TextView`
and gives at most one reason, with the words that showed it. The order here is the order
reasons of equal weight are shown in.
"""

from __future__ import annotations

from bot.models import Signal
from bot.scam.families.advance_fee import ADVANCE_FEE
from bot.scam.families.approach import PRESSURE, RECRUIT_OTHERS, REMOTE_ACCESS, UNSOLICITED
from bot.scam.families.base import Family, Hit
from bot.scam.families.chat_move import CHAT_MOVE
from bot.scam.families.data_harvest import DATA_HARVEST
from bot.scam.families.fake_cheque import FAKE_CHEQUE
from bot.scam.families.money_mule import MONEY_MULE
from bot.scam.families.pay_lure import PAY_LURE
from bot.scam.families.task_scheme import TASK_SCHEME
from bot.scam.families.words import disambiguate_pay
from bot.scam.notice import is_scam_warning
from bot.scam.textview import TextView

__all__ = ["FAMILIES", "Family", "Hit", "family_signals"]

FAMILIES: tuple[Family, ...] = (
    ADVANCE_FEE,
    FAKE_CHEQUE,
    TASK_SCHEME,
    MONEY_MULE,
    DATA_HARVEST,
    CHAT_MOVE,
    REMOTE_ACCESS,
    PAY_LURE,
    RECRUIT_OTHERS,
    UNSOLICITED,
    PRESSURE,
)


def family_signals(view: TextView, families: tuple[Family, ...] = FAMILIES) -> list[Signal]:
    """One signal per family that shows in `view`."""
    disambiguate_pay(view)
    view.notice = is_scam_warning(view.folded)
    return [signal for family in families if (signal := family.signal(view)) is not None]
