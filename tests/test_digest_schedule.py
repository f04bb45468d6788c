"""Delivery modes as people write them, and when their digests fall in a chat's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.digest_schedule import (
    DeliveryMode,
    Kind,
    canonical_timezone,
    suggest_timezones,
    zone,
)
from bot.errors import DeliverySyntaxError, UnknownTimezone

MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("instant", "instant"),
        ("Al instante", "instant"),
        ("daily 08:00", "daily 08:00"),
        ("diario 8:30", "daily 08:30"),
        ("cada día a las 7h", "daily 07:00"),
        ("Daily at 23:59", "daily 23:59"),
        ("weekly mon 08:00", "weekly mon 08:00"),
        ("semanal miércoles 18.15", "weekly wed 18:15"),
        ("weekly, Sunday 9", "weekly sun 09:00"),
        ("semanal el sábado a las 10:00", "weekly sat 10:00"),
    ],
)
def test_modes_are_read_in_english_and_spanish(written: str, stored: str) -> None:
    mode = DeliveryMode.parse(written)
    assert str(mode) == stored
    assert DeliveryMode.parse(str(mode)) == mode  # what is stored reads back the same


@pytest.mark.parametrize(
    ("written", "problem", "token"),
    [
        ("hourly 08:00", "kind", "hourly"),
        ("daily", "missing_time", "daily"),
        ("daily 25:00", "time", "25:00"),
        ("daily 8:75", "time", "8:75"),
        ("weekly 08:00", "day", "08:00"),
        ("weekly", "missing_day", "weekly"),
        ("weekly funday 08:00", "day", "funday"),
        ("daily 08:00 please", "extra", "please"),
        ("instant now", "extra", "now"),
        ("", "kind", ""),
    ],
)
def test_a_mode_that_cannot_be_read_names_the_word(written: str, problem: str, token: str) -> None:
    with pytest.raises(DeliverySyntaxError) as caught:
        DeliveryMode.parse(written)
    assert caught.value.problem == problem
    assert caught.value.token == token


def test_modes_are_described_in_the_readers_language() -> None:
    weekly = DeliveryMode.parse("weekly wed 09:30")
    assert weekly.describe("en") == "a digest every Wednesday at 09:30"
    assert weekly.describe("es") == "un resumen cada miércoles a las 09:30"
    assert DeliveryMode().describe("es") == "cada alerta en cuanto llega"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_daily_digest_falls_at_the_local_time_in_winter_and_in_summer() -> None:
    daily = DeliveryMode.parse("daily 08:00")
    # Madrid is UTC+1 in January and UTC+2 in July.
    assert daily.latest_slot(MADRID, utc(2026, 1, 14, 7, 30)) == utc(2026, 1, 14, 7, 0)
    assert daily.latest_slot(MADRID, utc(2026, 1, 14, 6, 59)) == utc(2026, 1, 13, 7, 0)
    assert daily.latest_slot(MADRID, utc(2026, 7, 14, 6, 30)) == utc(2026, 7, 14, 6, 0)
    assert daily.next_slot(MADRID, utc(2026, 7, 14, 6, 0)) == utc(2026, 7, 15, 6, 0)


def test_a_digest_time_skipped_by_the_clock_change_still_comes_once() -> None:
    """On 29 March 2026 Madrid jumps from 02:00 to 03:00: "daily 02:30" that day comes just
    after the jump, once, and the next day at 02:30 again."""
    daily = DeliveryMode.parse("daily 02:30")
    that_night = daily.next_slot(MADRID, utc(2026, 3, 28, 12, 0))
    assert that_night is not None
    assert that_night.astimezone(MADRID).strftime("%d %H:%M") == "29 03:30"
    after = daily.next_slot(MADRID, that_night)
    assert after is not None and after.astimezone(MADRID).strftime("%d %H:%M") == "30 02:30"


def test_a_weekly_digest_falls_on_its_day() -> None:
    weekly = DeliveryMode.parse("weekly mon 09:00")
    wednesday = utc(2026, 1, 14, 12, 0)
    assert weekly.latest_slot(MADRID, wednesday) == utc(2026, 1, 12, 8, 0)
    assert weekly.next_slot(MADRID, wednesday) == utc(2026, 1, 19, 8, 0)
    monday_at_nine = utc(2026, 1, 19, 8, 0)
    assert weekly.latest_slot(MADRID, monday_at_nine) == monday_at_nine


def test_instant_has_no_digest_time() -> None:
    instant = DeliveryMode()
    assert instant.kind is Kind.INSTANT and not instant.is_digest
    assert instant.latest_slot(MADRID, utc(2026, 1, 1)) is None
    assert instant.next_slot(MADRID, utc(2026, 1, 1)) is None


def test_time_zones_are_iana_names_in_any_case() -> None:
    assert canonical_timezone("europe/madrid") == "Europe/Madrid"
    assert canonical_timezone(" America/Mexico City ") == "America/Mexico_City"
    assert canonical_timezone("utc") == "UTC"
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "GMT+25"):
        with pytest.raises(UnknownTimezone):
            canonical_timezone(bad)
    assert zone(None) == ZoneInfo("UTC")
    assert zone("no/longer-there") == ZoneInfo("UTC")
    assert suggest_timezones("madr") == ["Europe/Madrid"]
    assert len(suggest_timezones("america")) == 25
