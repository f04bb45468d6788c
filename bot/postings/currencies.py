"""Currencies as pay is written in English and Spanish (`bot.postings.pay`): the words and
signs of each (folded) with its ISO code, rough US dollars a unit, and what a bare "$" or
"pesos" means in one text (the country it names).
"""

from __future__ import annotations

import functools

import re2

__all__ = ["CURRENCY_TOKENS", "TextMoney", "usd_per_unit"]

#: Currency words and symbols (folded) → ISO 4217 code. "PESO" is a peso of an unnamed
#: country, resolved from the text's other hints (see `TextMoney.peso`).
CURRENCY_TOKENS: dict[str, str] = {
    "us$": "USD", "u$s": "USD", "usd": "USD", "dolares americanos": "USD",
    "dolares estadounidenses": "USD", "dolares": "USD", "dolar": "USD", "dollars": "USD",
    "dollar": "USD", "bucks": "USD", "usdt": "USDT", "usdc": "USDC", "tether": "USDT",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD",
    "r$": "BRL", "brl": "BRL", "reais": "BRL", "reales": "BRL",
    "mx$": "MXN", "mxn": "MXN", "pesos mexicanos": "MXN", "peso mexicano": "MXN",
    "cop": "COP", "pesos colombianos": "COP", "ars": "ARS", "pesos argentinos": "ARS",
    "clp": "CLP", "pesos chilenos": "CLP", "uyu": "UYU", "pesos uruguayos": "UYU",
    "dop": "DOP", "pesos dominicanos": "DOP", "pen": "PEN", "soles": "PEN", "s/.": "PEN",
    "s/": "PEN", "gtq": "GTQ", "quetzales": "GTQ", "hnl": "HNL", "lempiras": "HNL",
    "crc": "CRC", "colones": "CRC", "pyg": "PYG", "guaranies": "PYG", "bob": "BOB",
    "bolivianos": "BOB", "ves": "VES", "bolivares": "VES",
    "eur": "EUR", "euros": "EUR", "euro": "EUR", "€": "EUR",
    "gbp": "GBP", "£": "GBP", "pounds": "GBP", "libras": "GBP", "chf": "CHF",
    "inr": "INR", "₹": "INR", "rupees": "INR", "rs.": "INR", "rs": "INR", "php": "PHP", "₱": "PHP",
    "ngn": "NGN", "₦": "NGN", "naira": "NGN", "kes": "KES", "ksh": "KES", "kshs": "KES",
    "zar": "ZAR",
    "pesos": "PESO", "peso": "PESO", "$": "$",
}  # fmt: skip

#: Rough US dollars per unit: good enough to compare pay with a limit that is itself a round
#: figure, never shown to anyone as a conversion.
_USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0, "USDT": 1.0, "USDC": 1.0, "EUR": 1.08, "GBP": 1.27, "CHF": 1.13, "CAD": 0.73,
    "AUD": 0.66, "BRL": 0.18, "MXN": 0.055, "COP": 0.00025, "ARS": 0.001, "CLP": 0.0011,
    "UYU": 0.025, "DOP": 0.017, "PEN": 0.27, "GTQ": 0.13, "HNL": 0.04, "CRC": 0.002,
    "PYG": 0.00013, "BOB": 0.145, "VES": 0.027, "INR": 0.012, "PHP": 0.017, "NGN": 0.00065,
    "KES": 0.0077, "ZAR": 0.055,
}  # fmt: skip

#: Where a bare "pesos" or "$" is spoken: the first country hint named in the text wins.
#: These scan a whole text for one of many words, which RE2's automaton does several times
#: faster than `re` trying each alternative at each position.
_PESO_HINTS = re2.compile(
    r"\b(?:(?P<MXN>mexico|mexicanos?|cdmx|monterrey|guadalajara|jalisco|puebla)"
    r"|(?P<ARS>argentina|argentinos?|buenos aires|cordoba|rosario|caba)"
    r"|(?P<COP>colombia|colombianos?|bogota|medellin|cali|barranquilla)"
    r"|(?P<CLP>chile|chilenos?|santiago de chile|valparaiso)"
    r"|(?P<UYU>uruguay|uruguayos?|montevideo)"
    r"|(?P<DOP>republica dominicana|dominicanos?|santo domingo))\b"
)
#: A "$" that is not the US dollar: named elsewhere in the text, it makes every "$" that one.
_OTHER_DOLLAR_SIGNS = re2.compile(
    r"\b(?:mxn|cop|ars|clp|uyu|dop|cad|aud|pesos?|mexicanos?|colombianos?|argentinos?"
    r"|chilenos?)\b"
)
_NAMED_DOLLAR_CODE = re2.compile(r"\b(mxn|cop|ars|clp|uyu|dop|cad|aud)\b")


def usd_per_unit(currency: str) -> float | None:
    """Rough US dollars per unit of `currency` (ISO code), or None when unknown."""
    return _USD_PER_UNIT.get(currency.upper())


class TextMoney:
    """What a bare "$" and a bare "pesos" mean in one text, worked out once, when first
    needed: each takes a scan of the whole text for country names."""

    def __init__(self, folded: str) -> None:
        self._folded = folded

    @functools.cached_property
    def country_peso(self) -> str | None:
        """The peso of the first country the text names, if it names one."""
        hint = _PESO_HINTS.search(self._folded)
        return hint.lastgroup if hint is not None else None

    @functools.cached_property
    def peso(self) -> str:
        return self.country_peso or "MXN"

    @functools.cached_property
    def dollar(self) -> str:
        folded = self._folded
        if _OTHER_DOLLAR_SIGNS.search(folded):
            named = _NAMED_DOLLAR_CODE.search(folded)
            return named.group(1).upper() if named else self.peso
        return self.country_peso or "USD"

    def of(self, tokens: list[str]) -> str:
        """The most specific currency among a figure's currency words (folded, as written
        before and after it): "MXN $15,000" is MXN, not USD; "" when it names none."""
        codes = [CURRENCY_TOKENS[token] for token in tokens]
        named = [code for code in codes if code != "$"]
        if named:
            return self.peso if named[0] == "PESO" else named[0]
        return self.dollar if codes else ""
