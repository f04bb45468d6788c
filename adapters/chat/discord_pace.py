"""`/alerts delivery` and `/alerts timezone`: when a channel's alerts come, and in which zone.

A mode is chosen from discrete options (`mode`, `time`, `day`) rather than typed as one
phrase, so Discord shows the choices in the reader's language; they are read with the same
parser as the config and Telegram (`bot.delivery.digest_schedule.DeliveryMode`), and a value
it cannot read is named back to the person. Time zones are IANA names with autocomplete.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.chat.discord_common import reply_text, services_of
from adapters.chat.discord_translator import localized
from bot.delivery.digest_schedule import WEEKDAYS, DeliveryMode, Kind, suggest_timezones
from bot.errors import DeliverySyntaxError, UnknownTimezone
from bot.i18n import t
from bot.models import ChatRef

MODE_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.mode.{kind.value}"), value=kind.value)
    for kind in Kind
]
DAY_CHOICES = [
    app_commands.Choice(name=localized(f"delivery.weekday.{day}"), value=day) for day in WEEKDAYS
]
#: The longest IANA zone name is 32 characters ("America/Argentina/ComodRivadavia").
ZONE_OPTION_MAX = 64


def channel_chat(interaction: discord.Interaction[Any]) -> ChatRef:
    return ChatRef("discord", str(interaction.channel_id))


def read_mode(
    mode: str | None, time: str | None, day: str | None
) -> tuple[DeliveryMode | None, DeliverySyntaxError | None]:
    """The mode the options describe (None when none was given), or the error naming the
    option that cannot be read."""
    if not mode:
        return None, None
    if mode == "weekly" and not day:
        return None, DeliverySyntaxError(mode, "missing_day")
    if mode != "instant" and not time:
        return None, DeliverySyntaxError(mode, "missing_time")
    words = " ".join(word for word in (mode, day if mode == "weekly" else None, time) if word)
    try:
        return DeliveryMode.parse(words), None
    except DeliverySyntaxError as error:
        return None, error


async def tell_bad_mode(
    interaction: discord.Interaction[Any], error: DeliverySyntaxError, language: str
) -> None:
    reason = t(f"delivery.error.{error.problem}", language, token=error.token)
    await reply_text(interaction, "delivery.bad", language, reason=reason)


async def zone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """IANA zones containing what was typed, shortest first (Discord shows 25)."""
    return [app_commands.Choice(name=name, value=name) for name in suggest_timezones(current)]


async def show_or_set_timezone(
    interaction: discord.Interaction[Any], zone: str | None, language: str
) -> None:
    """`/alerts timezone`: the channel's zone, or a new one (IANA name, validated)."""
    subscriptions = services_of(interaction).subscriptions
    chat = channel_chat(interaction)
    if zone is None:
        current = await subscriptions.timezone(chat)
        now = subscriptions.local_now(current, language)
        await reply_text(interaction, "timezone.current", language, timezone=current, now=now)
        return
    try:
        chosen = await subscriptions.set_timezone(chat, zone)
    except UnknownTimezone as error:
        await reply_text(interaction, error.message_key, language, **error.params)
        return
    now = subscriptions.local_now(chosen, language)
    await reply_text(interaction, "timezone.set", language, timezone=chosen, now=now)
