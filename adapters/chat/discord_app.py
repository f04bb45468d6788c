"""The Discord bot: a `discord.Client` with app commands, persistent buttons and alert sending.

Only application commands are used: no prefix commands, no privileged intents (a message
menu receives the message it was used on, content included, without Message Content).
The one intent asked for is `guilds`, so that the bot learns when it is removed from a
server or a channel is deleted and can pause those channels' subscriptions at once.

    client = build_client(settings, services)
    sender = DiscordSender(client)          # adapters.chat.discord_sender, for the drainer
    await client.start(discord_token(settings))
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.http import Route

from adapters.chat.discord_buttons import ActionButton, ShareButton
from adapters.chat.discord_commands import register_commands
from adapters.chat.discord_common import NO_MENTIONS, NotInstalledHere, language_of, reply_text
from adapters.chat.discord_translator import CatalogTranslator
from bot.config import Settings
from bot.errors import ConfigError
from bot.logs import ids as log_ids
from bot.models import ChatRef
from bot.services import Services

log = logging.getLogger("vigia.discord")

#: Longest rate-limit wait discord.py may sleep through inside one request (its minimum is
#: 30 s); a longer one is raised as `discord.RateLimited` and handed to the outbox.
MAX_RATELIMIT_WAIT_S = 30.0
#: What the bot needs in a channel: see it, post, post in threads, and show embeds.
PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, embed_links=True
)
#: The `bot` scope alone: Discord grants the application commands with it.
SCOPES = ("bot",)
#: A person's own install asks for the commands alone: no bot user joins anything.
USER_SCOPES = ("applications.commands",)
#: Discord's installation contexts, as the `integration_type` of an authorization link.
GUILD_INSTALL, USER_INSTALL = 0, 1


def invite_url(application_id: int) -> str:
    """The link a server admin opens to add the bot with exactly the permissions it needs."""
    url = discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)
    return f"{url}&integration_type={GUILD_INSTALL}"


def user_install_url(application_id: int) -> str:
    """The link a person opens to add the bot to their own account: `/legit` and the message
    menu then work for them in any server, DM or group DM."""
    url = discord.utils.oauth_url(application_id, scopes=USER_SCOPES)
    return f"{url}&integration_type={USER_INSTALL}"


class VigiaTree(app_commands.CommandTree[Any]):
    """Answers every command failure in the reader's language instead of leaving
    "The application did not respond"."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.MissingPermissions):
            key = "discord.need_manage_channels"
        elif isinstance(error, app_commands.NoPrivateMessage):
            key = "discord.guild_only"
        elif isinstance(error, NotInstalledHere):
            key = "discord.needs_server_install"
        elif isinstance(error, app_commands.CheckFailure):
            key = "discord.not_allowed"
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            channel = interaction.channel_id
            log.error(
                "command %s failed",
                command,
                exc_info=error,
                extra=log_ids(chat=ChatRef("discord", str(channel)) if channel else None),
            )
            key = "discord.error"
        try:
            await reply_text(interaction, key, language_of(interaction))
        except discord.HTTPException:
            log.warning("could not tell the user about a failed command", exc_info=True)


class VigiaClient(discord.AutoShardedClient):
    """Holds the services the commands and buttons call, and the command tree.

    Sharded (discord.py's `AutoShardedClient`): one process runs the shards `shard_ids` of
    `shard_count` (`[workers] discord_shard_ids` / `discord_shard_count`), so several chat
    workers split a bot's servers between them; without them, Discord's recommended number
    of shards all run here."""

    def __init__(
        self,
        services: Services,
        *,
        guild_id: int | None = None,
        sync_commands: bool = True,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
    ) -> None:
        if shard_ids is not None:
            super().__init__(
                intents=discord.Intents(guilds=True),
                allowed_mentions=NO_MENTIONS,
                max_ratelimit_timeout=MAX_RATELIMIT_WAIT_S,
                shard_ids=shard_ids,
                shard_count=shard_count,
            )
        else:
            super().__init__(
                intents=discord.Intents(guilds=True),
                allowed_mentions=NO_MENTIONS,
                max_ratelimit_timeout=MAX_RATELIMIT_WAIT_S,
                shard_count=shard_count,
            )
        self.services = services
        self.tree = VigiaTree(self)
        self._guild = discord.Object(id=guild_id) if guild_id else None
        # Commands are the application's, not a shard's: the worker with shard 0 syncs them.
        self._sync_commands = sync_commands and (shard_ids is None or 0 in shard_ids)
        register_commands(self.tree, guild=self._guild)

    async def setup_hook(self) -> None:
        """After login, before the gateway: buttons, translations, commands, invite link."""
        self.add_dynamic_items(ActionButton, ShareButton)
        await self.tree.set_translator(CatalogTranslator())
        if self._sync_commands:
            # A development server sees changes at once; global commands can take a while.
            synced = await self.tree.sync(guild=self._guild)
            log.info(
                "synced %d command(s) %s",
                len(synced),
                f"to {self._guild.id}" if self._guild else "globally",
            )
        if self.application_id is not None:
            log.info("add the bot to a server with: %s", invite_url(self.application_id))
            log.info("add the bot to your account with: %s", user_install_url(self.application_id))
        if self._guild is not None:
            log.info(
                "commands synced to one server: a person's own install of the bot needs the "
                "global commands (leave discord.guild_id unset)"
            )

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: pause the subscriptions of every channel it had."""
        channels = [*guild.channels, *guild.threads]
        paused = 0
        for channel in channels:
            paused += await self.services.subscriptions.set_paused(
                ChatRef("discord", str(channel.id)), True
            )
        log.warning("removed from server %s: paused %d subscription(s)", guild.id, paused)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        paused = await self.services.subscriptions.set_paused(
            ChatRef("discord", str(channel.id)), True
        )
        if paused:
            log.warning("channel %s deleted: paused %d subscription(s)", channel.id, paused)


def build_client(
    settings: Settings, services: Services, *, sync_commands: bool = True
) -> VigiaClient:
    """A client whose `tree` holds every command, ready for `start(token)` or `login(token)`.

    `settings.discord.api_base` points discord.py's REST calls elsewhere (a test server); it
    is process-wide, as `Route.BASE` is a class attribute of discord.py.
    """
    if settings.discord.api_base:
        Route.BASE = settings.discord.api_base.rstrip("/")
    workers = settings.workers
    return VigiaClient(
        services,
        guild_id=settings.discord.guild_id,
        sync_commands=sync_commands,
        shard_ids=workers.discord_shard_ids,
        shard_count=workers.discord_shard_count,
    )


def discord_token(settings: Settings) -> str:
    """The bot token, which is only ever read from `DISCORD_TOKEN`."""
    token = settings.discord.token
    if token is None or not token.get_secret_value().strip():
        raise ConfigError("discord.token", "set DISCORD_TOKEN to run the Discord bot")
    return token.get_secret_value().strip()
