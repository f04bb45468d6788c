"""The console chat: alerts printed to a terminal, for a bot with no platform token."""

from __future__ import annotations

from typing import TextIO

from bot.delivery.digest_render import digest_to_text
from bot.delivery.outcomes import Delivered, SendOutcome
from bot.delivery.render import alert_card
from bot.delivery.render_text import card_to_text
from bot.models import Deliverable, Digest, DigestAlert


class ConsoleSender:
    """Prints each alert as a plain-text card. Control characters in posting text are shown
    escaped by `card_to_text`, so a posting cannot move the cursor or recolour the terminal."""

    platform = "console"

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def digest_pages(self, digest: Digest, language: str) -> list[int]:
        """A terminal takes a digest of any length in one piece."""
        return [len(digest.entries)]

    async def send(self, alert: Deliverable) -> SendOutcome:
        if isinstance(alert, DigestAlert):
            text = digest_to_text(alert.digest, alert.subscription.language)
        else:
            text = card_to_text(alert_card(alert))
        self._stream.write(text + "\n\n")
        self._stream.flush()
        return Delivered(message_id=f"console:{alert.id}")
