"""A posting's language: short texts get one, and one that cannot be told passes `lang:`
filters with a card that says so."""

from __future__ import annotations

import pytest

from bot.delivery.render import alert_card
from bot.delivery.render_text import card_to_text
from bot.models import Alert, ChatRef, RiskLevel, Subscription, Verdict
from bot.postings.build import build_posting
from bot.postings.matching import CompiledFilter, parse_filter_words

OK = Verdict(3, RiskLevel.OK)


def test_a_short_english_posting_reaches_an_english_filter() -> None:
    posting = build_posting(
        source="rss:x",
        native_id="1",
        url="https://x.org/1",
        title="AI Trainer",
        company="Acme",
        description="Remote AI trainer, paid hourly.",
    )
    assert posting.language == "en"
    assert CompiledFilter.of(parse_filter_words("lang:en")).wants(posting, OK)
    assert not CompiledFilter.of(parse_filter_words("lang:es")).wants(posting, OK)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Language: not detected: shown because it may be in yours"),
        ("es", "Idioma: no detectado: se muestra porque puede estar en el tuyo"),
    ],
)
def test_a_posting_of_unknown_language_passes_and_says_so(language: str, line: str) -> None:
    posting = build_posting(
        source="rss:x",
        native_id="2",
        url="https://x.org/2",
        title="RLHF Data Annotator",
        company="Acme",
        description="",
    )
    assert posting.language is None
    flt = parse_filter_words("lang:es")
    assert CompiledFilter.of(flt).wants(posting, OK)
    alert = Alert(1, posting, OK, Subscription(1, ChatRef("console", ""), flt, language), 1)
    assert line in card_to_text(alert_card(alert))
    unfiltered = Alert(
        1, posting, OK, Subscription(1, ChatRef("console", ""), parse_filter_words(""), language), 1
    )
    assert line not in card_to_text(alert_card(unfiltered))


def test_the_scam_checks_read_a_text_of_two_languages_in_both() -> None:
    """A Spanish message pasted into an English text (or the other way round) is read in
    both languages; a text with a stray Spanish place name stays English."""
    from bot.postings.language import language_of_words
    from bot.scam.textview import view_of

    english = "We are hiring remote annotators for the team. You will review a model's answers."
    spanish = "Para activar tu cuenta debes recargar 30 USDT y luego haces las tareas de la app."
    assert language_of_words(view_of(english).words) == "en"
    assert language_of_words(view_of(spanish).words) == "es"
    assert language_of_words(view_of(f"{english} {spanish}").words) is None
    assert language_of_words(view_of(f"{english} Based in Los Angeles.").words) == "en"
