"""A neutral `Card` as plain text, for a terminal: the CLI `check` and the console chat.

Lays out the badge and title, the subject, the link, one line per field (multi-line values
indented under their label), the footer. A terminal has no markup to escape, but it obeys
control characters: posting text could move the cursor, rewrite earlier lines or recolour the
screen with ANSI escapes, so every control character but the newline is shown as `\\xNN`.
Buttons have no meaning in a terminal unless the caller asks for a hint of them.
"""

from __future__ import annotations

import re

from bot.delivery.render import LEVEL_BADGES, Card

INDENT = "  "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """Control and bidi-override characters made visible instead of obeyed."""
    return _CONTROL.sub(lambda match: match.group(0).encode("unicode_escape").decode(), text)


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
