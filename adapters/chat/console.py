"""The console chat: alerts printed to a terminal, for a bot with no platform token."""

from __future__ import annotations

from typing import TextIO

from bot.delivery.outcomes import Delivered, SendOutcome
from bot.delivery.render import alert_card
from bot.delivery.render_text import card_to_text
from bot.models import Alert


class ConsoleSender:
    """Prints each alert as a plain-text card. Control characters in posting text are shown
    escaped by `card_to_text`, so a posting cannot move the cursor or recolour the terminal."""

    platform = "console"

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    async def send(self, alert: Alert) -> SendOutcome:
        self._stream.write(card_to_text(alert_card(alert)) + "\n\n")
        self._stream.flush()
        return Delivered(message_id=f"console:{alert.id}")
