"""The slash commands and the message menu, each a thin call into `bot.services`.

Every handler defers first when it has work to do (Discord forgets an interaction not
answered within 3 s), then answers with cards drawn by `discord_render`. Subscription
changes need Manage Channels twice over: as the group's default member permission, which
hides `/alerts` from others, and as a check at run time, because server admins can override
the default.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from adapters.chat.discord_buttons import card_view
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
from bot.models import ChatRef, Filter, RiskLevel
from bot.render import Card, describe_filter, posting_fields, verdict_fields
from bot.services import LegitResult, PreviewItem, SourceHealth

_log = logging.getLogger(__name__)

MAX_MESSAGE_LINKS = 5
PREVIEW_LIMIT = 3
URL_OPTION_MAX = 2000
TEXT_OPTION_MAX = 4000
FILTER_OPTION_MAX = 300

_RISK_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.risk.{level.value}"), value=level.value)
    for level in RiskLevel
]
_LANGUAGE_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.language.{code}"), value=code)
    for code in ("es", "en")
]


# -- "is this legit?" --------------------------------------------------------------------------


@app_commands.command(
    name=localized("discord.cmd.legit.name"), description=localized("discord.cmd.legit.description")
)
@app_commands.rename(
    url=localized("discord.opt.url.name"),
    text=localized("discord.opt.text.name"),
    private=localized("discord.opt.private.name"),
)
@app_commands.describe(
    url=localized("discord.opt.url.description"),
    text=localized("discord.opt.text.description"),
    private=localized("discord.opt.private.description"),
)
async def legit(
    interaction: discord.Interaction[Any],
    url: app_commands.Range[str, 1, URL_OPTION_MAX] | None = None,
    text: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    private: bool = False,
) -> None:
    """`/legit`: a verdict on one link and/or one pasted offer."""
    language = language_of(interaction)
    url = url.strip() if url else None
    text = text.strip() if text else None
    if not url and not text:
        await reply_text(interaction, "discord.legit.need_input", language)
        return
    await interaction.response.defer(ephemeral=private, thinking=True)
    result = await services_of(interaction).legit(url=url, text=text, language=language)
    await _send_result(interaction, result, ephemeral=private)


async def check_message(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    """The "Is this legit?" message menu: the message's text, then each of its links."""
    language = language_of(interaction)
    text = message_text(message)
    if not text.strip():
        await reply_text(interaction, "discord.legit.empty_message", language)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    results = await services_of(interaction).legit_message(
        text, language=language, max_links=MAX_MESSAGE_LINKS
    )
    if not results:
        await reply_text(interaction, "discord.legit.empty_message", language)
        return
    for result in results:  # one message each: every card keeps its own buttons
        await _send_result(interaction, result, ephemeral=True)


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
    view = card_view(result.card)
    await interaction.followup.send(
        embed=card_to_embed(result.card),
        view=view if view is not None else discord.utils.MISSING,
        ephemeral=ephemeral,
        allowed_mentions=NO_MENTIONS,
    )


legit_menu = app_commands.ContextMenu(
    name=localized("discord.menu.legit.name"), callback=check_message
)


# -- /alerts -----------------------------------------------------------------------------------


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


def _subscription_line(subscription_id: int, flt: Filter, language: str, paused: bool) -> str:
    state = t("discord.alerts.paused_mark", language) if paused else ""
    description = escape_text(describe_filter(flt, language))
    return f"**#{subscription_id}** · `{language}` {state}\n{description}".rstrip()


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
        lines = [_subscription_line(s.id, s.filter, s.language, s.paused) for s in subscriptions]
        card_text = "\n\n".join(lines)
        embed = discord.Embed(
            title=fit(t("discord.alerts.list_title", language), 256),
            description=card_text if len(card_text) <= 4000 else card_text[:3999] + "…",
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


# -- /sources ----------------------------------------------------------------------------------


@app_commands.command(
    name=localized("discord.cmd.sources.name"),
    description=localized("discord.cmd.sources.description"),
)
async def sources(interaction: discord.Interaction[Any]) -> None:
    """`/sources`: whether each job source is being read, and when it was last."""
    language = language_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    health = await services_of(interaction).sources()
    if not health:
        await reply_text(interaction, "discord.sources.none", language)
        return
    await interaction.followup.send(
        embed=sources_embed(health, language), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


def _badge(source: SourceHealth) -> str:
    if source.last_poll is None:
        return "⚪"
    if source.consecutive_failures == 0:
        return "🟢"
    return "🟠" if source.consecutive_failures < 3 else "🔴"


def _when(iso: str | None, language: str) -> str:
    """A Discord timestamp, which each reader's client shows in their own zone and language."""
    if not iso:
        return t("discord.sources.never", language)
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return escape_text(iso)
    return discord.utils.format_dt(moment, style="R")


def sources_embed(health: list[SourceHealth], language: str) -> discord.Embed:
    embed = discord.Embed(title=t("discord.sources.title", language))
    for source in health[:25]:
        status = escape_text(source.last_status or "-")
        value = t(
            "discord.sources.line",
            language,
            last=_when(source.last_poll, language),
            status=fit(status, 300, markdown=False),
            failures=source.consecutive_failures,
            next=_when(source.next_poll, language),
            seen=source.postings_seen,
        )
        embed.add_field(
            name=fit(f"{_badge(source)} {source.name}", 256), value=value[:1024], inline=False
        )
    if len(health) > 25:
        embed.set_footer(text=t("discord.sources.more", language, count=len(health) - 25))
    return embed


def register_commands(
    tree: app_commands.CommandTree[Any], *, guild: discord.abc.Snowflake | None
) -> None:
    """Put every command in the tree, globally or (for development) in one server."""
    tree.add_command(legit, guild=guild)
    tree.add_command(legit_menu, guild=guild)
    tree.add_command(AlertsGroup(), guild=guild)
    tree.add_command(sources, guild=guild)
