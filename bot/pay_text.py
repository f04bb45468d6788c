"""Pay as job postings state it in free text, English or Spanish, as a structured `Pay`.

Kept apart from the other text helpers in `bot.normalize` because it is a grammar of its own
(currencies, number formats of both languages, ranges, periods) with its own traps: a bare
"$50" is as likely a fee as pay, and "20-30 hours per week" is not pay at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.models import Pay, PayPeriod

__all__ = ["parse_amount", "parse_pay", "period_from_text"]

#: Currency words and symbols → ISO 4217. Longer spellings first so "US$" wins over "$".
_CURRENCY_TOKENS: dict[str, str] = {
    "us$": "USD", "usd": "USD", "u$s": "USD", "dólares": "USD", "dolares": "USD",
    "dólar": "USD", "dolar": "USD", "dollars": "USD", "dollar": "USD",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD",
    "r$": "BRL", "brl": "BRL", "mx$": "MXN", "mxn": "MXN", "cop": "COP", "ars": "ARS",
    "clp": "CLP", "pen": "PEN", "uyu": "UYU", "eur": "EUR", "euros": "EUR", "euro": "EUR",
    "€": "EUR", "gbp": "GBP", "£": "GBP", "chf": "CHF", "inr": "INR", "₹": "INR",
    "pesos mexicanos": "MXN", "pesos colombianos": "COP", "pesos argentinos": "ARS",
    "pesos chilenos": "CLP", "$": "USD",
}  # fmt: skip
_CURRENCY_RE = "|".join(
    re.escape(token) + (r"\b" if token[-1].isalpha() else "")
    for token in sorted(_CURRENCY_TOKENS, key=len, reverse=True)
)
_NUMBER_RE = r"\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT_RE = (
    rf"(?:(?P<@cur1>{_CURRENCY_RE})\s?(?:\$\s?)?)?(?P<@num>{_NUMBER_RE})"
    rf"(?:\s?(?P<@mult>k\b|mil\b|thousand\b))?"
    rf"(?:\s?(?P<@cur2>{_CURRENCY_RE}))?"
)
#: "$20/hr - $30/hr": a short "/unit" may sit between the two ends of a range.
_RANGE_SEPARATOR_RE = r"(?:\s?/\s?[a-záéíóúñ]{1,5}\.?)?\s*(?:-|–|—|to|a|y|hasta|and)\s*"
_PERIOD_WORDS: list[tuple[str, PayPeriod]] = [
    (r"hours?|hourly|hrs?|h|hora|horas", PayPeriod.HOUR),
    (r"days?|daily|d[ií]as?|diarios?|jornadas?", PayPeriod.DAY),
    (r"weeks?|weekly|wk|semanas?|semanal(?:es)?", PayPeriod.WEEK),
    (r"months?|monthly|mo|mes(?:es)?|mensual(?:es)?", PayPeriod.MONTH),
    (r"years?|yearly|annum|annually|annual|yr|a[ñn]os?|anual(?:es)?|p\.?\s?a\.?", PayPeriod.YEAR),
]
_PERIOD_AFTER_RE = re.compile(
    r"\s*(?:/|\bper\b|\ba\b|\ban\b|\bpor\b|\bal\b|\ba la\b|\bla\b|\bel\b|\beach\b|\bevery\b|"
    r"\bcada\b)?\s*(?:"
    + "|".join(f"(?P<p{i}>{words})" for i, (words, _) in enumerate(_PERIOD_WORDS))
    + r")(?![a-záéíóúñ])",
    re.IGNORECASE,
)
_PERIOD_BEFORE_RE = re.compile(
    r"\b(?:(?P<p0>hourly|per hour|por hora|pago por hora|tarifa por hora)|"
    r"(?P<p1>daily|per day|por d[ií]a|diario)|"
    r"(?P<p2>weekly|per week|semanal|por semana)|"
    r"(?P<p3>monthly|per month|mensual|por mes|al mes)|"
    r"(?P<p4>annual|yearly|per year|per annum|anual|al a[ñn]o|por a[ñn]o|base salary|"
    r"salary range|salario anual|sueldo anual))\b[^$€£\d]{0,30}$",
    re.IGNORECASE,
)
_PAY_RE = re.compile(
    rf"(?<![\w.,])(?:{_AMOUNT_RE.replace('@', 'a')})(?:{_RANGE_SEPARATOR_RE}"
    rf"(?:{_AMOUNT_RE.replace('@', 'b')}))?(?![\w])",
    re.IGNORECASE,
)
_NOT_PAY_AFTER_RE = re.compile(
    r"\s*(?:%|m\b|mm\b|b\b|bn\b|million|billion|millones|mil millones|years? of|a[ñn]os de|"
    r"hours? (?:a|per|por) week|horas)",
    re.IGNORECASE,
)
#: Amounts this large with no period stated are a yearly salary; smaller ones are left alone
#: (a bare "$50" is as likely a fee as pay, and the scam rules must not read it as pay).
_YEARLY_WITHOUT_PERIOD = 10_000.0


@dataclass(frozen=True, slots=True)
class _Candidate:
    min_amount: float
    max_amount: float
    currency: str
    period: PayPeriod | None


def parse_amount(number: str, multiplier: str | None = None) -> float | None:
    """A number as written in English or Spanish: "120,000", "1.500", "1.500,50", "25.5", "81k".

    One separator followed by exactly three digits is a thousands separator (both languages
    write "1,500"/"1.500" for fifteen hundred); otherwise it is the decimal mark.
    """
    digits = number.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not digits:
        return None
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif dots or commas:
        sep = "." if dots else ","
        head, _, tail = digits.rpartition(sep)
        if dots + commas > 1 or len(tail) == 3:
            digits = digits.replace(sep, "")
        else:
            digits = f"{head.replace(sep, '')}.{tail}"
    try:
        value = float(digits)
    except ValueError:
        return None
    if multiplier and multiplier.lower() in {"k", "mil", "thousand"}:
        value *= 1000
    return value


def period_from_text(text: str) -> PayPeriod | None:
    """The pay period a short label names ("1 YEAR", "per-hour-wage", "mensual"), if any."""
    for word in re.findall(r"[a-záéíóúñ]+", text.casefold()):
        for words, period in _PERIOD_WORDS:
            if re.fullmatch(words, word):
                return period
    return None


def _period_of(match: re.Match[str]) -> PayPeriod | None:
    for index, (_, period) in enumerate(_PERIOD_WORDS):
        if match.group(f"p{index}"):
            return period
    return None


def _currency(match: re.Match[str], *groups: str) -> str:
    """The most specific currency named: "MXN $15,000" and "$15.000 pesos mexicanos" are MXN.

    A bare "$" is read as USD only when nothing more specific is written next to it.
    """
    tokens = [token for group in groups if (token := match.group(group))]
    named = [token for token in tokens if token != "$"]
    return _CURRENCY_TOKENS[(named or tokens)[0].lower()] if tokens else ""


def _candidate(text: str, match: re.Match[str]) -> _Candidate | None:
    if _NOT_PAY_AFTER_RE.match(text, match.end()):
        return None
    low = parse_amount(match.group("anum"), match.group("amult"))
    high = parse_amount(match.group("bnum"), match.group("bmult")) if match.group("bnum") else low
    if low is None or high is None or low <= 0:
        return None
    if match.group("bmult") and not match.group("amult") and low < 1000 <= high:
        low *= 1000  # "$80-100k" means 80k to 100k
    currency = _currency(match, "acur1", "acur2", "bcur1", "bcur2")
    if not currency:
        return None  # "20-30 hours a week" is no pay; a currency is what makes it pay
    low, high = min(low, high), max(low, high)
    after = _PERIOD_AFTER_RE.match(text, match.end())
    period = _period_of(after) if after else None
    if period is None:
        before = _PERIOD_BEFORE_RE.search(text[max(0, match.start() - 60) : match.start()])
        period = _period_of(before) if before else None
    return _Candidate(low, high, currency, period)


def parse_pay(text: str) -> Pay | None:
    """The first pay range the text states, in English or Spanish, or None.

    Reads "$20-$40/hour", "USD 25 per hour", "$120,000 - $150,000 a year", "€18/h",
    "20 a 30 USD por hora", "1.500 € al mes", "$900 per week", "$81K – $87K". A figure needs
    a currency to count as pay, and a period (after it, or just before it as in "hourly rate:
    $20"), except amounts of 10,000 or more, which are read as yearly. Funding rounds
    ("$5M"), percentages and years of experience are not pay.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    fallback: _Candidate | None = None
    for match in _PAY_RE.finditer(text):
        found = _candidate(text, match)
        if found is None:
            continue
        if found.period is not None:
            return Pay(found.min_amount, found.max_amount, found.currency, found.period)
        if fallback is None and found.min_amount >= _YEARLY_WITHOUT_PERIOD:
            fallback = found
    if fallback is not None:
        return Pay(fallback.min_amount, fallback.max_amount, fallback.currency, PayPeriod.YEAR)
    return None
