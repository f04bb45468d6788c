"""Subscription filters as a chat user writes and expects them."""

from __future__ import annotations

import pytest

from bot.errors import FilterSyntaxError
from bot.models import Filter, Pay, PayPeriod, Posting, RiskLevel, Verdict
from bot.postings.matching import (
    CompiledFilter,
    parse_filter_words,
    parse_min_pay,
)

OK = Verdict(0, RiskLevel.OK)
CAUTION = Verdict(40, RiskLevel.CAUTION)
SCAM = Verdict(90, RiskLevel.SCAM)


def posting(**fields: object) -> Posting:
    base: dict[str, object] = {
        "source": "greenhouse:acme",
        "native_id": "1",
        "url": "https://boards.greenhouse.io/acme/jobs/1",
        "title": "AI Trainer - Spanish",
        "company": "Acme",
        "location": "Remote - LATAM",
        "remote": True,
        "description": "Entrena modelos de IA revisando respuestas en español.",
        "language": "es",
    }
    base.update(fields)
    return Posting(**base)  # type: ignore[arg-type]


def wants(flt: Filter, p: Posting, verdict: Verdict = OK) -> bool:
    return CompiledFilter.of(flt).wants(p, verdict)


def test_parse_filter_words_understands_the_chat_syntax() -> None:
    flt = parse_filter_words(
        'rlhf "ai tutor" -crypto remote minpay:45k/year risk:ok lang:es source:greenhouse:acme'
    )
    assert flt.keywords == ("rlhf", "ai tutor")
    assert flt.exclude == ("crypto",)
    assert flt.remote_only and flt.max_risk is RiskLevel.OK
    assert flt.min_pay == Pay(45000, 45000, "", PayPeriod.YEAR)
    assert flt.languages == ("es",) and flt.sources == ("greenhouse:acme",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("minpay:lots", "pay"),
        ("risk:extreme", "risk"),
        ("lang:fr", "language"),
        ("colour:blue", "unknown_option"),
        ("regex:(unclosed", "regex_invalid"),
        ("regex:" + "a" * 300, "regex_too_long"),
    ],
)
def test_bad_filter_words_name_the_problem(text: str, problem: str) -> None:
    with pytest.raises(FilterSyntaxError) as info:
        parse_filter_words(text)
    assert info.value.problem == problem


def test_keywords_match_accent_folded_words_not_substrings() -> None:
    assert wants(Filter(keywords=("anotación",)), posting(title="Anotacion de datos"))
    assert not wants(
        Filter(keywords=("rater",)), posting(title="Operater", description="Generated")
    )


def test_exclude_wins_over_keywords() -> None:
    assert not wants(Filter(keywords=("trainer",), exclude=("spanish",)), posting())


def test_risk_ceiling() -> None:
    assert wants(Filter(max_risk=RiskLevel.CAUTION), posting(), CAUTION)
    assert not wants(Filter(max_risk=RiskLevel.CAUTION), posting(), SCAM)
    assert not wants(Filter(max_risk=RiskLevel.OK), posting(), CAUTION)


def test_remote_only_locations_languages_and_sources() -> None:
    assert not wants(Filter(remote_only=True), posting(remote=False, location="Madrid"))
    assert wants(Filter(locations=("latam",)), posting())
    assert not wants(Filter(locations=("madrid",)), posting())
    assert not wants(Filter(languages=("en",)), posting())
    assert not wants(Filter(sources=("lever:other",)), posting())


def test_minimum_pay_compares_hourly_and_yearly_on_one_scale() -> None:
    yearly_60k = posting(pay=Pay(60000, 60000, "USD", PayPeriod.YEAR))  # ≈ 28.8/h
    assert wants(Filter(min_pay=parse_min_pay("25/h")), yearly_60k)
    assert not wants(Filter(min_pay=parse_min_pay("30/h")), yearly_60k)
    assert wants(
        Filter(min_pay=parse_min_pay("50k/year")), posting(pay=Pay(30, 40, "USD", PayPeriod.HOUR))
    )
    assert not wants(Filter(min_pay=parse_min_pay("20")), posting(pay=None))


def test_user_regex_runs_in_linear_time() -> None:
    # Catastrophic for a backtracking engine; RE2 answers at once.
    evil = posting(description="a" * 50_000 + "!")
    assert not wants(Filter(regex="(a+)+$b"), evil)
    assert wants(Filter(regex="(?i)español|spanish"), posting())


def test_regex_features_re2_cannot_run_are_refused_up_front() -> None:
    with pytest.raises(FilterSyntaxError):
        parse_filter_words(r"regex:(a)\1")
