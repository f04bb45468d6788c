"""Numbers and dates as the reader's language writes them, by CLDR (Babel).

The catalogs hold the words; these hold the figures: "15,5" and "1.500" in Spanish, "15.5"
and "1,500" in English; "14 ene 2025" and "Jan 14, 2025".
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.i18n.languages import normalize_language

#: From this amount on, cents are noise on a card: "1,500", not "1,500.5".
WHOLE_FROM = 100


def format_amount(value: float, language: str) -> str:
    """An amount of money without its currency: up to two decimals below 100, whole from
    there, grouped ("15,5", "1.500" / "15.5", "1,500")."""
    pattern = "#,##0" if abs(value) >= WHOLE_FROM else "#,##0.##"
    return format_decimal(value, format=pattern, locale=normalize_language(language))


def format_count(count: int, language: str) -> str:
    """A number of things, grouped as the language groups ("12.345" / "12,345")."""
    return format_decimal(count, format="#,##0", locale=normalize_language(language))


def format_day(day: date | datetime, language: str) -> str:
    """A calendar day, short: "14 ene 2025" / "Jan 14, 2025"."""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, format="medium", locale=normalize_language(language))


def format_moment(moment: datetime, language: str) -> str:
    """A moment of a chat's week, as its zone reads it: "mar 14 ene 08:00" / "Tue 14 Jan 08:00"."""
    return format_datetime(moment, "EEE d MMM HH:mm", locale=normalize_language(language))
