"""A neutral `Card` as plain text, for a terminal: the CLI `check` and the console chat.

Lays out the badge and title, the subject, the link, one line per field (multi-line values
indented under their label), the footer. A terminal has no markup to escape, but it obeys
control characters: posting text could move the cursor, rewrite earlier lines or recolour the
screen with ANSI escapes, so every control character but the newline is shown as `\\xNN`.
Buttons have no meaning in a terminal unless the caller asks for a hint of them.
"""

from __future__ import annotations

from bot.delivery.cards import LEVEL_BADGES, Card
from bot.terminal import inert

__all__ = ["INDENT", "card_to_text", "inert"]

INDENT = "  "


def card_to_text(card: Card, *, with_buttons: bool = False) -> str:
    lines: list[str] = []
    badge = LEVEL_BADGES[card.level] if card.level else ""
    lines.append(f"{badge} {card.title}".strip())
    if card.description:
        lines.append(card.description)
    if card.url and card.url != card.description:
        lines.append(card.url)
    if card.fields:
        lines.append("")
        for field in card.fields:
            value_lines = field.value.splitlines() or [""]
            if len(value_lines) == 1:
                lines.append(f"{field.label}: {value_lines[0]}")
            else:
                lines.append(f"{field.label}:")
                lines.extend(f"{INDENT}{line}" for line in value_lines)
    if card.footer:
        lines.append("")
        lines.append(card.footer)
    if with_buttons and card.buttons:
        lines.append("")
        lines.append(" ".join(f"[{button.label}]" for button in card.buttons))
    return inert("\n".join(lines))
