"""Every message a person reads exists in Spanish and English, with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import (
    LANGUAGES,
    catalog,
    normalize_language,
    placeholders,
    plural_catalog,
    plural_forms,
    t,
)

LOCALES = Path(__file__).resolve().parent.parent / "bot" / "i18n" / "locales"


def test_every_key_exists_in_every_language_with_the_same_placeholders() -> None:
    keys = {lang: set(catalog(lang)) for lang in LANGUAGES}
    assert keys["es"] == keys["en"], keys["es"] ^ keys["en"]
    for key in keys["en"]:
        assert placeholders(catalog("es")[key]) == placeholders(catalog("en")[key]), key


def test_every_plural_key_has_every_form_of_every_language_with_the_same_placeholders() -> None:
    plurals = {lang: plural_catalog(lang) for lang in LANGUAGES}
    assert set(plurals["es"]) == set(plurals["en"]), set(plurals["es"]) ^ set(plurals["en"])
    assert plurals["en"], "no plural messages were read"
    for lang in LANGUAGES:
        count, _ = plural_forms(lang)
        assert not set(plurals[lang]) & set(catalog(lang)), "a key is both plural and not"
        for key, forms in plurals[lang].items():
            assert len(forms) == count, (lang, key)
            for form in forms:
                assert placeholders(form) == placeholders(plurals["en"][key][-1]), (lang, key)


def test_every_catalog_file_says_how_its_language_forms_plurals() -> None:
    files = sorted(LOCALES.glob("*/*.po"))
    assert len(files) >= 2 * 7
    for po in files:
        assert '"Plural-Forms: nplurals=' in po.read_text(encoding="utf-8"), po


def test_no_message_writes_a_plural_by_hand() -> None:
    """ "suscripción(es)", "posting(s)": a count picks the form instead."""
    for lang in LANGUAGES:
        texts = [*catalog(lang).values(), *(f for fs in plural_catalog(lang).values() for f in fs)]
        for text in texts:
            for hand_made in ("(s)", "(es)", "(as)", "(os)", "(a)"):
                assert hand_made not in text, (lang, text)


@pytest.mark.parametrize(
    ("language", "count", "text"),
    [
        ("es", 0, "En pausa 0 suscripciones. Reanuda con /alertas reanudar."),
        ("es", 1, "En pausa 1 suscripción. Reanuda con /alertas reanudar."),
        ("es", 2, "En pausa 2 suscripciones. Reanuda con /alertas reanudar."),
        ("es", 1500, "En pausa 1.500 suscripciones. Reanuda con /alertas reanudar."),
        ("en", 1, "Paused 1 subscription. Resume with /alerts resume."),
        ("en", 1500, "Paused 1,500 subscriptions. Resume with /alerts resume."),
    ],
)
def test_a_count_picks_the_plural_form_and_is_grouped_as_the_language_groups(
    language: str, count: int, text: str
) -> None:
    assert t("discord.alerts.paused", language, count=count) == text


def test_without_a_count_the_first_whole_number_picks_the_form() -> None:
    """Stored signals carry their params as text: `days="1"` still reads "1 día"."""
    one = t("signal.domain_young", "es", domain="nova.com", days="1")
    many = t("signal.domain_young", "en", domain="nova.com", days="12")
    assert one == "El dominio nova.com se registró hace solo 1 día."
    assert many == "The domain nova.com was registered only 12 days ago."


def test_spanish_and_english_differ_where_it_matters() -> None:
    assert t("level.scam", "es") != t("level.scam", "en")
    assert t("pay.per.hour", "es-419") == "por hora"


def test_platform_locales_map_to_a_catalog() -> None:
    assert normalize_language("es-ES") == "es"
    assert normalize_language("es_419") == "es"
    assert normalize_language("en-US") == "en"
    assert normalize_language("pt-BR") == "en"
    assert normalize_language(None) == "es"
