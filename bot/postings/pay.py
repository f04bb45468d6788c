"""Pay as people write it, in English and Spanish: the one pay grammar of the project.

Postings, recruiters' messages and task-scam scripts state money in many shapes: "$20-$40/hr",
"1.200,50 € al mes", "entre 80 y 300 euros diarios", "de 300 a 500 dólares semanales",
"15 mil pesos quincenales", "70 pesos por tarea", "30 USDT". The normaliser (structured `Pay`
on a posting), the subscription filters (`minpay:20/h`) and the scam checks (pay far above the
role, daily-pay lures) all read pay here, so a phrase reads the same everywhere.

The grammar runs over `fold_aligned` text (lower case, no accents, same length as the
original), so every figure found carries the offsets of the words a person wrote. Its traps:
a figure needs a currency to count ("20-30 hours per week" is no pay), a bare "$50" with no
period is as likely a fee as pay, "$5M" is a funding round, and "$" is the peso where the
text names pesos. The currencies themselves (words, signs, rough dollar values, what a bare
"$" means in a text) are in `bot.postings.currencies`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from bot.models import Pay, PayPeriod
from bot.postings.currencies import CURRENCY_TOKENS, TextMoney
from bot.text import digit_runs, fold_aligned

__all__ = [
    "MAX_AMOUNT",
    "PayMention",
    "find_pay",
    "parse_amount",
    "parse_pay",
    "parse_pay_floor",
    "period_from_text",
]

#: Text this long is read for pay only in its first part: pay is stated near the top or in a
#: compensation section, and the grammar must stay cheap on a 1 MB description.
MAX_SCAN_CHARS = 200_000
#: No pay is stated in figures this large; longer digit runs are ids, phone numbers or noise.
MAX_AMOUNT = 100_000_000.0
#: Amounts this large with no period stated are a yearly salary; smaller ones are left alone.
YEARLY_WITHOUT_PERIOD = 10_000.0

_PERIOD_WORDS: tuple[tuple[PayPeriod, str], ...] = (
    (PayPeriod.HOUR, r"hours?|hourly|hrs?|h|horas?|hr"),
    (PayPeriod.DAY, r"days?|daily|dias?|diari[oa]s?|diariamente|jornadas?|d"),
    (PayPeriod.WEEK, r"weeks?|weekly|wk|semanas?|semanal(?:es|mente)?|sem"),
    (PayPeriod.FORTNIGHT, r"fortnight(?:ly)?|bi-?weekly|quincenas?|quincenal(?:es|mente)?"),
    (PayPeriod.MONTH, r"months?|monthly|mo|mes(?:es)?|mensual(?:es|mente)?"),
    (PayPeriod.YEAR, r"years?|yearly|annum|annually|annual|yr|anos?|anual(?:es|mente)?|p\.?a\."),
    (
        PayPeriod.TASK,
        r"tasks?|tareas?|reviews?|resenas?|valoraci(?:on|ones)|calificaci(?:on|ones)|likes?"
        r"|me gusta|videos?|orders?|pedidos?|clicks?|clics?|surveys?|encuestas?|misi(?:on|ones)"
        r"|items?|ratings?|comentarios?|comments?|follows?|seguidores?|posts?|publicaci(?:on|ones)"
        r"|captures?|capturas?|evaluations?|evaluaci(?:on|ones)|assignments?|shops?",
    ),
)
_PERIOD_GROUPS = "|".join(
    f"(?P<p{index}>{words})" for index, (_, words) in enumerate(_PERIOD_WORDS)
)
_PERIOD_AFTER = re.compile(
    r"[ \t]*(?:/|\bper\b|\ban?\b|\bpor\b|\bal\b|\ba la\b|\bla\b|\bel\b|\beach\b|\bevery\b"
    r"|\bcada\b|\bx\b|\bpor cada\b|\bfor (?:each|every)\b)?[ \t]*(?:"
    + _PERIOD_GROUPS
    + r")(?![a-z0-9])"
)
_PERIOD_BEFORE = re.compile(
    r"\b(?:(?P<p0>hourly|per hour|por hora|pago por hora|tarifa por hora|precio por hora)"
    r"|(?P<p1>daily|per day|por dia|diario|pago diario)"
    r"|(?P<p2>weekly|per week|semanal|por semana|pago semanal)"
    r"|(?P<p3>bi-?weekly|fortnightly|quincenal|por quincena|pago quincenal)"
    r"|(?P<p4>monthly|per month|mensual|por mes|al mes|pago mensual)"
    r"|(?P<p5>annual|yearly|per year|per annum|anual|al ano|por ano|base salary|salary range"
    r"|salario anual|sueldo anual|bruto anual)"
    r"|(?P<p6>per task|por tarea|por cada tarea|per review|por resena|per like|por like))"
    # Up to the figure, within one sentence: "per day. Deposit 50 USDT first." states no
    # period for the deposit.
    r"\b(?:[^$€£\d.;!?\n]|\.(?!\s)){0,30}$"
)


def _trie_alternation(tokens: list[str], *, word_end: bool) -> str:
    """`token1|token2|…` as a regular expression that shares prefixes ("dolar", "dolares",
    "dolares americanos" become `dolar(?:es(?: americanos|)|)`), trying longer tokens first.

    It matches exactly what the flat alternation sorted longest first matches, with the same
    groups: tokens that match at one place are prefixes of each other, and both orders try
    them longest first. `re` tries every alternative of a flat one at each word start, which
    made it the grammar's largest cost. `word_end`: a token ending in a letter must not be
    followed by one ("usd" is not the start of "usdx")."""
    trie: dict[str, dict[str, Any]] = {}
    for token in tokens:
        node = trie
        for char in token:
            node = node.setdefault(char, {})
        node[""] = {}

    def longest(node: dict[str, Any]) -> int:
        return max((1 + longest(child) if char else 0) for char, child in node.items())

    def branch(node: dict[str, Any], prefix: str) -> str:
        children = sorted(
            ((char, child) for char, child in node.items() if char),
            key=lambda item: -longest(item[1]),
        )
        parts = [re.escape(char) + branch(child, prefix + char) for char, child in children]
        if "" in node:  # a token ends here: tried after every longer one
            parts.append(r"(?![a-z])" if word_end and prefix[-1:].isalpha() else "")
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return branch(trie, "")


_CURRENCY_ALTERNATION = _trie_alternation(list(CURRENCY_TOKENS), word_end=True)
#: "1,200.50", "1.200,50", "1 200", "15", "15,5", "0.5". Thousands groups need three digits.
_NUMBER = r"\d{1,3}(?:[., ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d{1,12}(?:[.,]\d{1,2})?(?!\d)"
_AMOUNT = (
    r"(?:(?P<{p}cur1>{cur})[ ]?(?:\$[ ]?)?)?(?P<{p}num>{num})"
    r"(?:[ ]?(?P<{p}mult>k(?![a-z])|mil(?![a-z])|thousand(?![a-z])))?"
    r"(?:[ ]?(?P<{p}cur2>{cur}))?"
)
_RANGE_SEPARATOR = r"(?:[ ]?/[ ]?[a-z]{1,5}\.?)?[ ]*(?:-|~|to|a|y|hasta|and|or|o)[ ]*"
_PAY = re.compile(
    r"(?<![\w.,])"
    + _AMOUNT.format(p="a", cur=_CURRENCY_ALTERNATION, num=_NUMBER)
    + "(?:"
    + _RANGE_SEPARATOR
    + _AMOUNT.format(p="b", cur=_CURRENCY_ALTERNATION, num=_NUMBER)
    + r")?(?![\w])"
)
#: What makes a figure something other than pay: "$5M", "10%", "3 years of", "20 hours a week".
_NOT_PAY_AFTER = re.compile(
    r"[ ]*(?:%|m\b|mm\b|b\b|bn\b|million|billion|millones|mil millones|years? of|anos de"
    r"|hours? (?:a|per|por) week|horas|followers)"
)
#: Where a currency is written: the cheap scan that finds the few places worth parsing.
_MARKER = re.compile(
    r"[$€£₹₱₦]|\b"
    + _trie_alternation([token for token in CURRENCY_TOKENS if token[0].isalpha()], word_end=False)
    + r"(?![a-z])"
)
#: How far before a currency marker the first figure of a range may start.
_LOOKBEHIND_CHARS = 48
_DIGITS = re.compile(r"\d+")
#: Where a figure's currency may be written: "US$ 1,200" before it, "1.200,50 dólares
#: estadounidenses" or "80 y 300 euros" after it.
_MARKER_BEFORE_CHARS = 8
_MARKER_AFTER_CHARS = 40


@dataclass(frozen=True, slots=True)
class PayMention:
    """One sum of money stated as pay, with where it is written (offsets into the text).

    `period` is None only for figures found with `find_pay(..., any_period=True)`: "ganarás
    1500-4000 MXN" promises money without saying per what. `period_stated` is False for a
    large figure read as yearly because nothing else was said.
    """

    min_amount: float
    max_amount: float
    currency: str
    period: PayPeriod | None
    start: int
    end: int
    period_stated: bool = True

    @property
    def pay(self) -> Pay | None:
        if self.period is None:
            return None
        return Pay(self.min_amount, self.max_amount, self.currency, self.period)


def parse_amount(number: str, multiplier: str | None = None) -> float | None:
    """A number as written in English or Spanish: "120,000", "1.500", "1.500,50", "25.5", "81k".

    One separator followed by exactly three digits is a thousands separator (both languages
    write "1,500"/"1.500" for fifteen hundred); otherwise it is the decimal mark. Returns None
    for what is not a finite number below `MAX_AMOUNT`.
    """
    digits = number.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not digits or len(digits) > 20:
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
    if not math.isfinite(value) or value > MAX_AMOUNT:
        return None
    return value


def period_from_text(text: str) -> PayPeriod | None:
    """The pay period a short label names ("1 YEAR", "per-hour-wage", "mensual", "/sem")."""
    for token in re.findall(r"[a-z]+(?:-[a-z]+)*", fold_aligned(text[:200])):
        for word in (token.replace("-", ""), *token.split("-")):
            for period, words in _PERIOD_WORDS:
                if re.fullmatch(words, word):
                    return period
    return None


def find_pay(
    text: str, *, limit: int = 8, any_period: bool = False, folded: str | None = None
) -> list[PayMention]:
    """Every pay figure the text states, in order, up to `limit`.

    A figure counts when a currency is written next to it and a period follows or precedes
    it ("$20/h", "hourly rate: $20", "300 € a la semana", "70 pesos por tarea"), or, with no
    period, when it is 10,000 or more (read as yearly). Ranges read as one figure.
    `any_period=True` also returns smaller figures with no period (their `period` is None).
    `folded` is `fold_aligned(text)` when the caller has it already.
    """
    if not text:
        return []
    folded = fold_aligned(text[:MAX_SCAN_CHARS]) if folded is None else folded[:MAX_SCAN_CHARS]
    money = TextMoney(folded)
    found: list[PayMention] = []
    consumed = 0
    tried = -1  # the last marker tried: several numbers may share one ("80 y 300 euros")
    numbers = digit_runs(folded)
    if numbers is None:
        numbers = [number.span() for number in _DIGITS.finditer(folded)]
    for number_start, number_end in numbers:  # pay is a number, so look only around numbers
        if number_start < consumed:
            continue
        low = max(consumed, number_start - _MARKER_BEFORE_CHARS)
        mention = None
        for marker in _MARKER.finditer(folded, low, number_end + _MARKER_AFTER_CHARS):
            if marker.start() <= tried:
                continue
            tried = marker.start()
            mention = _mention_around(folded, marker, consumed, money, any_period)
            if mention is not None:
                break
        if mention is None:
            continue
        found.append(mention)
        consumed = mention.end
        if len(found) >= limit:
            break
    return found


_FLOOR = re.compile(
    r"(?P<num>\d[\d.,]{0,15})[ ]?(?P<mult>k|mil)?(?:[ ]?/[ ]?(?P<period>[a-z. -]{1,12}))?"
)


def parse_pay_floor(text: str) -> Pay | None:
    """A minimum typed in a filter: "20/h", "45k/year", "900/semana", "1.500/mes", "5/tarea".

    A bare number is hourly. The currency is left unstated: a person types the figure in the
    currency the postings they want are paid in.
    """
    match = _FLOOR.fullmatch(fold_aligned(text.strip()[:40]))
    if match is None:
        return None
    amount = parse_amount(match.group("num"), match.group("mult"))
    if amount is None or amount <= 0:
        return None
    period = PayPeriod.HOUR
    if match.group("period"):
        found = period_from_text(match.group("period"))
        if found is None:
            return None
        period = found
    return Pay(amount, amount, "", period)


def parse_pay(text: str) -> Pay | None:
    """The first pay the text states with a period, else its first large yearly figure."""
    mentions = find_pay(text, limit=8)
    stated = next((mention for mention in mentions if mention.period_stated), None)
    chosen = stated or (mentions[0] if mentions else None)
    return chosen.pay if chosen else None


# -- the grammar's parts ---------------------------------------------------------------------


def _mention_around(
    folded: str, marker: re.Match[str], consumed: int, money: TextMoney, any_period: bool
) -> PayMention | None:
    """The pay statement that contains `marker`, if one does."""
    window_start = max(consumed, marker.start() - _LOOKBEHIND_CHARS)
    for match in _PAY.finditer(folded, window_start, marker.end() + 96):
        if match.start() > marker.start():
            break
        if match.end() < marker.end():
            continue
        return _mention(folded, match, money, any_period)
    return None


def _mention(
    folded: str, match: re.Match[str], money: TextMoney, any_period: bool
) -> PayMention | None:
    if _NOT_PAY_AFTER.match(folded, match.end()):
        return None
    low = parse_amount(match.group("anum"), match.group("amult"))
    high = parse_amount(match.group("bnum"), match.group("bmult")) if match.group("bnum") else low
    if low is None or high is None or low <= 0:
        return None
    if match.group("bmult") and not match.group("amult") and low < 1000 <= high:
        low *= 1000  # "$80-100k" means 80k to 100k
    currency = _currency(match, money)
    if not currency:
        return None
    low, high = min(low, high), max(low, high)
    end = match.end()
    after = _PERIOD_AFTER.match(folded, end)
    period = _period_of(after) if after else None
    if after is not None and period is not None:
        end = after.end()
    if period is None:
        before = _PERIOD_BEFORE.search(folded, max(0, match.start() - 60), match.start())
        period = _period_of(before) if before else None
    if period is not None:
        return PayMention(low, high, currency, period, match.start(), end)
    if low >= YEARLY_WITHOUT_PERIOD:
        return PayMention(low, high, currency, PayPeriod.YEAR, match.start(), end, False)
    if any_period:
        return PayMention(low, high, currency, None, match.start(), end, False)
    return None  # a bare "$50" is as likely a fee as pay


def _period_of(match: re.Match[str]) -> PayPeriod | None:
    for index, (period, _) in enumerate(_PERIOD_WORDS):
        if match.group(f"p{index}"):
            return period
    return None


def _currency(match: re.Match[str], money: TextMoney) -> str:
    """The most specific currency named in the figure (`TextMoney.of`)."""
    return money.of(
        [token for group in ("acur1", "acur2", "bcur1", "bcur2") if (token := match.group(group))]
    )
