"""Pay stated in a posting, on an hourly US-dollar scale, and whether it is far above the role.

Scam postings promise a single high figure for simple work ("earn $55 per hour, no experience");
legit ones state a range, often wide for expert work. So a range is judged by its floor, "up
to $X" is not a promise and is skipped, and the ceiling depends on the role: generalist
annotation and tutoring work pays far less than expert work (engineers, lawyers, PhDs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import Pay
from bot.postings.currencies import usd_per_unit
from bot.postings.pay import PayMention, find_pay

#: Above these hourly figures (USD) the pay is far above the usual range for the role:
#: gig work (annotation, rating, tutoring AI, moderation), other professional work, expert work.
GIG_LIMIT_USD_H = 50.0
PROFESSIONAL_LIMIT_USD_H = 150.0
EXPERT_LIMIT_USD_H = 300.0

#: Words just before a figure that make it something other than pay promised to the reader:
#: a ceiling ("up to"), money the applicant pays (a fee, a kit), or money for a purpose.
_NOT_PAY_BEFORE = re.compile(
    r"(?:up\W+to|hasta|budget|stipend|bonus|allowance|fee|kit|cost|coste|costo|cuota|deposit"
    r"|limits?\W+of|maximum|max|minimum|min|limite|maximo|minimo"
    r"|reimburs|presupuesto|refer\w*|invest\w*|invierte|inversion|recarga\w*|paga\w*|pay)"
    r"\W+(?:\w+\W+){0,2}$"
)
#: What joins the figures of one list: ", ", " or ", " y ".
_LIST_JOINER = re.compile(r"\W{0,3}(?:or|and|o|y)?\W{0,3}")
_EXPERT_ROLE = re.compile(
    r"\b(?:engineer\w*|developer|programmer|scientist|researcher|phd|ph\.d|doctorate|doctoral"
    r"|master'?s|graduate|md|physician|doctor|attorney|lawyer|jd|bar|licensed|nurse|pharmacist"
    r"|professor|senior|principal|manager|director|architect|degree|coding|software|physics"
    r"|mathematics|chemistry|biology|medical|medicine|law|legal|finance|ingenier\w*"
    r"|desarrollador\w*|cientific\w*|investigador\w*|doctorado|maestria|abogad[oa]|medic[oa]"
    r"|medicina|derecho|licenciad[oa]|licenciatura|titulo|gerente|director[a]?)\b"
)


@dataclass(frozen=True, slots=True)
class StatedPay:
    hourly_usd: float
    evidence: str  # the figure as written


def stated_pay(
    folded: str, original: str, mentions: list[PayMention] | None = None
) -> list[StatedPay]:
    """Time-rate pay promised in the text ("$55 per hour", "2.500 € al mes"), lowest of a
    range, on the hourly US-dollar scale. `folded` is `original` aligned-folded; `mentions`
    are its pay figures when already found."""
    found: list[StatedPay] = []
    excluded_until = -1  # where the last figure that was no pay ended
    if mentions is None:
        mentions = find_pay(original, limit=8)
    for mention in mentions:
        if mention.period is None:
            continue
        listed = _LIST_JOINER.fullmatch(folded, max(0, excluded_until), mention.start)
        if (excluded_until >= 0 and listed) or _NOT_PAY_BEFORE.search(
            folded, max(0, mention.start - 30), mention.start
        ):
            excluded_until = mention.end  # "limits of $7,500 a day, $15,000 a week or…"
            continue
        pay = mention.pay
        hourly = _hourly_usd(pay) if pay is not None else None
        if hourly is None:
            continue
        evidence = " ".join(original[mention.start : mention.end].split()).rstrip(".,;:")
        found.append(StatedPay(hourly, evidence))
    return found


def _hourly_usd(pay: Pay) -> float | None:
    rate = usd_per_unit(pay.currency)
    hourly = pay.hourly()
    if rate is None or hourly is None:
        return None
    return hourly[0] * rate


_GIG_ROLE = re.compile(
    r"\b(?:annotat\w*|label+(?:er|ing)|raters?|rating|evaluat\w*|tutor\w*|trainer|training\W+ai"
    r"|transcri\w*|moderat\w*|assistant|data\W+entry|chat|reviewer|tester|typist|clerk"
    r"|work\W+from\W+home|from\W+your\W+phone|anotador\w*|etiquetador\w*|calificador\w*"
    r"|evaluador\w*|entrenador\w*|moderador\w*|asistente|transcriptor\w*|desde\W+casa"
    r"|desde\W+(?:tu|el)\W+(?:movil|celular))"
)


def role_limit_usd_h(folded_title: str, folded_text: str, *, entry_level: bool = False) -> float:
    """The hourly figure above which pay is far above the usual range for this role.

    Expert words anywhere (a degree, a licence, engineering) lift the ceiling, unless the
    posting also says no experience is needed; gig-work titles keep it lowest.
    """
    if not entry_level and _EXPERT_ROLE.search(folded_text):
        return EXPERT_LIMIT_USD_H
    if entry_level or _GIG_ROLE.search(folded_title):
        return GIG_LIMIT_USD_H
    return PROFESSIONAL_LIMIT_USD_H


def pay_from_posting(pay: Pay | None) -> StatedPay | None:
    """The structured pay a source gave, on the same scale (skipped when it cannot be put
    on it: an unknown currency, or a piece rate)."""
    if pay is None:
        return None
    hourly = _hourly_usd(pay)
    if hourly is None:
        return None
    return StatedPay(hourly, f"{pay.min_amount:g} {pay.currency}")
