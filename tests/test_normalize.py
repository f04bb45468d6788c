"""The text helpers every source relies on: HTML to text, pay, remote, language, URLs."""

from __future__ import annotations

import pytest

from bot.models import Pay, PayPeriod
from bot.normalize import (
    canonical_url,
    detect_language,
    detect_remote,
    html_to_text,
    parse_amount,
    parse_pay,
    period_from_text,
)

H, D, W, M, Y = PayPeriod.HOUR, PayPeriod.DAY, PayPeriod.WEEK, PayPeriod.MONTH, PayPeriod.YEAR

# -- HTML ------------------------------------------------------------------------------------


def test_html_keeps_paragraphs_and_list_items_on_their_own_lines() -> None:
    text = html_to_text(
        "<div><p>About   the\n role</p><ul><li>Rate answers</li><li>Write <b>better</b> ones"
        "</li></ul><p>Line one<br>Line two</p></div>"
    )
    assert text == "About the role\n\n- Rate answers\n- Write better ones\n\nLine one\nLine two"


def test_html_drops_scripts_styles_and_comments() -> None:
    text = html_to_text(
        "<style>p{color:red}</style><p>Visible<!-- hidden --></p><script>alert(1)</script>"
    )
    assert text == "Visible"


def test_html_entities_are_decoded_once() -> None:
    assert html_to_text("<p>R&amp;D &lt;3 &eacute;xito&nbsp;total</p>") == "R&D <3 éxito total"


def test_entity_encoded_html_is_unescaped_then_stripped() -> None:
    encoded = (
        "&lt;p&gt;Salary &amp;amp; benefits&lt;/p&gt;"
        "&lt;ul&gt;&lt;li&gt;Remote&lt;/li&gt;&lt;/ul&gt;"
    )
    assert html_to_text(encoded, entity_encoded=True) == "Salary & benefits\n\n- Remote"


def test_the_documented_double_encoded_greenhouse_content_has_no_tags_left() -> None:
    content = (
        "This is the job description. &amp;lt;p&amp;gt;Any HTML included through the hosted "
        "job application editor will be automatically converted.&amp;lt;/p&amp;gt;"
    )
    text = html_to_text(content, entity_encoded=True)
    assert "<" not in text and "&" not in text
    assert text.startswith("This is the job description.\n\nAny HTML included")


def test_encoded_literal_comparison_survives_as_text() -> None:
    assert html_to_text("&lt;p&gt;a &amp;lt; b&lt;/p&gt;", entity_encoded=True) == "a < b"


def test_empty_and_deeply_nested_html() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<div>" * 5000 + "deep" + "</div>" * 5000) == "deep"


# -- pay -------------------------------------------------------------------------------------


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
    ],
)
def test_pay_is_read_from_english_and_spanish_text(text: str, expected: Pay) -> None:
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
        "We pay $15 per task",  # per task is no period we can compare
        "$50 to apply",
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


# -- remote ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "text", "expected"),
    [
        ("Remote - LATAM", "", True),
        ("Remoto, México", "", True),
        ("Anywhere in the World", "", True),
        ("Madrid", "Teletrabajo 100%", True),
        ("", "You can work from home.", True),
        ("New York, NY (Hybrid)", "", False),
        ("Bogotá - presencial", "", False),
        ("", "This is not remote: you must be in the office.", False),
        ("San Francisco, CA", "Great team.", None),
        ("", "We build distributed systems for customers worldwide.", None),
        ("", "Experience with remote sensing data is a plus.", None),
        ("", "This is a fully remote contract.", True),
        ("", "Trabajo 100% remoto desde cualquier país.", True),
        ("", "", None),
    ],
)
def test_remote_flag(location: str, text: str, expected: bool | None) -> None:
    assert detect_remote(location, text) is expected


def test_a_remote_title_counts_when_the_location_says_nothing() -> None:
    assert detect_remote("", "Great team.", title="AI Trainer (Remote)") is True
    assert detect_remote("Austin, TX (On-site)", "", title="AI Trainer (Remote)") is False


# -- language --------------------------------------------------------------------------------


def test_language_by_stop_words() -> None:
    assert (
        detect_language("We are looking for a trainer to work with our team on the data.") == "en"
    )
    assert (
        detect_language("Buscamos una persona para trabajar con el equipo de datos en la empresa.")
        == "es"
    )


def test_language_is_unknown_for_a_bare_title() -> None:
    assert detect_language("AI Trainer - Spanish") is None
    assert detect_language("") is None


# -- URLs ------------------------------------------------------------------------------------


def test_canonical_url_strips_tracking_and_fragment_but_keeps_job_ids() -> None:
    url = "HTTPS://Careers.Acme.com:443/jobs?gh_jid=123&utm_source=x&UTM_Medium=y&fbclid=z#apply"
    assert canonical_url(url) == "https://careers.acme.com/jobs?gh_jid=123"


def test_canonical_url_keeps_meaningful_query_order_and_non_urls() -> None:
    assert canonical_url("https://a.example/x?b=2&a=1&ref=tw") == "https://a.example/x?b=2&a=1"
    assert canonical_url("not a url") == "not a url"
