"""Which subscriptions want a posting, and the filter syntax people type in chats.

Regular expressions come from chat users, so they run on RE2 (linear time, no catastrophic
backtracking) and are length-capped; a pattern RE2 cannot compile is refused when the
subscription is made, never at match time.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

import re2

from bot.errors import FilterSyntaxError
from bot.logs import ids as log_ids
from bot.models import Filter, Pay, PayPeriod, Posting, RiskLevel, Subscription, Verdict
from bot.postings.pay import parse_pay_floor
from bot.postings.relevance import keyword_pattern
from bot.text import fold

log = logging.getLogger("vigia.matching")
MAX_REGEX_CHARS = 200


def compile_regex(pattern: str) -> re2._Regexp:
    if len(pattern) > MAX_REGEX_CHARS:
        raise FilterSyntaxError(pattern[:20] + "…", "regex_too_long")
    try:
        return _compile_cached(pattern)
    except re2.error:
        raise FilterSyntaxError(pattern, "regex_invalid") from None


@functools.lru_cache(maxsize=512)
def _compile_cached(pattern: str) -> re2._Regexp:
    return re2.compile(pattern, options=_re2_options())


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = 8 << 20
    options.log_errors = False  # RE2 would print the person's pattern to stderr
    return options


def parse_min_pay(text: str) -> Pay:
    """A filter's minimum pay: `20/h`, `45k/year`, `900/semana`, `1.500/mes`; a bare number
    is hourly. FilterSyntaxError names the word when it is not one."""
    pay = parse_pay_floor(text)
    if pay is None:
        raise FilterSyntaxError(text, "pay")
    return pay


def parse_filter_words(text: str) -> Filter:
    """The chat filter syntax: words are keywords, `-word` excludes, `"two words"` is a phrase,
    `remote`, `minpay:20/h`, `risk:ok|caution|scam`, `lang:es`, `source:<name>`,
    `location:<place>`, `regex:<pattern>`."""
    keywords: list[str] = []
    exclude: list[str] = []
    fields: dict[str, object] = {}
    languages: list[str] = []
    sources: list[str] = []
    locations: list[str] = []
    for token in _tokens(text):
        key, sep, value = token.partition(":")
        key = key.lower()
        if token.lower() in {"remote", "remoto"}:
            fields["remote_only"] = True
        elif token.startswith("-") and len(token) > 1:
            exclude.append(token[1:])
        elif sep and key in {"minpay", "pay", "pago"}:
            fields["min_pay"] = parse_min_pay(value)
        elif sep and key in {"risk", "riesgo"}:
            try:
                fields["max_risk"] = RiskLevel(value.lower())
            except ValueError:
                raise FilterSyntaxError(token, "risk") from None
        elif sep and key in {"lang", "idioma"}:
            if value.lower() not in {"es", "en"}:
                raise FilterSyntaxError(token, "language")
            languages.append(value.lower())
        elif sep and key in {"source", "fuente"}:
            sources.append(value)
        elif sep and key in {"location", "ubicacion", "lugar"}:
            locations.append(value)
        elif sep and key == "regex":
            compile_regex(value)
            fields["regex"] = value
        elif sep and key.isalpha() and key not in {"http", "https"}:
            raise FilterSyntaxError(token, "unknown_option")
        else:
            keywords.append(token)
    return Filter(
        keywords=tuple(keywords),
        exclude=tuple(exclude),
        languages=tuple(languages),
        sources=tuple(sources),
        locations=tuple(locations),
        **fields,  # type: ignore[arg-type]
    )


def _tokens(text: str) -> list[str]:
    return [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', text)]


@dataclass(frozen=True, slots=True)
class CompiledFilter:
    """A Filter with its patterns compiled once, for the hot path of matching every posting."""

    filter: Filter
    include: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    locations: re.Pattern[str] | None
    regex: re2._Regexp | None

    @classmethod
    def of(cls, flt: Filter) -> CompiledFilter:
        return cls(
            flt,
            keyword_pattern(flt.keywords),
            keyword_pattern(flt.exclude),
            keyword_pattern(flt.locations),
            compile_regex(flt.regex) if flt.regex else None,
        )

    def wants(self, posting: Posting, verdict: Verdict) -> bool:
        flt = self.filter
        if not verdict.level.at_most(flt.max_risk):
            return False
        if flt.sources and posting.source not in flt.sources:
            return False
        if flt.remote_only and not posting.remote:
            return False
        # A posting whose language could not be told passes (its card says so): dropping
        # it would hide every short posting from a `lang:` filter.
        if flt.languages and posting.language is not None and posting.language not in flt.languages:
            return False
        if self.locations and not self._in_locations(posting):
            return False
        if flt.min_pay is not None and not _pays_enough(posting.pay, flt.min_pay):
            return False
        text = fold(posting.text)
        if self.exclude and self.exclude.search(text):
            return False
        if self.include and not self.include.search(text):
            return False
        return not (self.regex and not self.regex.search(posting.text))

    def _in_locations(self, posting: Posting) -> bool:
        """The location names one of the places; "remote" in the list also takes remote jobs."""
        assert self.locations is not None
        if self.locations.search(fold(posting.location)):
            return True
        wants_remote = any(fold(place) in {"remote", "remoto"} for place in self.filter.locations)
        return bool(posting.remote) and wants_remote


def _pays_enough(pay: Pay | None, minimum: Pay) -> bool:
    """Time rates compare on one hourly scale, piece rates with piece rates; pay that is not
    stated, or stated on the other kind of scale, does not pass a minimum."""
    if pay is None:
        return False
    if minimum.period is PayPeriod.TASK or pay.period is PayPeriod.TASK:
        return pay.period is minimum.period and pay.max_amount >= minimum.min_amount
    offered, wanted = pay.hourly(), minimum.hourly()
    return offered is not None and wanted is not None and offered[1] >= wanted[0]


class Matcher:
    """Matches postings against the active subscriptions, compiling each filter once.

    One subscription's filter cannot stop the others: a filter that does not compile (a
    regex stored before patterns were checked) is logged once and gets no alerts until it
    is changed, and a filter that fails on one posting does not match that posting.
    """

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[Filter, CompiledFilter | None]] = {}

    def matching(
        self, posting: Posting, verdict: Verdict, subscriptions: list[Subscription]
    ) -> list[Subscription]:
        return [s for s in subscriptions if self._wants(s, posting, verdict)]

    def _wants(self, subscription: Subscription, posting: Posting, verdict: Verdict) -> bool:
        compiled = self._compile(subscription)
        if compiled is None:
            return False
        try:
            return compiled.wants(posting, verdict)
        except Exception as error:  # one filter's bug must not stop a poll's alerts
            log.error(
                "subscription %d's filter failed on posting %s: %s",
                subscription.id,
                posting.native_id[:120],
                type(error).__name__,
                extra=log_ids(
                    source=posting.source[:120],
                    posting=posting.native_id[:120],
                    chat=subscription.chat,
                ),
            )
            return False

    def _compile(self, subscription: Subscription) -> CompiledFilter | None:
        cached = self._compiled.get(subscription.id)
        if cached is None or cached[0] != subscription.filter:
            try:
                compiled: CompiledFilter | None = CompiledFilter.of(subscription.filter)
            except FilterSyntaxError as error:
                log.error(
                    "subscription %d of %s has a filter that cannot be used (%s); it gets no "
                    "alerts until it is changed",
                    subscription.id,
                    subscription.chat,
                    error.problem,
                    extra=log_ids(chat=subscription.chat),
                )
                compiled = None
            cached = (subscription.filter, compiled)
            self._compiled[subscription.id] = cached
        return cached[1]
