"""Verdicts and alerts as neutral cards that each chat adapter draws in its own way.

A card holds raw text: posting text is hostile, and escaping belongs to the adapter that knows
its markup (Discord markdown, Telegram HTML, a plain terminal). Labels come from the catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import t
from bot.i18n.formats import format_amount, format_day
from bot.models import (
    Alert,
    Filter,
    Pay,
    PayPeriod,
    Posting,
    RiskLevel,
    Sighting,
    Signal,
    Verdict,
)
from bot.postings.normalize import names_remote

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
#: Reasons a verdict card shows before "and N more under Why?"; an alert shows fewer.
TOP_REASONS = 3
ALERT_REASONS = 2


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


def format_pay(pay: Pay, language: str) -> str:
    """ "15,5 USD por hora", "1.500–2.500 EUR al mes" / "15.5 USD per hour"."""
    low = format_amount(pay.min_amount, language)
    figures = (
        low
        if pay.min_amount == pay.max_amount
        else f"{low}–{format_amount(pay.max_amount, language)}"
    )
    currency = f" {pay.currency}" if pay.currency else ""
    period = t(f"pay.per.{PayPeriod(pay.period).value}", language)
    return f"{figures}{currency} {period}"


def reason_line(signal: Signal, language: str) -> str:
    explanation = t(signal.message_key, language, **signal.params)
    return f"{explanation} — “{signal.evidence}”" if signal.evidence else explanation


def risk_badge(verdict: Verdict, language: str) -> str:
    if not verdict.scored:
        return f"⚪ {t('level.unscored', language)}"
    level = t(f"level.{verdict.level.value}", language)
    return f"{LEVEL_BADGES[verdict.level]} {level} ({verdict.risk}/100)"


def verdict_title(verdict: Verdict, language: str) -> str:
    key = verdict.level.value if verdict.scored else "unscored"
    return t(f"verdict.title.{key}", language)


def action_buttons(check_id: int, url: str | None, language: str) -> tuple[Button, ...]:
    buttons: list[Button] = []
    if url:
        buttons.append(Button(Action.OPEN, t("button.open", language), url=url))
    for action in (Action.WHY, Action.REPORT, Action.FINE):
        buttons.append(
            Button(
                action,
                t(f"button.{action.value}", language),
                payload=button_payload(action, check_id),
            )
        )
    return tuple(buttons)


def posting_fields(posting: Posting, language: str) -> list[Field]:
    fields: list[Field] = []
    if posting.company:
        fields.append(Field(t("field.company", language), posting.company))
    location = posting.location
    remote = t("field.remote", language)
    # "Remote" from the board and "Remoto" from the catalog are one place, said once.
    if (
        posting.remote
        and not names_remote(location)
        and remote.casefold() not in location.casefold()
    ):
        location = f"{location} · {remote}" if location else remote
    if location:
        fields.append(Field(t("field.location", language), location))
    if posting.pay:
        fields.append(Field(t("field.pay", language), format_pay(posting.pay, language)))
    if posting.posted_at:
        fields.append(Field(t("field.posted", language), format_day(posting.posted_at, language)))
    return fields


def verdict_fields(verdict: Verdict, language: str, *, reasons: int = TOP_REASONS) -> list[Field]:
    fields = [Field(t("field.risk", language), risk_badge(verdict, language))]
    if verdict.verified_employer:
        fields.append(Field(t("field.verified", language), f"✅ {verdict.verified_employer}"))
    if not verdict.scored:
        fields.append(Field(t("field.reasons", language), t("verdict.unscored", language)))
    elif verdict.reasons:
        lines = [f"• {reason_line(s, language)}" for s in verdict.reasons[:reasons]]
        hidden = len(verdict.reasons) - reasons
        if hidden > 0:  # strongest first; the rest are one tap away, under "Why?"
            lines.append(t("verdict.more_reasons", language, count=hidden))
        fields.append(Field(t("field.reasons", language), "\n".join(lines)))
    elif verdict.level is RiskLevel.OK:
        fields.append(Field(t("field.reasons", language), t("verdict.no_signals", language)))
    if verdict.matched_script:
        fields.append(Field(t("field.script", language), verdict.matched_script))
    return fields


#: Boards whose terms ask for credit and a link back on every posting shown: by source kind,
#: and by the host of a posting's link (a source the store no longer knows).
CREDITED_KINDS: dict[str, str] = {"remotive": "Remotive", "remoteok": "Remote OK"}
CREDITED_HOSTS: dict[str, str] = {
    "remotive.com": "Remotive",
    "remotive.io": "Remotive",
    "remoteok.com": "Remote OK",
    "remoteok.io": "Remote OK",
}
#: Places an alert lists before "and N more".
MAX_SIGHTINGS_SHOWN = 8


def credited_board(sighting: Sighting) -> str | None:
    """The board a sighting must credit ("Remotive", "Remote OK"), or None."""
    if sighting.kind in CREDITED_KINDS:
        return CREDITED_KINDS[sighting.kind]
    host = sighting.url.partition("://")[2].partition("/")[0].partition(":")[0].lower()
    return CREDITED_HOSTS.get(host.removeprefix("www."))


def sighting_fields(sightings: tuple[Sighting, ...], language: str) -> list[Field]:
    """Where the job was seen: one line a place, a credited board as "via Remotive" with its
    link back. A job seen in one place credits it alone (its source is in the footer)."""
    if len(sightings) == 1:
        board = credited_board(sightings[0])
        if board is None:
            return []
        return [Field(t("alert.via", language, board=board), sightings[0].url)]
    lines = []
    for sighting in sightings[:MAX_SIGHTINGS_SHOWN]:
        board = credited_board(sighting)
        label = t("alert.via", language, board=board) if board else sighting.source
        lines.append(f"• {label}: {sighting.url}")
    hidden = len(sightings) - MAX_SIGHTINGS_SHOWN
    if hidden > 0:
        lines.append(t("alert.more_places", language, count=hidden))
    return [Field(t("field.seen", language, count=len(sightings)), "\n".join(lines))]


def alert_card(alert: Alert) -> Card:
    """The message a subscription gets for a new job: the posting, its verdict, and every
    place the job was seen."""
    language = alert.subscription.language
    posting = alert.posting
    sightings = alert.sightings or (Sighting(posting.source, posting.url),)
    # A language filter lets a posting of unknown language through: the card says why.
    unknown_language = (
        [Field(t("field.language", language), t("alert.language_unknown", language))]
        if alert.subscription.filter.languages and posting.language is None
        else []
    )
    return Card(
        title=posting.title,
        url=posting.url,
        level=alert.verdict.level,
        fields=tuple(
            posting_fields(posting, language)
            + unknown_language
            + verdict_fields(alert.verdict, language, reasons=ALERT_REASONS)
            + sighting_fields(sightings, language)
        ),
        footer=t("alert.footer", language, source=posting.source),
        buttons=action_buttons(alert.check_id, posting.url, language),
    )


def verdict_card(
    verdict: Verdict,
    check_id: int,
    language: str,
    *,
    subject: str,
    url: str | None,
    note: str = "",
    posting: Posting | None = None,
) -> Card:
    """The answer to "is this legit?": the level, the top reasons, and what could not be read."""
    fields = posting_fields(posting, language) if posting else []
    return Card(
        title=verdict_title(verdict, language),
        url=url,
        level=verdict.level,
        description=subject,
        fields=tuple(fields + verdict_fields(verdict, language)),
        footer=note,
        buttons=action_buttons(check_id, url, language),
    )


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
        lines += [f"• {reason_line(s, language)}" for s in part.verdict.reasons[:PART_REASONS]]
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
        lines = [
            f"{signal.weight:+g} · {reason_line(signal, language)}"
            for signal in part.verdict.reasons
        ] or [t("verdict.no_signals", language)]
        sections.append("\n".join([head, *lines]))
    return Card(
        title=t("verdict.breakdown_title", language),
        url=None,
        level=overall.level,
        description="\n\n".join(sections),
        fields=(Field(t("field.risk", language), risk_badge(overall, language)),),
        footer=t("verdict.breakdown_footer", language),
        buttons=(
            Button(
                Action.BACK,
                t("button.back", language),
                payload=button_payload(Action.BACK, check_id),
            ),
        ),
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


def breakdown_card(verdict: Verdict, check_id: int, language: str, *, subject: str) -> Card:
    """Every reason with its weight: what "Why?" shows."""
    lines = [
        f"{signal.weight:+g} · {reason_line(signal, language)}" for signal in verdict.reasons
    ] or [t("verdict.no_signals", language)]
    fields = [Field(t("field.risk", language), risk_badge(verdict, language))]
    if verdict.verified_employer:
        fields.append(Field(t("field.verified", language), f"✅ {verdict.verified_employer}"))
    if verdict.matched_script:
        fields.append(Field(t("field.script", language), verdict.matched_script))
    return Card(
        title=t("verdict.breakdown_title", language),
        url=None,
        level=verdict.level,
        description=subject + "\n\n" + "\n".join(lines),
        fields=tuple(fields),
        footer=t("verdict.breakdown_footer", language),
        buttons=(
            Button(
                Action.BACK,
                t("button.back", language),
                payload=button_payload(Action.BACK, check_id),
            ),
        ),
    )


def describe_filter(flt: Filter, language: str) -> str:
    """A filter in words, for `/alerts list`, `/filters` and confirmations."""
    parts: list[str] = []
    if flt.keywords:
        parts.append(t("filter.keywords", language, words=", ".join(flt.keywords)))
    if flt.exclude:
        parts.append(t("filter.exclude", language, words=", ".join(flt.exclude)))
    if flt.regex:
        parts.append(t("filter.regex", language, pattern=flt.regex))
    if flt.remote_only:
        parts.append(t("filter.remote", language))
    if flt.locations:
        parts.append(t("filter.locations", language, places=", ".join(flt.locations)))
    if flt.min_pay:
        parts.append(t("filter.min_pay", language, pay=format_pay(flt.min_pay, language)))
    if flt.languages:
        parts.append(t("filter.languages", language, languages=", ".join(flt.languages)))
    if flt.sources:
        parts.append(t("filter.sources", language, sources=", ".join(flt.sources)))
    parts.append(t("filter.max_risk", language, level=t(f"level.{flt.max_risk.value}", language)))
    return "; ".join(parts)
