"""`/alerts ...`: a channel's subscriptions, changed only by members who can Manage Channels.

The permission is asked twice over: as the group's default member permission, which hides
`/alerts` from everyone else, and as a check at run time on every subcommand that changes
something, because a server admin can override the default. Answers are ephemeral.

`/alerts` belongs to servers that added the bot: it is installed with the server only
(`allowed_installs`) and offered in server channels only (`allowed_contexts`), and every use
is checked again at run time, since a person's own install of the bot in a server that never
added it could not post alerts there.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.chat.discord_alert_views import list_description, preview_card, subscription_line
from adapters.chat.discord_common import (
    NO_MENTIONS,
    NotInstalledHere,
    installed_here,
    language_of,
    reply_text,
    services_of,
)
from adapters.chat.discord_filter_options import (
    FILTER_OPTION_MAX,
    FILTER_OPTIONS,
    RISK_CHOICES,
    FilterOptions,
    has_filter_options,
    read_filter,
)
from adapters.chat.discord_pace import (
    DAY_CHOICES,
    MODE_CHOICES,
    ZONE_OPTION_MAX,
    read_mode,
    show_or_set_timezone,
    tell_bad_mode,
    zone_autocomplete,
)
from adapters.chat.discord_render import (
    EMBED_TOTAL_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    card_to_embed,
    fit,
)
from adapters.chat.discord_translator import localized, localized_options
from bot.delivery.digest_schedule import DeliveryMode
from bot.delivery.render import describe_filter
from bot.errors import DeliverySyntaxError
from bot.i18n import normalize_language, t
from bot.models import ChatRef, Filter

PREVIEW_LIMIT = 3

_LANGUAGE_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.language.{code}"), value=code)
    for code in ("es", "en")
]


def _channel_chat(interaction: discord.Interaction[Any]) -> ChatRef:
    return ChatRef("discord", str(interaction.channel_id))


async def default_alert_language(interaction: discord.Interaction[Any]) -> str:
    """The language of a new subscription that names none: the one the channel chose before,
    else the server's preferred locale, else the locale of the person subscribing."""
    remembered = await services_of(interaction).subscriptions.chat_language(
        _channel_chat(interaction)
    )
    if remembered:
        return normalize_language(remembered)
    locale = interaction.guild_locale or interaction.locale
    return normalize_language(locale.value)


class AlertsGroup(app_commands.Group):
    """`/alerts ...`: a channel's subscriptions."""

    def __init__(self) -> None:
        super().__init__(
            name=localized("discord.cmd.alerts.name"),
            description=localized("discord.cmd.alerts.description"),
            guild_only=True,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
            default_permissions=discord.Permissions(manage_channels=True),
        )

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only in a server channel, and only in a server that added the bot."""
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not installed_here(interaction):
            raise NotInstalledHere()
        return True

    @app_commands.command(
        name=localized("discord.cmd.subscribe.name"),
        description=localized("discord.cmd.subscribe.description"),
    )
    @localized_options(*FILTER_OPTIONS, "language", "delivery")
    @app_commands.choices(max_risk=RISK_CHOICES, language=_LANGUAGE_CHOICES)
    @app_commands.checks.has_permissions(manage_channels=True)
    async def subscribe(
        self,
        interaction: discord.Interaction[Any],
        keywords: app_commands.Range[str, 1, FILTER_OPTION_MAX] | None = None,
        exclude: app_commands.Range[str, 1, FILTER_OPTION_MAX] | None = None,
        remote: bool | None = None,
        min_pay: app_commands.Range[str, 1, 20] | None = None,
        max_risk: str | None = None,
        language: str | None = None,
        delivery: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        reader = language_of(interaction)
        flt = await read_filter(interaction, reader, (keywords, exclude, remote, min_pay, max_risk))
        if flt is None:
            return
        try:
            mode = DeliveryMode.parse(delivery) if delivery else DeliveryMode()
        except DeliverySyntaxError as error:
            await tell_bad_mode(interaction, error, reader)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        alert_language = language or await default_alert_language(interaction)
        subscription = await services_of(interaction).subscriptions.subscribe(
            _channel_chat(interaction), flt, language=alert_language, delivery=mode
        )
        await reply_text(
            interaction,
            "discord.alerts.subscribed",
            reader,
            id=subscription.id,
            filter=describe_filter(flt, reader),
            language=t(f"discord.choice.language.{alert_language}", reader),
            delivery=mode.describe(reader),
        )

    @app_commands.command(
        name=localized("discord.cmd.delivery.name"),
        description=localized("discord.cmd.delivery.description"),
    )
    @localized_options("mode", "time", "day", "subscription")
    @app_commands.choices(mode=MODE_CHOICES, day=DAY_CHOICES)
    @app_commands.checks.has_permissions(manage_channels=True)
    async def delivery(
        self,
        interaction: discord.Interaction[Any],
        mode: str,
        time: app_commands.Range[str, 1, 8] | None = None,
        day: str | None = None,
        subscription: int | None = None,
    ) -> None:
        """Each alert at once, or a daily or weekly digest at a time in the channel's zone."""
        language = language_of(interaction)
        chosen, error = read_mode(mode, time, day)
        if error is not None or chosen is None:
            await tell_bad_mode(interaction, error or DeliverySyntaxError(mode, "kind"), language)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        subscriptions = services_of(interaction).subscriptions
        chat = _channel_chat(interaction)
        count = await subscriptions.set_delivery(chat, chosen, subscription)
        if not count:
            key = "delivery.none" if subscription is not None else "discord.alerts.none"
            await reply_text(interaction, key, language)
            return
        await reply_text(
            interaction,
            "delivery.set",
            language,
            count=count,
            mode=chosen.describe(language),
            timezone=await subscriptions.timezone(chat),
        )

    @app_commands.command(
        name=localized("discord.cmd.timezone.name"),
        description=localized("discord.cmd.timezone.description"),
    )
    @localized_options("zone")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def timezone(
        self,
        interaction: discord.Interaction[Any],
        zone: app_commands.Range[str, 1, ZONE_OPTION_MAX] | None = None,
    ) -> None:
        """The channel's time zone for digests; changing it needs Manage Channels."""
        language = language_of(interaction)
        if zone is not None and not interaction.permissions.manage_channels:
            raise app_commands.MissingPermissions(["manage_channels"])
        await interaction.response.defer(ephemeral=True, thinking=True)
        await show_or_set_timezone(interaction, zone, language)

    @app_commands.command(
        name=localized("discord.cmd.list.name"),
        description=localized("discord.cmd.list.description"),
    )
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        language = language_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        subscriptions = await services_of(interaction).subscriptions.of_chat(
            _channel_chat(interaction)
        )
        if not subscriptions:
            await reply_text(interaction, "discord.alerts.none", language)
            return
        service = services_of(interaction).subscriptions
        zone = await service.timezone(_channel_chat(interaction))
        lines = [
            subscription_line(s, language, service.pace(s, zone, language)) for s in subscriptions
        ]
        embed = discord.Embed(
            title=fit(t("discord.alerts.list_title", language), TITLE_MAX),
            description=list_description(lines),
        )
        now = service.local_now(zone, language)
        footer = t("timezone.current", language, timezone=zone, now=now)
        embed.set_footer(text=fit(footer, FOOTER_MAX, markdown=False))
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(
        name=localized("discord.cmd.unsubscribe.name"),
        description=localized("discord.cmd.unsubscribe.description"),
    )
    @localized_options("subscription")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def unsubscribe(
        self, interaction: discord.Interaction[Any], subscription: int | None = None
    ) -> None:
        language = language_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        removed = await services_of(interaction).subscriptions.unsubscribe(
            _channel_chat(interaction), subscription
        )
        await reply_text(interaction, "discord.alerts.unsubscribed", language, count=removed)

    @app_commands.command(
        name=localized("discord.cmd.pause.name"),
        description=localized("discord.cmd.pause.description"),
    )
    @app_commands.checks.has_permissions(manage_channels=True)
    async def pause(self, interaction: discord.Interaction[Any]) -> None:
        await self._set_paused(interaction, True)

    @app_commands.command(
        name=localized("discord.cmd.resume.name"),
        description=localized("discord.cmd.resume.description"),
    )
    @app_commands.checks.has_permissions(manage_channels=True)
    async def resume(self, interaction: discord.Interaction[Any]) -> None:
        await self._set_paused(interaction, False)

    async def _set_paused(self, interaction: discord.Interaction[Any], paused: bool) -> None:
        language = language_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        changed = await services_of(interaction).subscriptions.set_paused(
            _channel_chat(interaction), paused
        )
        key = "discord.alerts.paused" if paused else "discord.alerts.resumed"
        await reply_text(interaction, key, language, count=changed)

    @app_commands.command(
        name=localized("discord.cmd.preview.name"),
        description=localized("discord.cmd.preview.description"),
    )
    @localized_options(
        "subscription",
        *FILTER_OPTIONS,
        descriptions={"subscription": "discord.opt.preview_subscription.description"},
    )
    @app_commands.choices(max_risk=RISK_CHOICES)
    async def preview(
        self,
        interaction: discord.Interaction[Any],
        subscription: int | None = None,
        keywords: app_commands.Range[str, 1, FILTER_OPTION_MAX] | None = None,
        exclude: app_commands.Range[str, 1, FILTER_OPTION_MAX] | None = None,
        remote: bool | None = None,
        min_pay: app_commands.Range[str, 1, 20] | None = None,
        max_risk: str | None = None,
    ) -> None:
        """The last postings a filter would have sent: the options given, else a subscription
        of this channel (the one named, or the newest)."""
        language = language_of(interaction)
        options: FilterOptions = (keywords, exclude, remote, min_pay, max_risk)
        flt: Filter | None = None
        if has_filter_options(options):
            flt = await read_filter(interaction, language, options)
            if flt is None:
                return
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = services_of(interaction)
        if flt is None:
            chosen = [
                s
                for s in await services.subscriptions.of_chat(_channel_chat(interaction))
                if subscription is None or s.id == subscription
            ]
            if not chosen:
                await reply_text(interaction, "discord.alerts.preview_no_filter", language)
                return
            flt = chosen[-1].filter
        items = await services.subscriptions.preview(flt, limit=PREVIEW_LIMIT)
        if not items:
            await reply_text(
                interaction,
                "discord.alerts.preview_empty",
                language,
                filter=describe_filter(flt, language),
            )
            return
        share = EMBED_TOTAL_MAX // len(items)
        embeds = [card_to_embed(preview_card(item, language), total_max=share) for item in items]
        await interaction.followup.send(
            content=fit(
                t("discord.alerts.preview_intro", language, filter=describe_filter(flt, language)),
                1900,
            ),
            embeds=embeds,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
