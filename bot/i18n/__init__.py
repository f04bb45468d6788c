"""Translated text for everything a person reads.

Catalogs are gettext `.po` files under `locales/<lang>/<domain>.po`, read with Babel once per
process. Message ids are stable keys (`alert.pay`), not English sentences, so a change of
wording never orphans a translation; `tests/test_i18n.py` checks that every key exists in
every language with the same `{placeholders}`. Each part of the bot owns one domain file
(`core.po`, `scam.po`, `linkcheck.po`, `discord.po`, `telegram.po`).
"""

from __future__ import annotations

import functools
import string
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("es", "en")
DEFAULT_LANGUAGE = "es"
_LOCALES_DIR = Path(__file__).parent / "locales"


def normalize_language(code: str | None) -> str:
    """Map a platform locale (`es-419`, `en_US`, `es-ES`) to a catalog language."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """Every message of one language, from all its domain files."""
    messages: dict[str, str] = {}
    for po_path in sorted((_LOCALES_DIR / language).glob("*.po")):
        with po_path.open("rb") as po_file:
            for message in read_po(po_file, locale=language):
                if message.id and isinstance(message.id, str) and message.string:
                    messages[message.id] = str(message.string)
    return messages


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, language: str, /, **params: object) -> str:
    """The text for `key` in `language`, filled with `params`.

    A missing key falls back to the other language and then to the key itself, so a gap in a
    catalog shows up as a visible key rather than an exception in the middle of a send.
    """
    lang = normalize_language(language)
    text = catalog(lang).get(key) or catalog("en").get(key) or key
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
