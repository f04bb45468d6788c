"""Command names, descriptions, options and choices in the reader's language.

Each string of the command tree is a `locale_str` whose default is the English catalog text
and whose `key` extra names the catalog entry. discord.py asks the translator for every
locale when the tree is synced, and Discord shows each person the names of their client's
language: `/alertas suscribir` in es-ES and es-419, `/alerts subscribe` elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import discord
from discord import app_commands

from bot.i18n import catalog, t

#: Discord locales that get a translation, and the catalog language each one reads.
LOCALE_LANGUAGES: dict[discord.Locale, str] = {
    discord.Locale.spain_spanish: "es",
    discord.Locale.latin_american_spanish: "es",
    discord.Locale.american_english: "en",
    discord.Locale.british_english: "en",
}


def localized(key: str) -> app_commands.locale_str:
    """A command string: English by default, translated through `key`."""
    return app_commands.locale_str(t(key, "en"), key=key)


_Command = TypeVar("_Command")


def localized_options(
    *names: str, descriptions: Mapping[str, str] | None = None
) -> Callable[[_Command], _Command]:
    """Rename and describe a command's options from the catalog, where option `x` reads
    `discord.opt.x.name` and `discord.opt.x.description`: one list of names per command
    instead of two hand-kept lists of keys. `descriptions` gives an option another
    description key, for an option that means something different in one command."""
    other = descriptions or {}
    renames = {name: localized(f"discord.opt.{name}.name") for name in names}
    described = {
        name: localized(other.get(name, f"discord.opt.{name}.description")) for name in names
    }

    def decorate(command: _Command) -> _Command:
        return app_commands.rename(**renames)(app_commands.describe(**described)(command))

    return decorate


class CatalogTranslator(app_commands.Translator):
    """Reads the `discord.po` catalogs. A locale or key without text gets None, which tells
    discord.py to leave that locale out rather than show a raw key."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        language = LOCALE_LANGUAGES.get(locale)
        if not isinstance(key, str) or language is None:
            return None
        return catalog(language).get(key)
