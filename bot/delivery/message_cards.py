"""The answer to a message with several links (or links and telling text): each part judged on
its own, one card with every part's level and strongest reasons, its "Why?" card with every
reason of every part, and the message's overall verdict.

Apart from `bot.delivery.render` because a message check has its own shape (parts, an
overall verdict made from theirs) that a single posting's card never needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.delivery.cards import Card, Field, back_buttons
from bot.delivery.render import (
    action_buttons,
    reason_line,
    risk_badge,
    shown_reasons,
    verdict_title,
    weighted_reason_lines,
)
from bot.i18n import t
from bot.models import Signal, Verdict


@dataclass(frozen=True, slots=True)
class CheckedPart:
    """One part of a message checked on its own: one of its links, or its text (`url` None).
    `note` is the translated "the page could not be read" line, "" when it was read."""

    url: str | None
    verdict: Verdict
    note: str = ""


#: Reasons each part of a message card shows; "Why?" shows them all.
PART_REASONS = 2


def _part_label(part: CheckedPart, language: str) -> str:
    return part.url or t("check.part.text", language)


def message_card(
    overall: Verdict,
    parts: tuple[CheckedPart, ...],
    check_id: int,
    language: str,
    *,
    subject: str,
) -> Card:
    """The answer to a message with several links: one card, the overall verdict on top and
    one field per part (each link, and the text when it says more than its links) with that
    part's own level and strongest reasons."""
    fields: list[Field] = []
    for part in parts:
        lines = [risk_badge(part.verdict, language)]
        if part.verdict.verified_employer:
            lines.append(f"✅ {part.verdict.verified_employer}")
        shown = shown_reasons(part.verdict.reasons, PART_REASONS)
        lines += [f"• {reason_line(s, language)}" for s in shown]
        if part.note:
            lines.append(part.note)
        fields.append(Field(_part_label(part, language), "\n".join(lines)))
    return Card(
        title=verdict_title(overall, language),
        url=None,
        level=overall.level,
        description=subject,
        fields=tuple(fields),
        footer=t("check.parts_footer", language, count=len(parts)),
        buttons=action_buttons(check_id, None, language),
    )


def message_breakdown_card(
    overall: Verdict,
    parts: tuple[CheckedPart, ...],
    check_id: int,
    language: str,
    *,
    subject: str,
) -> Card:
    """ "Why?" for a message with several links: every reason of every part, with its weight."""
    sections: list[str] = [subject]
    for number, part in enumerate(parts, start=1):
        head = f"[{number}] {_part_label(part, language)} · {risk_badge(part.verdict, language)}"
        lines = weighted_reason_lines(part.verdict.reasons, language)
        sections.append("\n".join([head, *lines]))
    return Card(
        title=t("verdict.breakdown_title", language),
        url=None,
        level=overall.level,
        description="\n\n".join(sections),
        fields=(Field(t("field.risk", language), risk_badge(overall, language)),),
        footer=t("verdict.breakdown_footer", language),
        buttons=back_buttons(check_id, language),
    )


def overall_verdict(verdicts: list[Verdict]) -> Verdict:
    """The verdict of a whole message from its parts': the worst level and the highest risk,
    every distinct reason (heaviest first), and no employer mark, since one verified link
    does not vouch for the others. Unscored only when no part could be judged."""
    scored = [v for v in verdicts if v.scored]
    if not scored:
        return Verdict.unscored()
    worst = max(verdicts, key=lambda v: (v.level.rank, v.risk))
    seen: set[tuple[str, str]] = set()
    reasons: list[Signal] = []
    for signal in sorted((s for v in scored for s in v.reasons), key=lambda s: -s.weight):
        if (signal.id, signal.evidence) not in seen:
            seen.add((signal.id, signal.evidence))
            reasons.append(signal)
    script = next((v.matched_script for v in verdicts if v.matched_script), None)
    return Verdict(
        risk=max(v.risk for v in scored),
        level=worst.level,
        reasons=tuple(reasons),
        matched_script=script,
    )
