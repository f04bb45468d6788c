"""`/alerts ...`: a channel's subscriptions, changed only by members who can Manage Channels.

The permission is asked twice over: as the group's default member permission, which hides
`/alerts` from everyone else, and as a check at run time on every subcommand that changes
something, because a server admin can override the default. Answers are ephemeral.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import discord
from discord import app_commands

from adapters.chat.discord_common import (
    NO_MENTIONS,
    chat_language,
    language_of,
    reply_text,
    services_of,
)
from adapters.chat.discord_render import EMBED_TOTAL_MAX, card_to_embed, escape_text, fit
from adapters.chat.discord_translator import localized
from bot.i18n import t
from bot.matching import FilterSyntaxError, parse_filter_words, parse_pay
from bot.models import ChatRef, Filter, RiskLevel, Subscription
from bot.render import Card, describe_filter, posting_fields, verdict_fields
from bot.services import PreviewItem

PREVIEW_LIMIT = 3
FILTER_OPTION_MAX = 300
LIST_DESCRIPTION_MAX = 4000

_RISK_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.risk.{level.value}"), value=level.value)
    for level in RiskLevel
]
_LANGUAGE_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.language.{code}"), value=code)
    for code in ("es", "en")
]


def _channel_chat(interaction: discord.Interaction[Any]) -> ChatRef:
    return ChatRef("discord", str(interaction.channel_id))


def filter_from_options(
    *,
    keywords: str | None = None,
    exclude: str | None = None,
    remote: bool | None = None,
    min_pay: str | None = None,
    max_risk: str | None = None,
) -> Filter:
    """A filter from the discrete options. `keywords` takes the full chat syntax
    (`"ai trainer" rlhf -crypto minpay:20/h`), so one box can say everything; the other
    options add to it. Raises FilterSyntaxError naming the word it could not read."""
    base = parse_filter_words(keywords or "")
    excluded = parse_filter_words(exclude).keywords if exclude else ()
    changes: dict[str, Any] = {"exclude": base.exclude + excluded}
    if remote is not None:
        changes["remote_only"] = remote
    if min_pay:
        changes["min_pay"] = parse_pay(min_pay)
    if max_risk:
        changes["max_risk"] = RiskLevel(max_risk)
    return dataclasses.replace(base, **changes)


def _has_filter_options(*values: object) -> bool:
    return any(value not in (None, "") for value in values)


async def _filter_error(
    interaction: discord.Interaction[Any], error: FilterSyntaxError, language: str
) -> None:
    reason = t(f"filter.error.{error.problem}", language)
    await reply_text(
        interaction, "discord.filter_error", language, token=error.token, reason=reason
    )


def _subscription_line(subscription: Subscription, reader: str) -> str:
    """One subscription for `/alerts list`, in the reader's language; its own alert language
    is shown by name."""
    alert_language = t(f"discord.choice.language.{subscription.language}", reader)
    state = f" · {t('discord.alerts.paused_mark', reader)}" if subscription.paused else ""
    description = escape_text(describe_filter(subscription.filter, reader))
    return f"**#{subscription.id}** · {alert_language}{state}\n{description}"


class AlertsGroup(app_commands.Group):
    """`/alerts ...`: a channel's subscriptions."""

    def __init__(self) -> None:
        super().__init__(
            name=localized("discord.cmd.alerts.name"),
            description=localized("discord.cmd.alerts.description"),
            guild_only=True,
            default_permissions=discord.Permissions(manage_channels=True),
        )

    @app_commands.command(
        name=localized("discord.cmd.subscribe.name"),
        description=localized("discord.cmd.subscribe.description"),
    )
    @app_commands.rename(
        keywords=localized("discord.opt.keywords.name"),
        exclude=localized("discord.opt.exclude.name"),
        remote=localized("discord.opt.remote.name"),
        min_pay=localized("discord.opt.min_pay.name"),
        max_risk=localized("discord.opt.max_risk.name"),
        language=localized("discord.opt.language.name"),
    )
    @app_commands.describe(
        keywords=localized("discord.opt.keywords.description"),
        exclude=localized("discord.opt.exclude.description"),
        remote=localized("discord.opt.remote.description"),
        min_pay=localized("discord.opt.min_pay.description"),
        max_risk=localized("discord.opt.max_risk.description"),
        language=localized("discord.opt.language.description"),
    )
    @app_commands.choices(max_risk=_RISK_CHOICES, language=_LANGUAGE_CHOICES)
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
    ) -> None:
        reader = language_of(interaction)
        try:
            flt = filter_from_options(
                keywords=keywords,
                exclude=exclude,
                remote=remote,
                min_pay=min_pay,
                max_risk=max_risk,
            )
        except FilterSyntaxError as error:
            await _filter_error(interaction, error, reader)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        alert_language = language or chat_language(interaction)
        subscription = await services_of(interaction).subscribe(
            _channel_chat(interaction), flt, language=alert_language
        )
        await reply_text(
            interaction,
            "discord.alerts.subscribed",
            reader,
            id=subscription.id,
            filter=describe_filter(flt, reader),
            language=t(f"discord.choice.language.{alert_language}", reader),
        )

    @app_commands.command(
        name=localized("discord.cmd.list.name"),
        description=localized("discord.cmd.list.description"),
    )
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        language = language_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        subscriptions = await services_of(interaction).subscriptions(_channel_chat(interaction))
        if not subscriptions:
            await reply_text(interaction, "discord.alerts.none", language)
            return
        lines = [_subscription_line(s, language) for s in subscriptions]
        card_text = "\n\n".join(lines)
        embed = discord.Embed(
            title=fit(t("discord.alerts.list_title", language), 256),
            description=(
                card_text
                if len(card_text) <= LIST_DESCRIPTION_MAX
                else card_text[: LIST_DESCRIPTION_MAX - 1] + "…"
            ),
        )
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(
        name=localized("discord.cmd.unsubscribe.name"),
        description=localized("discord.cmd.unsubscribe.description"),
    )
    @app_commands.rename(subscription=localized("discord.opt.subscription.name"))
    @app_commands.describe(subscription=localized("discord.opt.subscription.description"))
    @app_commands.checks.has_permissions(manage_channels=True)
    async def unsubscribe(
        self, interaction: discord.Interaction[Any], subscription: int | None = None
    ) -> None:
        language = language_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        removed = await services_of(interaction).unsubscribe(
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
        changed = await services_of(interaction).set_paused(_channel_chat(interaction), paused)
        key = "discord.alerts.paused" if paused else "discord.alerts.resumed"
        await reply_text(interaction, key, language, count=changed)

    @app_commands.command(
        name=localized("discord.cmd.preview.name"),
        description=localized("discord.cmd.preview.description"),
    )
    @app_commands.rename(
        subscription=localized("discord.opt.subscription.name"),
        keywords=localized("discord.opt.keywords.name"),
        exclude=localized("discord.opt.exclude.name"),
        remote=localized("discord.opt.remote.name"),
        min_pay=localized("discord.opt.min_pay.name"),
        max_risk=localized("discord.opt.max_risk.name"),
    )
    @app_commands.describe(
        subscription=localized("discord.opt.preview_subscription.description"),
        keywords=localized("discord.opt.keywords.description"),
        exclude=localized("discord.opt.exclude.description"),
        remote=localized("discord.opt.remote.description"),
        min_pay=localized("discord.opt.min_pay.description"),
        max_risk=localized("discord.opt.max_risk.description"),
    )
    @app_commands.choices(max_risk=_RISK_CHOICES)
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
        try:
            typed = _has_filter_options(keywords, exclude, remote, min_pay, max_risk)
            flt = (
                filter_from_options(
                    keywords=keywords,
                    exclude=exclude,
                    remote=remote,
                    min_pay=min_pay,
                    max_risk=max_risk,
                )
                if typed
                else None
            )
        except FilterSyntaxError as error:
            await _filter_error(interaction, error, language)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = services_of(interaction)
        if flt is None:
            chosen = [
                s
                for s in await services.subscriptions(_channel_chat(interaction))
                if subscription is None or s.id == subscription
            ]
            if not chosen:
                await reply_text(interaction, "discord.alerts.preview_no_filter", language)
                return
            flt = chosen[-1].filter
        items = await services.preview(flt, limit=PREVIEW_LIMIT)
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


def preview_card(item: PreviewItem, language: str) -> Card:
    """A posting as its alert would show it, without buttons: no check stands behind it."""
    fields = posting_fields(item.posting, language) + verdict_fields(
        item.verdict, language, reasons=1
    )
    return Card(
        title=item.posting.title,
        url=item.posting.url,
        level=item.verdict.level,
        fields=tuple(fields),
        footer=t("alert.footer", language, source=item.posting.source),
    )
