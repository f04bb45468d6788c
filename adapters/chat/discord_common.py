"""What every Discord handler needs: the services behind the client, the reader's language,
and replies that can never ping anyone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

import discord
from discord import app_commands

from adapters.chat.discord_render import CONTENT_MAX, fit
from bot.i18n import normalize_language, t

if TYPE_CHECKING:
    from bot.services import Services

#: Passed on every send, on top of the client's default, so no code path can forget it.
NO_MENTIONS = discord.AllowedMentions.none()
#: The most one parameter of a reply may take, leaving room for the catalog text around it.
PARAM_MAX = CONTENT_MAX // 2


class HasServices(Protocol):
    services: Services


def services_of(interaction: discord.Interaction[Any]) -> Services:
    """The core services of the client that received the interaction."""
    return cast(HasServices, interaction.client).services


class NotInstalledHere(app_commands.CheckFailure):
    """A server command used through a person's own install, in a server that never added
    the bot."""


def installed_here(interaction: discord.Interaction[Any]) -> bool:
    """Whether a server added the bot where this interaction happened.

    False in DMs and group DMs, and in a server that never added the bot, where a person used
    their own install of it: the bot cannot post there on its own, and no one there chose it.
    """
    return interaction.is_guild_integration()


def language_of(interaction: discord.Interaction[Any]) -> str:
    """The catalog language for the person who triggered the interaction (`es-419` → `es`)."""
    return normalize_language(interaction.locale.value)


async def reply_text(
    interaction: discord.Interaction[Any], key: str, language: str, /, **params: object
) -> None:
    """An ephemeral, translated line: as the answer, or as a follow-up once deferred.

    The parameters may hold what a person typed, so they are escaped like posting text, and
    cut so that no reply passes the 2000 characters of a message (no catalog line carries
    more than one long parameter).
    """
    safe = {  # a number stays one: it picks the plural form and is grouped by language
        name: value if isinstance(value, int) else fit(str(value), PARAM_MAX)
        for name, value in params.items()
    }
    content = discord.utils.escape_mentions(t(key, language, **safe))
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(
            content, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
