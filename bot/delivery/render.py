"""Verdicts and alerts as neutral cards that each chat adapter draws in its own way.

A card holds raw text: posting text is hostile, and escaping belongs to the adapter that knows
its markup (Discord markdown, Telegram HTML, a plain terminal). Labels come from the catalogs.
The card model and its buttons are `bot.delivery.cards`; the cards answering a message with
several links are `bot.delivery.message_cards`.
"""

from __future__ import annotations

from bot.delivery.cards import (
    LEVEL_BADGES,
    Action,
    Button,
    Card,
    Field,
    back_buttons,
    button_payload,
)
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

#: Reasons a verdict card shows before "and N more under Why?"; an alert shows fewer.
TOP_REASONS = 3
ALERT_REASONS = 2


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


#: Reasons that explain the level itself rather than add to it: a card always shows them,
#: even when stronger reasons fill its lines ("the wording reads like ordinary postings, so
#: these reasons alone make caution, not scam").
LEVEL_REASONS = frozenset({"model.doubt"})


def shown_reasons(reasons: tuple[Signal, ...], count: int) -> tuple[Signal, ...]:
    """The `count` strongest reasons, with a reason that explains the level in place of the
    weakest of them when it would be left out."""
    shown = reasons[:count]
    explaining = [reason for reason in reasons[count:] if reason.id in LEVEL_REASONS]
    if explaining and count > 0:
        shown = (*shown[: max(0, count - len(explaining))], *explaining[:count])
    return shown


def weighted_reason_lines(reasons: tuple[Signal, ...], language: str) -> list[str]:
    """Every reason with its weight, one a line ("+25 · …"), as "Why?" lists them; a verdict
    without any says so."""
    return [f"{signal.weight:+g} · {reason_line(signal, language)}" for signal in reasons] or [
        t("verdict.no_signals", language)
    ]


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
        shown = shown_reasons(verdict.reasons, reasons)
        lines = [f"• {reason_line(s, language)}" for s in shown]
        hidden = len(verdict.reasons) - len(shown)
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


def breakdown_card(verdict: Verdict, check_id: int, language: str, *, subject: str) -> Card:
    """Every reason with its weight: what "Why?" shows."""
    lines = weighted_reason_lines(verdict.reasons, language)
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
        buttons=back_buttons(check_id, language),
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
