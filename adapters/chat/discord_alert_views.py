"""What `/alerts list` and `/alerts preview` show: a subscription as one entry of the list,
the list cut at whole entries to fit an embed, and a posting as its alert would look.

Apart from `adapters.chat.discord_alerts` (the command group): drawing is pure, and its
limits (Discord's embed sizes) are its own concern.
"""

from __future__ import annotations

from adapters.chat.discord_render import (
    DESCRIPTION_MAX,
    ELLIPSIS,
    FIELD_VALUE_MAX,
    fit,
    text_length,
)
from bot.delivery.cards import Card
from bot.delivery.render import ALERT_REASONS, describe_filter, posting_fields, verdict_fields
from bot.i18n import t
from bot.models import Subscription
from bot.services import PreviewItem


def subscription_line(subscription: Subscription, reader: str, pace: str = "") -> str:
    """One subscription for `/alerts list`, in the reader's language; its own alert language
    is shown by name, and how its alerts come (`pace`) under its filter."""
    alert_language = t(f"discord.choice.language.{subscription.language}", reader)
    state = f" · {t('discord.alerts.paused_mark', reader)}" if subscription.paused else ""
    description = fit(describe_filter(subscription.filter, reader), FIELD_VALUE_MAX)
    line = f"**#{subscription.id}** · {alert_language}{state}\n{description}"
    return f"{line}\n⏰ {fit(pace, FIELD_VALUE_MAX)}" if pace else line


def list_description(lines: list[str]) -> str:
    """As many whole subscriptions as an embed description holds, then an ellipsis: a cut
    inside one would leave half an escape or half a filter."""
    kept: list[str] = []
    used = 0
    room = DESCRIPTION_MAX - text_length("\n\n" + ELLIPSIS)
    for line in lines:
        cost = text_length(line) + (2 if kept else 0)
        if used + cost > room:
            kept.append(ELLIPSIS)
            break
        kept.append(line)
        used += cost
    return "\n\n".join(kept)


def preview_card(item: PreviewItem, language: str) -> Card:
    """A posting as its alert would show it, without buttons: no check stands behind it."""
    fields = posting_fields(item.posting, language) + verdict_fields(
        item.verdict, language, reasons=ALERT_REASONS
    )
    return Card(
        title=item.posting.title,
        url=item.posting.url,
        level=item.verdict.level,
        fields=tuple(fields),
        footer=t("alert.footer", language, source=item.posting.source),
    )
