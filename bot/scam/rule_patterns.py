"""Every text rule, in the order the engine scans them.

The definitions live by theme in `rule_patterns_pay` (money the applicant pays or moves),
`rule_patterns_contact` (how the recruiter reaches and vets them) and `rule_patterns_pitch`
(what the offer promises). This module only fixes their order, which is not cosmetic: the
engine returns a text's signals in rule order, so a new rule goes where it should be reported.
"""

from __future__ import annotations

from bot.scam.rule_patterns_contact import (
    CONTACT_CHAT,
    INTERVIEW_CHAT,
    NO_INTERVIEW,
    PII_BANK,
    PII_IDENTITY,
    UNSOLICITED,
)
from bot.scam.rule_patterns_pay import (
    CHEQUE,
    CRYPTO_MENTION,
    CRYPTO_PAYMENT,
    FEE,
    GIFTCARD,
    MONEY_MULE,
    PAYMENT_P2P,
    TASK_RECHARGE,
)
from bot.scam.rule_patterns_pitch import NO_EXPERIENCE, PAY_GUARANTEED, TASK_SCHEME, URGENCY
from bot.scam.rule_schema import Rule

RULES: tuple[Rule, ...] = (
    FEE,
    CRYPTO_PAYMENT,
    CRYPTO_MENTION,
    GIFTCARD,
    CHEQUE,
    CONTACT_CHAT,
    INTERVIEW_CHAT,
    PII_BANK,
    PII_IDENTITY,
    TASK_RECHARGE,
    TASK_SCHEME,
    MONEY_MULE,
    PAYMENT_P2P,
    NO_EXPERIENCE,
    NO_INTERVIEW,
    UNSOLICITED,
    PAY_GUARANTEED,
    URGENCY,
)
