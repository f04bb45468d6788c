"""The marks of a text view that patterns find better than words do: links (and which of
them open a chat app), e-mail addresses, @handles, sums of money, stated pay and phone
numbers. Each is put onto the words it covers as a concept bit (`bot.scam.textview` builds
the view; the detectors read these concepts like any word's).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from bot.postings.pay import PayMention
from bot.scam.lexicon import concept
from bot.text import digit_runs

__all__ = [
    "CHAT_LINK",
    "EMAIL",
    "HANDLE",
    "LINK",
    "MARKS",
    "MONEY",
    "PAY_RATE",
    "PHONE",
    "mark_amounts",
    "mark_spans",
]

#: Concepts that are found by pattern rather than by word.
MONEY = concept("mark.money")
PAY_RATE = concept("mark.pay_rate")  # money stated as pay with a period ("15 € la hora")
PHONE = concept("mark.phone")
LINK = concept("mark.link")
CHAT_LINK = concept("mark.chat_link")  # wa.me, t.me, chat.whatsapp.com...
EMAIL = concept("mark.email")
HANDLE = concept("mark.handle")  # @name
MARKS = (MONEY, PAY_RATE, PHONE, LINK, CHAT_LINK, EMAIL, HANDLE)

_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()]+|\b(?:wa\.me|t\.me|telegram\.me|signal\.me|bit\.ly"
    r"|chat\.whatsapp\.com|api\.whatsapp\.com)/[^\s<>\"'()]*"
)
_CHAT_LINK_RE = re.compile(
    r"(?:wa\.me|t\.me|telegram\.(?:me|dog)|signal\.me|chat\.whatsapp\.com|api\.whatsapp\.com"
    r"|whatsapp\.com/(?:send|channel)|wire\.com|discord\.gg|line\.me)"
)
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b")
_HANDLE_RE = re.compile(r"(?<![\w.])@[a-z0-9_]{3,32}\b")
#: What may sit between the digit groups of one phone number: "+34 600 111 222", "(55) 1234-5678".
_PHONE_JOINER = re.compile(r"[\s.()+-]{0,3}")
_PHONE_MIN_DIGITS = 8
#: A sum of money is a number with a currency just before it ("$50", "US$ 50", "S/ 50") or
#: just after it ("50 USDT", "50 dólares", "50k MXN"): found from the numbers outwards.
_NUMBER_RE = re.compile(r"\d[\d.,]*")
_CURRENCY_BEFORE_RE = re.compile(r"(?:[$€£₹₱₦]|\bus\$|\bs/\.?|\bkshs?\.?|\bq(?=\d))\s?$")
_CURRENCY_AFTER_RE = re.compile(
    r"\s?(?:k\s?)?(?:usd|us\$|usdt|usdc|eur|euros?|dollars?|dolares?|pesos?|mxn|cop|ars|clp"
    r"|pen|soles|gbp|pounds|libras|bucks|rupees|rs|inr|naira|reais|bolivianos|quetzales|kes|ksh"
    r"|[$€£₹])(?![a-z])|\s?k\b"
)
#: A figure in millions or billions is a firm's size, a market or a fine, never a sum a
#: worker is asked for: "Scale AI, valued at $14 billion, supplying training data".
_MAGNITUDE_AFTER_RE = re.compile(
    r"\s?(?:million|billion|trillion|bn|millones|mil millones"
    r"|billones|millon)\b"
)


def mark_spans(folded: str, starts: list[int], bits: list[int]) -> tuple[dict[int, int], set[int]]:
    """Links, e-mail addresses and @handles: each becomes its first word's token, spanning
    the whole of it, and the words inside it are no words of their own ("whatsapp" in a
    link is not a move to WhatsApp; the link itself is). Returns where each such token
    ends, by its word index, and the indices of the words inside."""
    span_ends: dict[int, int] = {}
    inside: set[int] = set()
    spans: list[tuple[int, int, int]] = []
    if "http" in folded or "www." in folded or ".me/" in folded or ".com/" in folded:
        for match in _URL_RE.finditer(folded):
            url = match.group().rstrip(".,;:!?")
            kind = LINK.bit | (CHAT_LINK.bit if _CHAT_LINK_RE.search(url) else 0)
            spans.append((match.start(), match.start() + len(url), kind))
    if "@" in folded:
        spans.extend((m.start(), m.end(), EMAIL.bit) for m in _EMAIL_RE.finditer(folded))
        spans.extend((m.start(), m.end(), HANDLE.bit) for m in _HANDLE_RE.finditer(folded))
    for span_start, span_end, kind in sorted(spans):
        first = bisect.bisect_left(starts, span_start)
        if first >= len(starts) or starts[first] >= span_end or first in inside:
            continue
        bits[first] = kind  # the link's own words say nothing ("whatsapp" in a domain)
        span_ends[first] = span_end
        index = first + 1
        while index < len(starts) and starts[index] < span_end:
            inside.add(index)
            bits[index] = 0
            index += 1
    return span_ends, inside


def mark_amounts(
    folded: str, starts: list[int], ends: list[int], bits: list[int], pay: list[PayMention]
) -> None:
    """Money, stated pay and phone numbers onto the words they cover."""
    numbers = digit_runs(folded, separators=True)
    if numbers is None:
        numbers = [number.span() for number in _NUMBER_RE.finditer(folded)]
    marks: list[tuple[int, int, int]] = list(_money_spans(folded, numbers))
    marks.extend(_phone_spans(folded, numbers))
    marks.extend(
        (mention.start, mention.end, MONEY.bit | (PAY_RATE.bit if mention.period else 0))
        for mention in pay
    )
    for start, end, mark in marks:
        index = bisect.bisect_right(ends, start)
        while index < len(starts) and starts[index] < end:
            bits[index] |= mark
            index += 1


def _money_spans(folded: str, numbers: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    for start, end in numbers:
        before = _CURRENCY_BEFORE_RE.search(folded, max(0, start - 5), start)
        after = _CURRENCY_AFTER_RE.match(folded, end)
        if _MAGNITUDE_AFTER_RE.match(folded, after.end() if after else end):
            continue
        if before is not None or (after is not None and after.group().strip() != "k"):
            yield (before.start() if before else start), (after.end() if after else end), MONEY.bit


def _phone_spans(folded: str, numbers: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """Runs of digit groups joined by spaces, dots, dashes or brackets, 8 digits or more."""
    index = 0
    while index < len(numbers):
        first_start, end = numbers[index]
        digits = sum(ch.isdigit() for ch in folded[first_start:end])
        last = index
        while last + 1 < len(numbers):
            next_start, next_end = numbers[last + 1]
            joiner = _PHONE_JOINER.fullmatch(folded, end, next_start)
            if joiner is None:
                break
            digits += sum(ch.isdigit() for ch in folded[next_start:next_end])
            end = next_end
            last += 1
        if digits >= _PHONE_MIN_DIGITS:
            plus = first_start > 0 and folded[first_start - 1] == "+"
            yield first_start - plus, end, PHONE.bit
        index = last + 1
