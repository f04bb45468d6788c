"""The subscription filter that `/alerts subscribe` and `/alerts preview` read from their slash
options: the same five options, the `keywords` box taking the full chat syntax, and a word
that cannot be read told to the person before anything is deferred.

Apart from `adapters.chat.discord_alerts` (the command group): reading options into a
`Filter` is plain parsing, tested without an interaction.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import discord
from discord import app_commands

from adapters.chat.discord_common import reply_text
from adapters.chat.discord_translator import localized
from bot.errors import FilterSyntaxError
from bot.i18n import t
from bot.models import Filter, RiskLevel
from bot.postings.matching import parse_filter_words, parse_min_pay

FILTER_OPTION_MAX = 300
#: The options that make a filter, in the order of `filter_from_options`.
FILTER_OPTIONS = ("keywords", "exclude", "remote", "min_pay", "max_risk")
FilterOptions = tuple[str | None, str | None, bool | None, str | None, str | None]

RISK_CHOICES = [
    app_commands.Choice(name=localized(f"discord.choice.risk.{level.value}"), value=level.value)
    for level in RiskLevel
]


def filter_from_options(
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
        changes["min_pay"] = parse_min_pay(min_pay)
    if max_risk:
        changes["max_risk"] = RiskLevel(max_risk)
    return dataclasses.replace(base, **changes)


def has_filter_options(options: FilterOptions) -> bool:
    return any(value not in (None, "") for value in options)


async def read_filter(
    interaction: discord.Interaction[Any], language: str, options: FilterOptions
) -> Filter | None:
    """The filter the options describe; None once the person has been told, before any
    deferral, which word could not be read."""
    try:
        return filter_from_options(*options)
    except FilterSyntaxError as error:
        reason = t(f"filter.error.{error.problem}", language)
        await reply_text(
            interaction, "discord.filter_error", language, token=error.token, reason=reason
        )
        return None
