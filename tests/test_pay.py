"""The one pay grammar: pay as people write it in English and Spanish, read the same by the
normaliser, the subscription filters and the scam checks."""

from __future__ import annotations

import pytest

from bot.models import Pay, PayPeriod
from bot.postings.currencies import usd_per_unit
from bot.postings.pay import (
    find_pay,
    parse_amount,
    parse_pay,
    parse_pay_floor,
    period_from_text,
)
from bot.scam.role_pay import stated_pay
from bot.text import fold_aligned

H, D, W, M, Y = PayPeriod.HOUR, PayPeriod.DAY, PayPeriod.WEEK, PayPeriod.MONTH, PayPeriod.YEAR
F, T = PayPeriod.FORTNIGHT, PayPeriod.TASK


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$20-$40/hour", Pay(20, 40, "USD", H)),
        ("USD 25 per hour", Pay(25, 25, "USD", H)),
        ("$120,000 - $150,000 a year", Pay(120_000, 150_000, "USD", Y)),
        ("€18/h", Pay(18, 18, "EUR", H)),
        ("20 a 30 USD por hora", Pay(20, 30, "USD", H)),
        ("1.500 € al mes", Pay(1500, 1500, "EUR", M)),
        ("$900 per week", Pay(900, 900, "USD", W)),
        ("$81K – $87K", Pay(81_000, 87_000, "USD", Y)),
        ("$80-100k", Pay(80_000, 100_000, "USD", Y)),
        ("Hourly rate: $20 - $25", Pay(20, 25, "USD", H)),
        ("Pago semanal de $300", Pay(300, 300, "USD", W)),
        ("De 18,5 a 22 euros la hora", Pay(18.5, 22, "EUR", H)),
        ("US$ 1,200.50 monthly", Pay(1200.5, 1200.5, "USD", M)),
        ("Salario: 15 mil pesos mexicanos al mes", Pay(15_000, 15_000, "MXN", M)),
        ("earn £300 a day", Pay(300, 300, "GBP", D)),
        ("$25/hr, paid weekly", Pay(25, 25, "USD", H)),
        ("entre 2.000 y 2.500 dólares mensuales", Pay(2000, 2500, "USD", M)),
        ("$20/hr - $30/hr", Pay(20, 30, "USD", H)),
        ("MXN $15,000 mensuales", Pay(15_000, 15_000, "MXN", M)),
        ("$15.000 pesos mexicanos al mes", Pay(15_000, 15_000, "MXN", M)),
        ("$5k/month", Pay(5000, 5000, "USD", M)),
        # Spanish weekly pay: every form used to end a poll with KeyError('s')
        ("Gana 300 euros por semana. Escríbenos por WhatsApp", Pay(300, 300, "EUR", W)),
        ("300 € a la semana", Pay(300, 300, "EUR", W)),
        ("de 300 a 500 dólares semanales", Pay(300, 500, "USD", W)),
        ("cobras 2.000 pesos cada semana", Pay(2000, 2000, "MXN", W)),
        ("250 €/sem", Pay(250, 250, "EUR", W)),
        ("400 USD semanal", Pay(400, 400, "USD", W)),
        # fortnight, day, month, year in both languages
        ("15 mil pesos quincenales", Pay(15_000, 15_000, "MXN", F)),
        ("$1,200 biweekly", Pay(1200, 1200, "USD", F)),
        ("6.000 pesos por quincena en Bogotá", Pay(6000, 6000, "COP", F)),
        ("entre 80 y 300 euros diarios", Pay(80, 300, "EUR", D)),
        ("$150 to $700 daily", Pay(150, 700, "USD", D)),
        ("desde 35 hasta 180€ diarios", Pay(35, 180, "EUR", D)),
        ("S/ 1,500 mensuales", Pay(1500, 1500, "PEN", M)),
        ("1.800 soles al mes", Pay(1800, 1800, "PEN", M)),
        ("$8,000 mensuales, Monterrey", Pay(8000, 8000, "MXN", M)),
        ("18.000 € brutos anuales", Pay(18_000, 18_000, "EUR", Y)),
        ("x hora 12 €", None),
        ("12 € x hora", Pay(12, 12, "EUR", H)),
        ("tarifa de 15 € la hora", Pay(15, 15, "EUR", H)),
        ("1.200,50 € al mes", Pay(1200.5, 1200.5, "EUR", M)),
        ("1,200.50 USD monthly", Pay(1200.5, 1200.5, "USD", M)),
        ("30 USDT por día", Pay(30, 30, "USDT", D)),
        # piece rates: per task, review, like
        ("70 pesos por tarea", Pay(70, 70, "MXN", T)),
        ("Gana 5€ por cada like", Pay(5, 5, "EUR", T)),
        ("We pay $15 per task", Pay(15, 15, "USD", T)),
        ("$0.50 per review", Pay(0.5, 0.5, "USD", T)),
        ("3 euros por reseña", Pay(3, 3, "EUR", T)),
    ],
)
def test_pay_is_read_from_english_and_spanish_text(text: str, expected: Pay | None) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "pay a $50 fee for your training kit",  # a fee, no period: not pay
        "We raised $25M from top investors",
        "20-30 hours per week",  # no currency
        "5+ years of experience",
        "Bonus of 10% a year",
        "$50 to apply",
        "1500-4000 MXN",  # no period and below a yearly figure: as likely a fee
        "Trabaja 20 a 30 horas por semana",
        "Llámanos al 55 1234 5678",
        "9" * 10_000 + " euros por semana",  # 10,000 digits are no pay
    ],
)
def test_text_without_pay_gives_none(text: str) -> None:
    assert parse_pay(text) is None


def test_first_pay_with_a_period_wins_over_a_bare_large_figure() -> None:
    text = "Backed by $20,000 in grants. Pay: $30/hour."
    assert parse_pay(text) == Pay(30, 30, "USD", H)


def test_hourly_helper_puts_parsed_pay_on_one_scale() -> None:
    yearly = parse_pay("$41,600 per year")
    assert yearly is not None
    assert yearly.hourly() == pytest.approx((20.0, 20.0))


@pytest.mark.parametrize(
    ("number", "value"),
    [("120,000", 120_000), ("1.500", 1500), ("1.500,50", 1500.5), ("25.5", 25.5), ("18,5", 18.5)],
)
def test_amounts_in_both_number_styles(number: str, value: float) -> None:
    assert parse_amount(number) == value


@pytest.mark.parametrize(
    ("label", "period"),
    [
        ("1 YEAR", Y),
        ("1 HOUR", H),
        ("per-hour-wage", H),
        ("mensual", M),
        ("NONE", None),
        ("", None),
    ],
)
def test_period_labels(label: str, period: PayPeriod | None) -> None:
    assert period_from_text(label) == period


@pytest.mark.parametrize(
    ("label", "period"),
    [("quincenal", F), ("bi-weekly", F), ("/sem", W), ("semanales", W), ("por tarea", T)],
)
def test_spanish_and_piece_rate_period_labels(label: str, period: PayPeriod) -> None:
    assert period_from_text(label) == period


def test_every_figure_carries_the_words_a_person_wrote() -> None:
    text = "Tareas fáciles: 70 pesos por tarea, hasta 6.000 pesos al día. Contacto por Whats."
    mentions = find_pay(text)
    assert [text[m.start : m.end] for m in mentions] == [
        "70 pesos por tarea",
        "6.000 pesos al día",
    ]


def test_a_range_with_no_period_is_read_only_on_request() -> None:
    assert find_pay("Ganarás 1500-4000 MXN") == []
    (mention,) = find_pay("Ganarás 1500-4000 MXN", any_period=True)
    assert (mention.min_amount, mention.max_amount, mention.currency) == (1500, 4000, "MXN")
    assert mention.period is None and mention.pay is None


def test_dollar_sign_is_a_peso_where_pesos_are_named() -> None:
    assert parse_pay("Sueldo $9,000 mensuales más prestaciones, pago en pesos") == Pay(
        9000, 9000, "MXN", M
    )
    assert parse_pay("Pay: $9,000 monthly") == Pay(9000, 9000, "USD", M)


def test_piece_rates_have_no_hourly_equivalent() -> None:
    pay = parse_pay("70 pesos por tarea")
    assert pay is not None and pay.hourly() is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20/h", Pay(20, 20, "", H)),
        ("45k/year", Pay(45_000, 45_000, "", Y)),
        ("900/semana", Pay(900, 900, "", W)),
        ("1.500/mes", Pay(1500, 1500, "", M)),
        ("8000/quincena", Pay(8000, 8000, "", F)),
        ("5/tarea", Pay(5, 5, "", T)),
        ("25", Pay(25, 25, "", H)),
    ],
)
def test_a_filter_minimum_reads_the_same_words(typed: str, expected: Pay) -> None:
    assert parse_pay_floor(typed) == expected


@pytest.mark.parametrize("typed", ["", "lots", "20/fortnightlyish", "-5/h", "0/h", "9" * 30])
def test_a_filter_minimum_that_is_no_pay_is_refused(typed: str) -> None:
    assert parse_pay_floor(typed) is None


def test_scam_checks_read_spanish_weekly_pay_on_the_hourly_dollar_scale() -> None:
    text = "Gana 300 euros por semana"
    (pay,) = stated_pay(fold_aligned(text), text)
    assert pay.evidence == "300 euros por semana"
    assert pay.hourly_usd == pytest.approx(300 * 1.08 / 40)


def test_scam_checks_skip_fees_and_ceilings() -> None:
    text = "Deposit $200 per week to keep your account; earn up to $90 per hour"
    assert stated_pay(fold_aligned(text), text) == []


def test_known_currencies_have_a_rough_dollar_rate() -> None:
    for code in ("USD", "EUR", "MXN", "COP", "ARS", "PEN", "USDT"):
        assert usd_per_unit(code)
    assert usd_per_unit("XYZ") is None
