"""When a subscription's alerts go out: at once, or in a digest daily or weekly at a local time.

    DeliveryMode.parse("weekly lunes 8:30")   → weekly mon 08:30
    str(mode)                                 → "weekly mon 08:30"  (what the store keeps)
    mode.latest_slot(zone, now)               → the last digest time at or before `now`
    mode.next_slot(zone, now)                 → the next digest time after `now`

A digest time is a wall-clock time in the chat's IANA time zone (`zoneinfo`), so "daily 08:00"
stays at 08:00 for the readers across daylight-saving changes. A wall time that a change skips
(02:30 on the night clocks go forward) is taken with the offset before the change, which puts
it just after the jump; one that happens twice (the night they go back) is its first instance.

Words are read in English and Spanish (`daily`/`diario`, `mon`/`lunes`), so chat commands and
the config accept both; what is stored and shown back is the canonical English form, drawn in
the reader's language by `describe`.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.errors import DeliverySyntaxError, UnknownTimezone
from bot.i18n import t

__all__ = [
    "DEFAULT_TIMEZONE",
    "DeliveryMode",
    "Kind",
    "canonical_timezone",
    "zone",
]

DEFAULT_TIMEZONE = "UTC"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Kind(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


_KIND_WORDS: dict[str, Kind] = {
    **dict.fromkeys(("instant", "instantly", "now", "immediate", "immediately"), Kind.INSTANT),
    **dict.fromkeys(("instantaneo", "inmediato", "ya", "alinstante"), Kind.INSTANT),
    **dict.fromkeys(("daily", "day", "everyday", "diario", "diaria", "dia"), Kind.DAILY),
    **dict.fromkeys(("weekly", "week", "semanal", "semana"), Kind.WEEKLY),
}
_DAY_WORDS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "lun", "lunes"),
        ("tue", "tues", "tuesday", "mar", "martes"),
        ("wed", "wednesday", "mie", "miercoles"),
        ("thu", "thur", "thurs", "thursday", "jue", "jueves"),
        ("fri", "friday", "vie", "viernes"),
        ("sat", "saturday", "sab", "sabado"),
        ("sun", "sunday", "dom", "domingo"),
    )
):
    _DAY_WORDS.update(dict.fromkeys(_names, _index))
_TIME_RE = re.compile(r"(\d{1,2})(?:[:h.](\d{2}))?h?")


def _fold(word: str) -> str:
    """Lower case, without accents: `Miércoles` → `miercoles`."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _read_time(word: str) -> time:
    match = _TIME_RE.fullmatch(word)
    if match is None:
        raise DeliverySyntaxError(word, "time")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise DeliverySyntaxError(word, "time")
    return time(hour, minute)


@dataclass(frozen=True, slots=True)
class DeliveryMode:
    """`instant`, `daily HH:MM` or `weekly DAY HH:MM` (`weekday` 0 = Monday)."""

    kind: Kind = Kind.INSTANT
    at: time | None = None
    weekday: int | None = None

    @classmethod
    def parse(cls, text: str) -> DeliveryMode:
        """Read a delivery mode in English or Spanish; raises DeliverySyntaxError naming the
        word it could not read (`problem`: kind, time, day, missing_time, missing_day,
        extra)."""
        words = [_fold(word) for word in text.replace(",", " ").split()]
        if words[:2] == ["al", "instante"]:
            words = ["alinstante", *words[2:]]
        if words and words[0] == "cada" and len(words) > 1:  # "cada día", "cada semana"
            words = words[1:]
        if not words:
            raise DeliverySyntaxError(text, "kind")
        kind = _KIND_WORDS.get(words[0])
        if kind is None:
            raise DeliverySyntaxError(words[0], "kind")
        rest = [word for word in words[1:] if word not in {"at", "a", "las", "el", "los"}]
        if kind is Kind.INSTANT:
            if rest:
                raise DeliverySyntaxError(rest[0], "extra")
            return cls()
        weekday = None
        if kind is Kind.WEEKLY:
            if not rest:
                raise DeliverySyntaxError(text, "missing_day")
            weekday = _DAY_WORDS.get(rest[0].rstrip("."))
            if weekday is None:
                raise DeliverySyntaxError(rest[0], "day")
            rest = rest[1:]
        if not rest:
            raise DeliverySyntaxError(text, "missing_time")
        at = _read_time(rest[0])
        if len(rest) > 1:
            raise DeliverySyntaxError(rest[1], "extra")
        return cls(kind, at, weekday)

    @property
    def is_digest(self) -> bool:
        return self.kind is not Kind.INSTANT

    def __str__(self) -> str:
        if self.kind is Kind.INSTANT or self.at is None:
            return Kind.INSTANT.value
        clock = self.at.strftime("%H:%M")
        if self.kind is Kind.DAILY:
            return f"daily {clock}"
        return f"weekly {WEEKDAYS[self.weekday or 0]} {clock}"

    def describe(self, language: str) -> str:
        """The mode in words: "at once", "every day at 08:00", "every Monday at 08:00"."""
        if self.kind is Kind.INSTANT or self.at is None:
            return t("delivery.instant", language)
        clock = self.at.strftime("%H:%M")
        if self.kind is Kind.DAILY:
            return t("delivery.daily", language, time=clock)
        day = t(f"delivery.weekday.{WEEKDAYS[self.weekday or 0]}", language)
        return t("delivery.weekly", language, day=day, time=clock)

    def latest_slot(self, tz: zoneinfo.ZoneInfo, now: datetime) -> datetime | None:
        """The last digest time at or before `now` (aware, UTC); None for `instant`."""
        if not self.is_digest or self.at is None:
            return None
        today = now.astimezone(tz).date()
        for back in range(0, 9):  # today, then earlier days, until a slot is not in the future
            day = today - timedelta(days=back)
            if self._on(day):
                slot = self._at(day, tz)
                if slot <= now:
                    return slot
        raise AssertionError("a weekly slot is at most 8 days back")  # pragma: no cover

    def next_slot(self, tz: zoneinfo.ZoneInfo, now: datetime) -> datetime | None:
        """The next digest time after `now` (aware, UTC); None for `instant`."""
        if not self.is_digest or self.at is None:
            return None
        today = now.astimezone(tz).date()
        for ahead in range(0, 9):
            day = today + timedelta(days=ahead)
            if self._on(day):
                slot = self._at(day, tz)
                if slot > now:
                    return slot
        raise AssertionError("a weekly slot is at most 8 days ahead")  # pragma: no cover

    def _on(self, day: date) -> bool:
        return self.kind is Kind.DAILY or day.weekday() == self.weekday

    def _at(self, day: date, tz: zoneinfo.ZoneInfo) -> datetime:
        assert self.at is not None
        local = datetime.combine(day, self.at, tzinfo=tz)
        return local.astimezone(UTC)


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every IANA zone zoneinfo knows, by its case-folded name."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def canonical_timezone(name: str) -> str:
    """The IANA name as zoneinfo spells it (`europe/madrid` → `Europe/Madrid`); raises
    UnknownTimezone for anything else (a path, an abbreviation such as `CET` is accepted
    only where the database has it)."""
    cleaned = name.strip().replace(" ", "_")
    found = _zone_names().get(cleaned.casefold())
    if found is None:
        raise UnknownTimezone(name.strip()[:64])
    return found


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone a chat chose, or UTC when it chose none (or a stored name vanished)."""
    try:
        return zoneinfo.ZoneInfo(canonical_timezone(name or DEFAULT_TIMEZONE))
    except UnknownTimezone:
        return zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


def suggest_timezones(typed: str, limit: int = 25) -> list[str]:
    """Zones whose name contains what was typed (for Discord's autocomplete), shortest first."""
    needle = typed.strip().replace(" ", "_").casefold()
    names = sorted(_zone_names().values(), key=lambda name: (len(name), name))
    return [name for name in names if needle in name.casefold()][:limit]
