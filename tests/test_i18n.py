"""Every message a person reads exists in Spanish and English, with the same placeholders."""

from __future__ import annotations

from bot.i18n import LANGUAGES, catalog, normalize_language, placeholders, t


def test_every_key_exists_in_every_language_with_the_same_placeholders() -> None:
    keys = {lang: set(catalog(lang)) for lang in LANGUAGES}
    assert keys["es"] == keys["en"], keys["es"] ^ keys["en"]
    for key in keys["en"]:
        assert placeholders(catalog("es")[key]) == placeholders(catalog("en")[key]), key


def test_spanish_and_english_differ_where_it_matters() -> None:
    assert t("level.scam", "es") != t("level.scam", "en")
    assert t("pay.per.hour", "es-419") == "por hora"


def test_platform_locales_map_to_a_catalog() -> None:
    assert normalize_language("es-ES") == "es"
    assert normalize_language("es_419") == "es"
    assert normalize_language("en-US") == "en"
    assert normalize_language("pt-BR") == "en"
    assert normalize_language(None) == "es"
