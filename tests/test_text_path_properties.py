"""No posting text can stop a poll or a check: the whole text path, fed by hypothesis.

normalise → pay → scam rules → render for Discord, Telegram and the console. The inputs are a
grammar of Spanish and English pay phrases mixed with hostile Unicode (zero-width characters,
mathematical letters, right-to-left text, NUL and control characters, 10,000-digit numbers,
megabyte descriptions). Every input gives a verdict (scored: nothing inside failed) and cards
that fit their platform; the pay phrases the grammar writes are read back as written.
"""

from __future__ import annotations

import math
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.chat.discord_render import EMBED_TOTAL_MAX, card_to_embed, embed_length
from adapters.chat.telegram_render import MAX_MESSAGE_UTF16, render_card, utf16_len
from bot.delivery.render import alert_card, verdict_card
from bot.delivery.render_text import card_to_text
from bot.models import Alert, ChatRef, Filter, PayPeriod, Subscription
from bot.postings.build import build_posting
from bot.postings.normalize import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS
from bot.postings.pay import MAX_AMOUNT, find_pay, parse_pay
from bot.scam import ScamChecker

#: `VIGIA_PROPERTY_EXAMPLES=5000 pytest tests/test_text_path_properties.py` for a deep run.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("VIGIA_PROPERTY_EXAMPLES", "60")),
    deadline=None,  # time per posting is measured by bench/text_path.py, not asserted here
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- the grammar of pay phrases --------------------------------------------------------------

_CURRENCY_BEFORE = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "S/": "PEN", "USD ": "USD"}
_CURRENCY_AFTER = {
    " €": "EUR", "€": "EUR", " euros": "EUR", " EUR": "EUR", " USD": "USD", " dólares": "USD",
    " dolares": "USD", " pesos mexicanos": "MXN", " MXN": "MXN", " soles": "PEN",
    " USDT": "USDT", " COP": "COP",
}  # fmt: skip
_PERIODS = {
    PayPeriod.HOUR: ["/h", "/hr", " per hour", " an hour", " la hora", " por hora", " x hora",
                     " hourly", " /hora"],
    PayPeriod.DAY: [" per day", " a day", " daily", " al día", " por día", " diarios",
                    " diarias", " cada día"],
    PayPeriod.WEEK: [" per week", " a week", " weekly", " por semana", " a la semana",
                     " cada semana", " semanales", " semanal", "/sem", " /semana"],
    PayPeriod.FORTNIGHT: [" biweekly", " every fortnight", " quincenales", " por quincena",
                          " a la quincena", " quincenal"],
    PayPeriod.MONTH: [" per month", " a month", " monthly", " al mes", " por mes",
                      " mensuales", " mensual", "/mes"],
    PayPeriod.YEAR: [" per year", " a year", " annually", " al año", " por año", " anuales"],
    PayPeriod.TASK: [" per task", " per review", " por tarea", " por cada tarea", " por reseña",
                     " por like", " por valoración", " each task"],
}  # fmt: skip


def _written(value: int, style: str) -> str:
    """`value` as English ("1,200") or Spanish ("1.200") write it, or with no grouping."""
    if style == "plain" or value < 1000:
        return str(value)
    grouped = f"{value:,}"
    return grouped if style == "en" else grouped.replace(",", ".")


@st.composite
def pay_phrases(draw: st.DrawFn) -> tuple[str, float, float, str, PayPeriod]:
    """A pay phrase and what it says: "de 300 a 500 dólares semanales" → 300, 500, USD, week."""
    low = draw(st.integers(min_value=1, max_value=99_999))
    high = draw(st.one_of(st.just(low), st.integers(min_value=low + 1, max_value=999_999)))
    style = draw(st.sampled_from(["en", "es", "plain"]))
    period = draw(st.sampled_from(list(_PERIODS)))
    period_words = draw(st.sampled_from(_PERIODS[period]))
    before = draw(st.booleans())
    if before:
        symbol, currency = draw(st.sampled_from(sorted(_CURRENCY_BEFORE.items())))
        figures = f"{symbol}{_written(low, style)}"
        if high != low:
            joiner = draw(st.sampled_from(["-", " - ", " to ", "–"]))
            figures += f"{joiner}{symbol}{_written(high, style)}"
    else:
        word, currency = draw(st.sampled_from(sorted(_CURRENCY_AFTER.items())))
        figures = _written(low, style)
        if high != low:
            joiner = draw(st.sampled_from([" a ", " y ", "-", " hasta "]))
            figures = f"{figures}{joiner}{_written(high, style)}"
        figures += word
    return figures + period_words, float(low), float(high), currency, period


# -- hostile text ----------------------------------------------------------------------------

_HOSTILE_PIECES = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, soft hyphen
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200f",  # bidi overrides, isolates, marks
    "\x00", "\x1b[31m", "\x07", "\r", "\x7f", "\x85",  # NUL, ANSI escape, bell, controls
    "𝐖𝐡𝐚𝐭𝐬𝐀𝐩𝐩", "𝓉𝑒𝓁𝑒𝑔𝓇𝒶𝓂", "ＵＳＤＴ", "١٢٣", "مرحبا بك", "שלום",  # math, full width, RTL
    "@everyone", "@here", "<@&123>", "<b>x</b>", "[a](http://x)", "**", "`", "&amp;",
    "9" * 10_000, "1.2.3.4.5.6", "$", "€€€", "por semana", "cada", " a la ",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(_HOSTILE_PIECES)), max_size=12
).map("".join)


@st.composite
def postings_text(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(title, description, megabyte): pay phrases amid hostile text; with `megabyte` the
    test repeats the description to a megabyte (built there, so failures print small)."""
    parts = draw(st.lists(st.one_of(hostile_text, pay_phrases().map(lambda p: p[0])), max_size=6))
    megabyte = draw(st.integers(min_value=0, max_value=9)) == 0
    return draw(hostile_text), "\n".join(parts), megabyte


def _megabyte(text: str) -> str:
    unit = text + " Gana 300 euros por semana. "
    return unit * (1_000_000 // len(unit) + 1)


# -- properties -----------------------------------------------------------------------------

_CHECKER = ScamChecker()


@PROPERTY_SETTINGS
@given(phrase=pay_phrases(), noise_before=hostile_text, noise_after=hostile_text)
def test_a_pay_phrase_reads_back_as_written_whatever_surrounds_it(
    phrase: tuple[str, float, float, str, PayPeriod], noise_before: str, noise_after: str
) -> None:
    text, low, high, currency, period = phrase
    mentions = find_pay(f"{noise_before}\n{text}\n{noise_after}")
    written = [m for m in mentions if (m.min_amount, m.max_amount) == (low, high)]
    assert written, f"{text!r} was not read"
    assert written[0].currency == currency
    assert written[0].period is period


@PROPERTY_SETTINGS
@given(text=hostile_text)
def test_pay_from_any_text_is_finite_bounded_and_located(text: str) -> None:
    for mention in find_pay(text, any_period=True):
        assert 0 < mention.min_amount <= mention.max_amount <= MAX_AMOUNT
        assert math.isfinite(mention.max_amount)
        assert 0 <= mention.start < mention.end <= len(text)
    parse_pay(text)


@PROPERTY_SETTINGS
@given(fields=postings_text(), url=st.one_of(hostile_text, st.just("https://x.test/job")))
def test_every_posting_gets_a_verdict_and_cards_that_fit(
    fields: tuple[str, str, bool], url: str
) -> None:
    title, description, megabyte = fields
    if megabyte:
        description = _megabyte(description)
    posting = build_posting(
        source="rss:test",
        native_id="1",
        url=url,
        title=title,
        company=title[:50],
        description=description,
        location=title[:30],
    )
    assert len(posting.title) <= MAX_TITLE_CHARS
    assert len(posting.description) <= MAX_DESCRIPTION_CHARS
    assert "\x00" not in posting.description and "\u202e" not in posting.title

    verdict = _CHECKER.check(posting, extra_text=description[:2000])
    assert verdict.scored, "a check failed inside"
    assert 0 <= verdict.risk <= 100

    for language in ("es", "en"):
        subscription = Subscription(1, ChatRef("console", ""), Filter(), language)
        alert = Alert(1, posting, verdict, subscription, check_id=7)
        for card in (
            alert_card(alert),
            verdict_card(verdict, 7, language, subject=description[:200], url=posting.url),
        ):
            embed = card_to_embed(card)
            assert embed_length(embed) <= EMBED_TOTAL_MAX
            assert "@everyone" not in str(embed.to_dict())

            message = render_card(card)
            assert utf16_len(re.sub(r"<[^>]+>", "", message.html)) <= MAX_MESSAGE_UTF16
            assert not re.search(r"(?<!\w)@\w", message.html), "a mention would notify someone"

            printed = card_to_text(card)
            assert "\x00" not in printed and "\x1b" not in printed and "\u202e" not in printed


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "💸🤑📲✅" * 50,
        "\x00" * 1000,
        "9" * 10_000 + " USDT por tarea",
        "Ｇａｎａ ３００ ｅｕｒｏｓ ｐｏｒ ｓｅｍａｎａ",
        "Gana 300 euros por semana. " * 40_000,  # a megabyte of it
        "الراتب 300 دولار أسبوعيا " + "Gana 300 € por semana",
    ],
)
def test_odd_messages_get_a_verdict(text: str) -> None:
    posting = build_posting(
        source="check", native_id="t", url="", title="", company="", description=text
    )
    assert _CHECKER.check(posting).scored
