"""The card buttons: "Open", "Why?", "Report as scam", "Looks fine", "Back", "Share here".

Buttons are `discord.ui.DynamicItem`s whose custom id is the neutral payload of
`bot.delivery.cards` (`vigia:<action>:<check id>`). Every piece of state lives in that id and
in the store, so a press on a message sent before a restart is understood by the new process, and
no view is kept in memory per message sent.

"Share here" (`vigia:share:<check id>`) is Discord's own: it sits under a private answer and
posts the same card for everyone in the channel, which is how a person who checked a message
privately chooses to warn the others.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from adapters.chat.discord_common import (
    NO_MENTIONS,
    installed_here,
    language_of,
    reply_text,
    services_of,
)
from adapters.chat.discord_render import BUTTON_LABEL_MAX, card_to_embed, plain_text, safe_url
from bot.delivery.cards import Action, Button, Card, button_payload, parse_payload
from bot.errors import UnknownCheck
from bot.i18n import t
from bot.logs import ids as log_ids
from bot.models import ChatRef
from bot.services import ReportKind

log = logging.getLogger("vigia.discord")

_DISPATCHED = tuple(action for action in Action if action is not Action.OPEN)
TEMPLATE = re.compile(
    r"vigia:(?P<action>" + "|".join(a.value for a in _DISPATCHED) + r"):(?P<check_id>[0-9]{1,18})\Z"
)
_STYLES: dict[Action, discord.ButtonStyle] = {
    Action.WHY: discord.ButtonStyle.secondary,
    Action.BACK: discord.ButtonStyle.secondary,
    Action.REPORT: discord.ButtonStyle.danger,
    Action.FINE: discord.ButtonStyle.success,
}
_REPORT_KINDS = {Action.REPORT: ReportKind.SCAM, Action.FINE: ReportKind.FINE}
SHARE_TEMPLATE = re.compile(r"vigia:share:(?P<check_id>[0-9]{1,18})\Z")


def _label(text: str) -> str:
    label = plain_text(text)
    return label if len(label) <= BUTTON_LABEL_MAX else label[: BUTTON_LABEL_MAX - 1] + "…"


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """A card button that acts on a stored check, whichever process sent the message."""

    def __init__(self, action: Action, check_id: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=_label(label or action.value),
                style=_STYLES[action],
                custom_id=button_payload(action, check_id),
            )
        )
        self.action = action
        self.check_id = check_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        label = getattr(item, "label", None) or ""
        return cls(Action(match["action"]), int(match["check_id"]), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            if self.action is Action.BACK:
                await show_card(interaction, self.check_id)
            elif self.action is Action.WHY:
                await show_breakdown(interaction, self.check_id)
            else:
                await record_report(interaction, self.check_id, _REPORT_KINDS[self.action])
        except Exception:  # a press must get an answer, whatever broke behind it
            log.exception(
                "button %s failed",
                self.custom_id,
                extra=log_ids(check=self.check_id, chat=_chat(interaction)),
            )
            await _tell_failure(interaction)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SHARE_TEMPLATE):
    """Under a private answer: post the card for everyone in the channel."""

    def __init__(self, check_id: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=_label(label or "share"),
                style=discord.ButtonStyle.primary,
                custom_id=f"vigia:share:{check_id}",
            )
        )
        self.check_id = check_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ShareButton:
        return cls(int(match["check_id"]), getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await share_card(interaction, self.check_id)
        except Exception:  # a press must get an answer, whatever broke behind it
            log.exception(
                "button %s failed",
                self.custom_id,
                extra=log_ids(check=self.check_id, chat=_chat(interaction)),
            )
            await _tell_failure(interaction)


def _chat(interaction: discord.Interaction[Any]) -> ChatRef | None:
    return ChatRef("discord", str(interaction.channel_id)) if interaction.channel_id else None


def card_view(card: Card, *, share_label: str | None = None) -> discord.ui.View | None:
    """A view holding the card's buttons, or None when it has none; a `share_label` adds
    "Share here" under that label (for a card only its asker sees).

    The view has no timeout and only dynamic or link items, which is what makes it persistent.
    """
    view = discord.ui.View(timeout=None)
    for button in card.buttons:
        item = _item(button)
        if item is not None:
            view.add_item(item)
    check_id = _check_id(card)
    if share_label is not None and check_id is not None:
        view.add_item(ShareButton(check_id, share_label))
    return view if view.children else None


def _check_id(card: Card) -> int | None:
    """The stored check behind a card's buttons, if it has any."""
    for button in card.buttons:
        parsed = parse_payload(button.payload or "")
        if parsed is not None:
            return parsed[1]
    return None


def _item(button: Button) -> discord.ui.Item[Any] | None:
    if button.action is Action.OPEN:
        url = safe_url(button.url, max_length=512)
        if url is None:
            return None
        return discord.ui.Button(label=_label(button.label), url=url)
    if button.payload is None or not TEMPLATE.match(button.payload):
        return None
    _, _, check_id = button.payload.rpartition(":")
    return ActionButton(button.action, int(check_id), button.label)


# -- what a press does -------------------------------------------------------------------------


async def show_breakdown(interaction: discord.Interaction[Any], check_id: int) -> None:
    """ "Why?": every reason with its weight, shown only to the person who asked."""
    language = language_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    card = await services_of(interaction).checks.why(check_id, language)
    if card is None:
        await reply_text(interaction, "discord.check_unknown", language)
        return
    await interaction.followup.send(
        embed=card_to_embed(card),
        view=or_missing(card_view(card)),
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )


async def show_card(interaction: discord.Interaction[Any], check_id: int) -> None:
    """ "Back": the breakdown message turns into the short card again, in place."""
    language = language_of(interaction)
    await interaction.response.defer()
    card = await services_of(interaction).checks.card(check_id, language)
    if card is None:
        await reply_text(interaction, "discord.check_unknown", language)
        return
    private = interaction.message is not None and interaction.message.flags.ephemeral
    label = t("discord.button.share", language) if private else None
    await interaction.edit_original_response(
        embed=card_to_embed(card),
        view=card_view(card, share_label=label),
        allowed_mentions=NO_MENTIONS,
    )


async def share_card(interaction: discord.Interaction[Any], check_id: int) -> None:
    """ "Share here": the private answer loses its Share button, and the card is posted for
    everyone in the channel, with its buttons, mentions disabled like every card."""
    language = language_of(interaction)
    card = await services_of(interaction).checks.card(check_id, language)
    if card is None:
        await reply_text(interaction, "discord.check_unknown", language)
        return
    await interaction.response.edit_message(view=card_view(card))
    await interaction.followup.send(
        embed=card_to_embed(card),
        view=or_missing(card_view(card)),
        ephemeral=False,
        allowed_mentions=NO_MENTIONS,
    )


async def record_report(
    interaction: discord.Interaction[Any], check_id: int, kind: ReportKind
) -> None:
    """ "Report as scam" / "Looks fine": one report per person and subject, the last one wins."""
    language = language_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    user = f"discord:{interaction.user.id}"
    # In a server that added the bot, a member who may manage the channel confirms the verdict:
    # the checked text joins the known scam scripts. Direct messages have no such member, and
    # in a server that never added the bot (a person's own install) anyone could make one.
    admin = installed_here(interaction) and interaction.permissions.manage_channels
    try:
        is_new = await services_of(interaction).reports.report(
            check_id, user=user, kind=kind, admin=admin
        )
    except UnknownCheck:
        await reply_text(interaction, "discord.check_unknown", language)
        return
    key = f"discord.report.{kind.value}" if is_new else "discord.report.updated"
    await reply_text(interaction, key, language)


async def _tell_failure(interaction: discord.Interaction[Any]) -> None:
    try:
        await reply_text(interaction, "discord.error", language_of(interaction))
    except discord.HTTPException:
        log.warning("could not tell the user about a failed button", exc_info=True)


def or_missing(view: discord.ui.View | None) -> Any:
    """discord.py wants MISSING, not None, for "no view" on sends and follow-ups."""
    return view if view is not None else discord.utils.MISSING
