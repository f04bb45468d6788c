"""The neutral card every chat adapter draws (Discord embed, Telegram HTML, plain text), its
fields and buttons, and the button payloads that come back when a button is pressed.

Apart from `bot.delivery.render`, which fills cards: the adapters that only draw a card, or
read a pressed button, need this model and none of the catalogs' wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import t
from bot.models import RiskLevel

LEVEL_COLOURS: dict[RiskLevel, int] = {
    RiskLevel.OK: 0x2E7D32,  # green
    RiskLevel.CAUTION: 0xF9A825,  # amber
    RiskLevel.SCAM: 0xC62828,  # red
}
LEVEL_BADGES: dict[RiskLevel, str] = {
    RiskLevel.OK: "🟢",
    RiskLevel.CAUTION: "🟠",
    RiskLevel.SCAM: "🔴",
}


class Action(StrEnum):
    """What a button does. Payloads are `vigia:<action>:<check id>`, stable across restarts."""

    OPEN = "open"
    WHY = "why"
    BACK = "back"
    REPORT = "report"
    FINE = "fine"


@dataclass(frozen=True, slots=True)
class Button:
    action: Action
    label: str
    url: str | None = None  # for OPEN
    payload: str | None = None  # for the others; at most 64 bytes (Telegram's limit)


def button_payload(action: Action, check_id: int) -> str:
    return f"vigia:{action.value}:{check_id}"


def parse_payload(payload: str) -> tuple[Action, int] | None:
    """The action and check id of a button payload, or None for anything else."""
    prefix, _, rest = payload.partition(":")
    action_text, _, check_text = rest.partition(":")
    if prefix != "vigia" or not check_text.isdigit():
        return None
    try:
        return Action(action_text), int(check_text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    url: str | None
    level: RiskLevel | None
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""
    buttons: tuple[Button, ...] = ()

    @property
    def colour(self) -> int:
        return LEVEL_COLOURS[self.level] if self.level else 0x546E7A


def back_buttons(check_id: int, language: str) -> tuple[Button, ...]:
    """The one button under a "Why?" card: back to the verdict it explains."""
    return (
        Button(
            Action.BACK,
            t("button.back", language),
            payload=button_payload(Action.BACK, check_id),
        ),
    )
