"""`/legit`, the "Is this legit?" message menu and `/sources`: thin calls into `bot.services`.

Every handler defers first when it has work to do (Discord forgets an interaction not
answered within 3 s), then answers with cards drawn by `discord_render`. `/alerts` lives in
`discord_alerts`.

These three commands can be installed by a person as well as by a server (`allowed_installs`),
and work in servers, in DMs with the bot and in other DMs and group DMs (`allowed_contexts`):
a "recruiter" who writes to someone in a server Vigia was never added to can be checked on
the spot. Where the person brought the bot themselves, the answer is private unless they
share it (`/legit private:false`, or the *Share here* button under a private answer).
"""

from __future__ import annotations

from typing import Any, TypeVar

import discord
from discord import app_commands

from adapters.chat.discord_alerts import AlertsGroup
from adapters.chat.discord_buttons import card_view, or_missing
from adapters.chat.discord_common import (
    NO_MENTIONS,
    installed_here,
    language_of,
    reply_text,
    services_of,
)
from adapters.chat.discord_render import card_to_embed, sources_embed
from adapters.chat.discord_translator import localized, localized_options
from bot.i18n import t
from bot.models import ChatRef
from bot.services import LegitResult
from bot.services.ratelimit import TooManyRequests

_T = TypeVar("_T")

MAX_MESSAGE_LINKS = 5
URL_OPTION_MAX = 2000
TEXT_OPTION_MAX = 4000


def anywhere(command: _T) -> _T:
    """Installable by a server and by a person; usable in servers, in the bot's DMs and in
    other DMs and group DMs. Discord enforces both; they are sent with the command."""
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)


# -- "is this legit?" --------------------------------------------------------------------------


@app_commands.command(
    name=localized("discord.cmd.legit.name"), description=localized("discord.cmd.legit.description")
)
@anywhere
@localized_options("url", "text", "private")
async def legit(
    interaction: discord.Interaction[Any],
    url: app_commands.Range[str, 1, URL_OPTION_MAX] | None = None,
    text: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    private: bool | None = None,
) -> None:
    """`/legit`: a verdict on one link and/or one pasted offer.

    Unless `private` says otherwise, the answer is public in a server that added the bot
    (as it always was) and private wherever else a person uses their own install of it."""
    language = language_of(interaction)
    url = url.strip() if url else None
    text = text.strip() if text else None
    if not url and not text:
        await reply_text(interaction, "discord.legit.need_input", language)
        return
    if private is None:
        private = not installed_here(interaction)
    await interaction.response.defer(ephemeral=private, thinking=True)
    try:
        result = await services_of(interaction).checks.legit(
            url=url,
            text=text,
            language=language,
            requester=requester_of(interaction),
            chat=chat_of(interaction),
        )
    except TooManyRequests as exc:
        await reply_text(interaction, exc.message_key, language, **exc.params)
        return
    await _send_result(interaction, result, ephemeral=private)


async def check_message(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    """The "Is this legit?" message menu: the message's text and each of its links (up to
    5), answered with one card."""
    language = language_of(interaction)
    text = message_text(message)
    if not text.strip():
        await reply_text(interaction, "discord.legit.empty_message", language)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        result = await services_of(interaction).checks.legit_message(
            text,
            language=language,
            max_links=MAX_MESSAGE_LINKS,
            requester=requester_of(interaction),
            chat=chat_of(interaction),
        )
    except TooManyRequests as exc:
        await reply_text(interaction, exc.message_key, language, **exc.params)
        return
    await _send_result(interaction, result, ephemeral=True)


def chat_of(interaction: discord.Interaction[Any]) -> ChatRef | None:
    """The channel a check was asked in, for the log's `chat` field."""
    return ChatRef("discord", str(interaction.channel_id)) if interaction.channel_id else None


def requester_of(interaction: discord.Interaction[Any]) -> str:
    """Whom a check counts against, for the per-person limit."""
    return f"discord:{interaction.user.id}"


def message_text(message: discord.Message) -> str:
    """What a person sees in a message: its content and the text and links of its embeds
    (job boards and other bots often post offers as embeds)."""
    parts = [message.content]
    for embed in message.embeds:
        parts.extend(part for part in (embed.title, embed.description, embed.url) if part)
    return "\n".join(part for part in parts if part)


async def _send_result(
    interaction: discord.Interaction[Any], result: LegitResult, *, ephemeral: bool
) -> None:
    await interaction.followup.send(
        embed=card_to_embed(result.card),
        view=or_missing(card_view(result.card, share_label=share_label(interaction, ephemeral))),
        ephemeral=ephemeral,
        allowed_mentions=NO_MENTIONS,
    )


def share_label(interaction: discord.Interaction[Any], ephemeral: bool) -> str | None:
    """The label of "Share here" under a private answer; None for a public one."""
    return t("discord.button.share", language_of(interaction)) if ephemeral else None


legit_menu = anywhere(
    app_commands.ContextMenu(name=localized("discord.menu.legit.name"), callback=check_message)
)


# -- /sources ----------------------------------------------------------------------------------


@app_commands.command(
    name=localized("discord.cmd.sources.name"),
    description=localized("discord.cmd.sources.description"),
)
@anywhere
async def sources(interaction: discord.Interaction[Any]) -> None:
    """`/sources`: whether each job source is being read, and when it was last."""
    language = language_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    health = await services_of(interaction).sources.health()
    if not health:
        await reply_text(interaction, "discord.sources.none", language)
        return
    await interaction.followup.send(
        embed=sources_embed(health, language), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


def register_commands(
    tree: app_commands.CommandTree[Any], *, guild: discord.abc.Snowflake | None
) -> None:
    """Put every command in the tree, globally or (for development) in one server."""
    tree.add_command(legit, guild=guild)
    tree.add_command(legit_menu, guild=guild)
    tree.add_command(AlertsGroup(), guild=guild)
    tree.add_command(sources, guild=guild)
