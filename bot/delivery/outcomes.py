"""What a chat sender reports back for one alert, and the contract senders implement.

Chat adapters turn every platform error into one of these outcomes, so the outbox drainer
needs no knowledge of Discord or Telegram to decide what happens next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.models import AlertEdit, ChatRef, Deliverable


@dataclass(frozen=True, slots=True)
class Delivered:
    message_id: str


@dataclass(frozen=True, slots=True)
class RateLimited:
    """The platform asked us to wait; the row is retried after `retry_after_s`, not counted.
    `everywhere`: the wait holds for every send on the platform (a global limit), not only
    for this chat; None when the platform does not say (Telegram): the pacer tells which
    from what it sent (`bot.delivery.pacing.Pacer.scope_of`)."""

    retry_after_s: float
    everywhere: bool | None = True


@dataclass(frozen=True, slots=True)
class ChatGone:
    """The bot was removed or forbidden: pause the chat's subscriptions, keep the rows."""

    reason: str


@dataclass(frozen=True, slots=True)
class ChatMoved:
    """The chat has a new id (a Telegram group became a supergroup); retarget and retry."""

    new_chat: ChatRef


@dataclass(frozen=True, slots=True)
class Transient:
    """A network error or a 5xx: retried with backoff."""

    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """The platform refuses this message itself, not the chat (a payload it will never accept,
    even in the adapter's plainest form): the row is marked failed with the reason, kept for
    inspection, and the chat's later alerts go on instead of queueing behind it forever."""

    reason: str


SendOutcome = Delivered | RateLimited | ChatGone | ChatMoved | Transient | Rejected


class Sender(Protocol):
    """Sends alerts to one platform. `platform` matches `ChatRef.platform`."""

    platform: str

    async def send(self, alert: Deliverable) -> SendOutcome:
        """Send one alert, or one page of a digest (`DigestAlert`)."""
        ...


#: Platforms whose messages the bot can edit after sending: a job seen in another place
#: after its alert went out is added to the alert there (`bot.store.edits`). A terminal
#: cannot take back what it printed, so the console gets nothing.
EDITABLE_PLATFORMS: tuple[str, ...] = ("discord", "telegram")


@runtime_checkable
class Editor(Protocol):
    """A sender that can also draw a sent alert again (`EDITABLE_PLATFORMS`)."""

    platform: str

    async def edit(self, edit: AlertEdit) -> SendOutcome:
        """Replace the sent message with the alert as it is now. `Delivered` when the
        message shows it (unchanged counts), `Rejected` when it never can (the message was
        deleted, the bot may not edit it), `RateLimited` or `Transient` to try later."""
        ...
