"""Telegram errors become delivery outcomes; sends to one chat are spaced a second apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from adapters.chat.telegram_sender import (
    outcome_of,
    payload_refused,
    telegram_chat_id,
)
from bot.delivery.outcomes import ChatGone, ChatMoved, RateLimited, Transient
from bot.models import ChatRef


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_flood_limit_becomes_rate_limited_with_telegrams_delay() -> None:
    assert outcome_of(RetryAfter(7)) == RateLimited(7.0, everywhere=None)
    assert outcome_of(RetryAfter(timedelta(seconds=2.5))) == RateLimited(2.5, everywhere=None)


def test_blocked_or_removed_becomes_chat_gone() -> None:
    assert isinstance(outcome_of(Forbidden("Forbidden: bot was blocked by the user")), ChatGone)
    assert isinstance(outcome_of(BadRequest("Bad Request: chat not found")), ChatGone)
    assert isinstance(
        outcome_of(BadRequest("Bad Request: not enough rights to send text messages")), ChatGone
    )


def test_group_upgraded_to_supergroup_becomes_chat_moved_to_the_new_id() -> None:
    assert outcome_of(ChatMigrated(-1001234567890)) == ChatMoved(
        ChatRef("telegram", "-1001234567890")
    )


def test_network_trouble_and_other_refusals_are_retried_not_dropped() -> None:
    assert isinstance(outcome_of(TimedOut()), Transient)
    assert isinstance(outcome_of(NetworkError("connection reset")), Transient)
    assert isinstance(outcome_of(BadRequest("Bad Request: can't parse entities")), Transient)


def test_a_refused_message_is_told_apart_from_a_refused_chat() -> None:
    assert payload_refused(BadRequest("Bad Request: can't parse entities"))
    assert payload_refused(BadRequest("Bad Request: BUTTON_URL_INVALID"))
    assert not payload_refused(BadRequest("Bad Request: chat not found"))
    assert not payload_refused(BadRequest("Bad Request: have no rights to send a message"))


def test_chat_ids_are_numbers_and_channel_names_stay_names() -> None:
    assert telegram_chat_id(ChatRef("telegram", "-100123")) == -100123
    assert telegram_chat_id(ChatRef("telegram", "@vigia_jobs")) == "@vigia_jobs"
