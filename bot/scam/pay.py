"""Pay stated in a posting, on an hourly US-dollar scale, and whether it is far above the role.

Scam postings promise a single high figure for simple work ("earn $55 per hour, no experience");
legit ones state a range, often wide for expert work. So a range is judged by its floor, "up
to $X" is not a promise and is skipped, and the ceiling depends on the role: generalist
annotation and tutoring work pays far less than expert work (engineers, lawyers, PhDs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import re2

from bot.models import HOURS_PER_PERIOD, Pay, PayPeriod

#: Above these hourly figures (USD) the pay is far above the usual range for the role:
#: gig work (annotation, rating, tutoring AI, moderation), other professional work, expert work.
GIG_LIMIT_USD_H = 50.0
PROFESSIONAL_LIMIT_USD_H = 150.0
EXPERT_LIMIT_USD_H = 300.0

#: Rough rates, good enough to compare with a limit that is itself a round figure.
_TO_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}

_MONEY = re.compile(
    r"(?P<pre>[$€£]|\busd\b|\bus\$|\beur\b|\bgbp\b)?\s?(?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?"
    r"|\d+(?:[.,]\d{1,2})?)\s?(?P<k>k\b)?\s?(?P<post>usd\b|eur\b|euros?\b|dollars?\b|dolares\b"
    r"|gbp\b|pounds\b|[$€£])?"
)
#: Where a currency is written: the cheap scan that finds the few places worth parsing.
_MARKER = re2.compile(r"[$€£]|\b(?:usd|us\$|eur|gbp|dollars?|dolares|euros?|pounds)\b")
_NUMBER_BEFORE = re.compile(r"\d[\d.,]*\s?k?\s?$")
_RANGE_TAIL = re.compile(
    r"\s?(?:-|–|to|a|hasta|y)\s?(?:[$€£]|usd|eur)?\s?\d[\d.,]*\s?k?\s?(?:usd|eur|euros?|dollars?"
    r"|dolares|gbp|[$€£])?"
)
_PERIOD = re.compile(
    r"\W{0,3}(?:(?:per|an?|al|por|la|each|every|a\W+la|/)\W{0,2})?(?P<period>hours?|hr|h|horas?"
    r"|days?|dias?|daily|diarios?|weeks?|weekly|wk|semanas?|semanal(?:es)?|months?|monthly|mo"
    r"|mes(?:es)?|mensual(?:es)?|years?|yearly|yr|annual|annually|annum|anos?|anual(?:es)?)\b"
)
_PERIODS = {
    "h": PayPeriod.HOUR, "d": PayPeriod.DAY, "w": PayPeriod.WEEK, "m": PayPeriod.MONTH,
    "y": PayPeriod.YEAR, "a": PayPeriod.YEAR,
}  # fmt: skip
_NOT_PAY_BEFORE = re.compile(
    r"(?:up\W+to|hasta|budget|stipend|bonus|allowance|fee|kit|cost|coste|costo|cuota|deposit"
    r"|reimburs|presupuesto|refer\w*)\W+(?:\w+\W+){0,2}$"
)
_OTHER_DOLLARS = re.compile(r"\b(?:mxn|cop|ars|clp|cad|aud|nzd|sgd|hkd|pesos?)\b")
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


def _number(raw: str) -> float:
    """'2.500' and '2,500' are thousands; '15.50' and '15,5' are decimals."""
    groups = re.split(r"[.,]", raw)
    if len(groups) == 1:
        return float(raw)
    if len(groups[-1]) == 3:
        return float("".join(groups))
    return float("".join(groups[:-1]) + "." + groups[-1])


def stated_pay(folded: str, original: str, limit: int = 8) -> list[StatedPay]:
    """Pay figures with a period ("$55 per hour", "2.500 € al mes"), lowest of a range."""
    # "$" may be pesos: where other dollars are named, only explicit USD/EUR/GBP count.
    dollar_currency = "" if _OTHER_DOLLARS.search(folded) else "USD"
    found: list[StatedPay] = []
    consumed = 0
    for marker in _MARKER.finditer(folded):
        if marker.start() < consumed:
            continue
        number_before = _NUMBER_BEFORE.search(
            folded, max(consumed, marker.start() - 16), marker.start()
        )
        match = _MONEY.match(folded, number_before.start() if number_before else marker.start())
        if match is None:
            continue
        pre, post = match.group("pre") or "", match.group("post") or ""
        if not pre and not post:
            continue
        currency = _currency(pre or post, dollar_currency)
        if not currency:
            continue
        before = folded[max(0, match.start() - 30) : match.start()]
        if _NOT_PAY_BEFORE.search(before):
            continue
        amount = _number(match.group("num")) * (1000 if match.group("k") else 1)
        tail_start = match.end()
        range_match = _RANGE_TAIL.match(folded, tail_start)
        if range_match:
            tail_start = range_match.end()
        period_match = _PERIOD.match(folded, tail_start)
        if period_match:
            period = _PERIODS[period_match.group("period")[0]]
            end = period_match.end()
        elif amount >= 20000:
            period, end = PayPeriod.YEAR, tail_start
        else:
            continue
        consumed = end
        hourly = amount * _TO_USD[currency] / HOURS_PER_PERIOD[period]
        evidence = " ".join(original[match.start() : end].split()).rstrip(".,;:")
        found.append(StatedPay(hourly, evidence))
        if len(found) >= limit:
            break
    return found


def _currency(symbol: str, dollar_currency: str) -> str:
    symbol = symbol.strip()
    if symbol in ("$", "dollar", "dollars", "dolares"):
        return dollar_currency
    if symbol in ("usd", "us$"):
        return "USD"
    if symbol in ("€", "eur", "euro", "euros"):
        return "EUR"
    if symbol in ("£", "gbp", "pounds"):
        return "GBP"
    return ""


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
    """The structured pay a source gave, on the same scale (skipped when currency is unknown)."""
    if pay is None or pay.currency.upper() not in _TO_USD:
        return None
    hourly_min, _ = pay.hourly()
    return StatedPay(
        hourly_min * _TO_USD[pay.currency.upper()], f"{pay.min_amount:g} {pay.currency}"
    )
