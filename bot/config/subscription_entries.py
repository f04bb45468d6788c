"""The `[[subscriptions]]` entries a config file declares: the chat, its filter and how its
alerts are delivered, each checked the way the bot will use it (a chat reference, a delivery
mode, an IANA time zone, an RE2 regex), so a bad one stops the start naming its key.

Apart from `bot.config.sections` because its checks lean on the matching and digest code,
not on plain value ranges.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.config.sections import Section
from bot.delivery.digest_schedule import DeliveryMode, canonical_timezone
from bot.errors import DeliverySyntaxError, FilterSyntaxError, UnknownTimezone
from bot.i18n import t
from bot.models import ChatRef, RiskLevel
from bot.postings.matching import MAX_REGEX_CHARS, compile_regex

#: What a refused subscription regex is told, by `FilterSyntaxError.problem`.
REGEX_PROBLEMS = {
    "regex_invalid": "not a regular expression RE2 accepts (no backreferences or lookaround)",
    "regex_too_long": f"longer than {MAX_REGEX_CHARS} characters",
}


class SubscriptionSettings(Section):
    chat: str
    language: Literal["es", "en"] = "es"
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: str | None = None
    remote_only: bool = False
    locations: tuple[str, ...] = ()
    min_pay: float | None = Field(None, ge=0)
    min_pay_period: Literal["hour", "day", "week", "month", "year"] = "hour"
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    max_risk: RiskLevel = RiskLevel.CAUTION
    #: "instant", "daily HH:MM" or "weekly DAY HH:MM", in the chat's `timezone`.
    delivery: str = "instant"
    #: The chat's IANA time zone for digests (default UTC); one per chat.
    timezone: str | None = None

    @field_validator("chat")
    @classmethod
    def _chat(cls, value: str) -> str:
        ChatRef.parse(value)
        return value

    @field_validator("delivery")
    @classmethod
    def _delivery(cls, value: str) -> str:
        try:
            return str(DeliveryMode.parse(value))
        except DeliverySyntaxError as error:
            problem = t(f"delivery.error.{error.problem}", "en", token=error.token)
            raise ValueError(f"{problem} (instant, daily HH:MM or weekly DAY HH:MM)") from None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return canonical_timezone(value)
        except UnknownTimezone:
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name: Europe/Madrid, UTC)"
            ) from None

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        """Compiled now, as matching will: a pattern RE2 refuses (a backreference, a
        lookaround, a syntax error, over the length cap) stops the start with its key
        instead of failing every poll."""
        if value is not None:
            try:
                compile_regex(value)
            except FilterSyntaxError as error:
                raise ValueError(REGEX_PROBLEMS.get(error.problem, error.problem)) from None
        return value
