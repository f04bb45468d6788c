"""Translated text for everything a person reads.

Catalogs are gettext `.po` files under `locales/<lang>/<domain>.po`, read with Babel once per
process. Message ids are stable keys (`alert.pay`), not English sentences, so a change of
wording never orphans a translation; `tests/test_i18n.py` checks that every key exists in
every language with the same `{placeholders}`. Each part of the bot owns one domain file
(`core.po`, `scam.po`, `linkcheck.po`, `discord.po`, `telegram.po`, ...).

A message whose wording depends on a number is a gettext plural entry (`msgid_plural`, one
`msgstr[i]` per form) and each file's `Plural-Forms` header picks the form, as `ngettext`
does: `t("discord.alerts.paused", lang, count=1)` is "Paused 1 subscription.".
"""

from __future__ import annotations

import functools
import gettext
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n.formats import format_count
from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, normalize_language

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "catalog",
    "normalize_language",
    "placeholders",
    "plural_catalog",
    "t",
]

_LOCALES_DIR = Path(__file__).parent / "locales"


@dataclass(frozen=True)
class _Catalog:
    messages: dict[str, str] = field(default_factory=dict)
    #: Plural entries: the forms of each key, in the order of the `Plural-Forms` formula.
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The number of forms and the formula (`n` → form index) of the language's headers.
    num_plurals: int = 2
    plural: Callable[[int], int] = field(default=lambda n: int(n != 1))


@functools.cache
def _load(language: str) -> _Catalog:
    loaded = _Catalog()
    formulas: set[str] = set()
    for po_path in sorted((_LOCALES_DIR / language).glob("*.po")):
        with po_path.open("rb") as po_file:
            po = read_po(po_file, locale=language)
        formulas.add(po.plural_forms)
        for message in po:
            if not message.id or not message.string:
                continue
            if isinstance(message.id, str):
                loaded.messages[message.id] = str(message.string)
            elif isinstance(message.string, tuple | list) and all(message.string):
                loaded.plurals[str(message.id[0])] = tuple(str(s) for s in message.string)
    if len(formulas) != 1:
        raise RuntimeError(f"the {language} catalogs disagree on Plural-Forms: {formulas}")
    header = formulas.pop()  # "nplurals=2; plural=(n != 1);"
    parts = dict(part.strip().split("=", 1) for part in header.split(";") if "=" in part)
    return _Catalog(
        messages=loaded.messages,
        plurals=loaded.plurals,
        num_plurals=int(parts["nplurals"]),
        plural=gettext.c2py(parts["plural"]),
    )


def catalog(language: str) -> dict[str, str]:
    """Every message of one language that has a single form, from all its domain files."""
    return _load(language).messages


def plural_catalog(language: str) -> dict[str, tuple[str, ...]]:
    """Every plural message of one language: its forms, as many as the language has."""
    return _load(language).plurals


def plural_forms(language: str) -> tuple[int, Callable[[int], int]]:
    """The number of plural forms of `language` and its formula (a number → form index)."""
    loaded = _load(language)
    return loaded.num_plurals, loaded.plural


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _whole_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)  # a stored signal's params are text: days="12"
    return None


def _number_of(params: dict[str, object]) -> int | None:
    """What picks a plural form: `count`, else the first whole-number param."""
    if "count" in params:
        return _whole_number(params["count"])
    for value in params.values():
        if (number := _whole_number(value)) is not None:
            return number
    return None


def _text(key: str, lang: str, number: int | None) -> str | None:
    loaded = _load(lang)
    forms = loaded.plurals.get(key)
    if forms is None:
        return loaded.messages.get(key)
    index = loaded.plural(abs(number)) if number is not None else 0
    return forms[min(index, len(forms) - 1)]


def t(key: str, language: str, /, **params: object) -> str:
    """The text for `key` in `language`, filled with `params`.

    A plural message takes the form, as `ngettext` does, of `count` (else of the first
    whole-number param); a whole `count` shows grouped as the language groups ("1.500").
    A missing key falls back to the other language and then to the key itself, so a gap in a
    catalog shows up as a visible key rather than an exception in the middle of a send.
    """
    lang = normalize_language(language)
    number = _number_of(params) if params else None
    text = _text(key, lang, number) or _text(key, "en", number) or key
    count = params.get("count")
    if isinstance(count, int) and not isinstance(count, bool):
        params["count"] = format_count(count, lang)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
