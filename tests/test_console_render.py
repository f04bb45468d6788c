"""The console chat: a card printed as its subscription's language writes figures and days."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from adapters.chat.console import ConsoleSender
from bot.models import ChatRef, Pay, PayPeriod, RiskLevel, Verdict
from tests.chat_helpers import chat_alert


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("es", ("Pago: 1.500–2.500 EUR al mes", "Publicada: 14 ene 2025")),
        ("en", ("Pay: 1,500–2,500 EUR per month", "Posted: Jan 14, 2025")),
    ],
)
async def test_the_console_prints_pay_and_day_in_the_subscription_s_language(
    language: str, lines: tuple[str, ...]
) -> None:
    out = io.StringIO()
    alert = chat_alert(
        ChatRef("console", "console"),
        Verdict(risk=5, level=RiskLevel.OK),
        pay=Pay(1500, 2500, "EUR", PayPeriod.MONTH),
        posted_at=datetime(2025, 1, 14, 23, 0, tzinfo=UTC),
        language=language,
    )
    await ConsoleSender(out).send(alert)
    printed = out.getvalue()
    for line in lines:
        assert line in printed
