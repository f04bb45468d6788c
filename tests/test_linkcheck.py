""" "Is this legit?": verdicts for links, saved pages and pasted offers."""

from __future__ import annotations

import ast
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.check import run_check_command
from bot.errors import FetchFailed, FetchRefused
from bot.i18n import catalog, placeholders
from bot.links.checker import LegitChecker, canonical_url
from bot.links.safefetch import SafeFetcher
from bot.models import RiskLevel
from bot.scam import ScamChecker
from bot.store import Database, linkchecks, open_database
from tests.linkcheck_helpers import (
    PAGES_DIR,
    FakeResolver,
    LocalSite,
    LoopbackOnlyTransport,
    MustNotSendTransport,
    Route,
    link_db,
    local_site,
    page_bytes,
)

__all__ = ["link_db", "local_site"]  # fixtures, imported so pytest finds them

SCAM_TEXT = (
    "Congratulations, you are hired! Pay the $40 registration fee in USDT to unlock your "
    "tasks and contact our manager on Telegram @hr_desk_now."
)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def loopback_fetcher() -> AsyncIterator[tuple[SafeFetcher, LoopbackOnlyTransport]]:
    transport = LoopbackOnlyTransport()
    fetcher = SafeFetcher(transport=transport, allow_loopback=True, allowed_ports=None)
    yield fetcher, transport
    await fetcher.aclose()


def make_checker(
    fetcher: SafeFetcher, db: Database | None = None, clock: Clock | None = None
) -> LegitChecker:
    return LegitChecker(
        fetcher=fetcher, checker=ScamChecker(), db=db, cache_ttl_s=600, clock=clock or Clock()
    )


# -- links that can be read ------------------------------------------------------------------


async def test_a_job_page_is_read_and_scored(
    local_site: LocalSite, loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport]
) -> None:
    local_site.add("/jobs/4821", Route(body=page_bytes("jobposting_jsonld.html")))
    checker = make_checker(loopback_fetcher[0])
    report = await checker.check_url(local_site.url("/jobs/4821?utm_source=x&gh_jid=7#apply"))
    assert report.fetched is True
    assert report.problem is None
    assert report.note("en") == ""
    assert report.url == local_site.url("/jobs/4821?gh_jid=7")
    assert report.how == "jsonld"
    assert report.posting is not None
    assert report.posting.company == "Northwind Labs"
    assert report.verdict.level is not RiskLevel.SCAM


async def test_a_scam_page_is_flagged_with_reasons(
    local_site: LocalSite, loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport]
) -> None:
    url = local_site.add("/reviewer", Route(body=page_bytes("scam.html")))
    report = await make_checker(loopback_fetcher[0]).check_url(url)
    assert report.fetched is True
    assert report.verdict.level is RiskLevel.SCAM
    assert report.verdict.reasons


async def test_a_redirected_link_reports_where_it_ended(
    local_site: LocalSite, loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport]
) -> None:
    target = local_site.add("/jobs/4821", Route(body=page_bytes("jobposting_jsonld.html")))
    local_site.redirect("/s/abc", "/jobs/4821")
    report = await make_checker(loopback_fetcher[0]).check_url(local_site.url("/s/abc"))
    assert report.url == local_site.url("/s/abc")  # what the user sent, canonical
    assert report.final_url == target
    assert report.posting is not None and report.posting.url == target


# -- links that cannot be read ---------------------------------------------------------------


async def test_a_dead_link_still_gets_a_verdict_and_says_why(
    local_site: LocalSite, loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport]
) -> None:
    report = await make_checker(loopback_fetcher[0]).check_url(
        local_site.url("/expired"), text=SCAM_TEXT
    )
    assert report.fetched is False
    assert report.posting is None
    assert isinstance(report.problem, FetchFailed)
    assert report.problem.reason == "http_status"
    # The user's own words still decide the verdict.
    assert report.verdict.level is not RiskLevel.OK
    assert "404" in report.note("en") and "could not be read" in report.note("en")
    assert "404" in report.note("es") and "No se pudo leer" in report.note("es")


async def test_a_refused_link_is_never_fetched_and_the_answer_says_so() -> None:
    fetcher = SafeFetcher(
        resolver=FakeResolver({"jobs.internal.example": ["10.0.0.5"]}),
        transport=MustNotSendTransport(),
    )
    report = await make_checker(fetcher).check_url("http://jobs.internal.example/offer")
    await fetcher.aclose()
    assert report.fetched is False
    assert isinstance(report.problem, FetchRefused)
    assert report.problem.reason == "private_address"
    assert "jobs.internal.example" in report.note("en")
    assert "privada" in report.note("es")


@pytest.mark.parametrize(
    "url",
    ["", "javascript:alert(1)", "http://[::1", "mailto:hr@example.com", "data:text/html,hi",
     "https://example.com:99999/", "HTTP://user@host.example/", "//evil.example/x"],
)  # fmt: skip
async def test_a_malformed_link_still_gets_an_answer(url: str) -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    report = await make_checker(fetcher).check_url(url)
    await fetcher.aclose()
    assert report.fetched is False
    assert report.problem is not None
    assert report.note("es") and report.note("en")


async def test_a_bare_domain_is_checked_as_https() -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    report = await make_checker(fetcher).check_url("www.no-such-site.example/job")
    await fetcher.aclose()
    assert report.url == "https://www.no-such-site.example/job"
    assert report.problem is not None and report.problem.reason == "dns"


# -- cache -----------------------------------------------------------------------------------


async def test_a_read_page_is_cached_per_canonical_url_until_it_expires(
    local_site: LocalSite,
    loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport],
    link_db: Database,
) -> None:
    local_site.add("/job", Route(body=page_bytes("opengraph.html")))
    clock = Clock()
    checker = make_checker(loopback_fetcher[0], link_db, clock)
    first = await checker.check_url(local_site.url("/job"))
    again = await checker.check_url(local_site.url("/job?utm_campaign=spring#top"))
    assert local_site.hits == ["/job"]
    assert again.cached is True and first.cached is False
    assert again.verdict == first.verdict
    assert again.posting == first.posting
    clock.now += 601
    await checker.check_url(local_site.url("/job"))
    assert local_site.hits == ["/job", "/job"]


async def test_a_dead_link_is_not_cached(
    local_site: LocalSite,
    loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport],
    link_db: Database,
) -> None:
    checker = make_checker(loopback_fetcher[0], link_db)
    assert (await checker.check_url(local_site.url("/later"))).fetched is False
    local_site.add("/later", Route(body=page_bytes("opengraph.html")))
    assert (await checker.check_url(local_site.url("/later"))).fetched is True


async def test_one_users_text_does_not_colour_the_cached_verdict(
    local_site: LocalSite,
    loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport],
    link_db: Database,
) -> None:
    local_site.add("/job", Route(body=page_bytes("opengraph.html")))
    checker = make_checker(loopback_fetcher[0], link_db)
    with_text = await checker.check_url(local_site.url("/job"), text=SCAM_TEXT)
    plain = await checker.check_url(local_site.url("/job"))
    with_text_again = await checker.check_url(local_site.url("/job"), text=SCAM_TEXT)
    assert local_site.hits == ["/job"]
    assert plain.cached and with_text_again.cached
    assert with_text.verdict.risk > plain.verdict.risk
    assert with_text_again.verdict == with_text.verdict


async def test_the_cache_works_on_the_migrated_store(
    local_site: LocalSite, loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport]
) -> None:
    db = await open_database(":memory:")
    try:
        local_site.add("/job", Route(body=page_bytes("graph_jsonld.html")))
        checker = LegitChecker(fetcher=loopback_fetcher[0], checker=ScamChecker(), db=db)
        first = await checker.check_url(local_site.url("/job"))
        second = await checker.check_url(local_site.url("/job"))
    finally:
        await db.close()
    assert local_site.hits == ["/job"]
    assert second.cached and second.posting == first.posting


async def test_cache_rows_expire_and_are_pruned(link_db: Database) -> None:
    await linkchecks.put_cached(link_db, "https://a.example/", {"format": 1}, now=100.0)
    assert await linkchecks.get_cached(link_db, "https://a.example/", max_age_s=50, now=140.0)
    assert (
        await linkchecks.get_cached(link_db, "https://a.example/", max_age_s=50, now=151.0)
    ) is None
    assert await linkchecks.prune(link_db, max_age_s=50, now=151.0) == 1


# -- documents and text ----------------------------------------------------------------------


def test_a_saved_page_is_checked_without_network() -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    report = make_checker(fetcher).check_document(PAGES_DIR / "jobposting_jsonld.html")
    assert report.fetched is True
    assert report.url == "https://careers.northwind-labs.example/jobs/4821"
    assert report.posting is not None and report.posting.title.startswith("AI Trainer")


def test_a_saved_page_claiming_an_employers_address_is_not_verified(tmp_path: Path) -> None:
    page = tmp_path / "claimed.html"
    page.write_text(
        '<html><head><link rel="canonical" href="https://boards.greenhouse.io/scaleai/jobs/1">'
        "<title>AI Trainer</title></head><body><h1>AI Trainer</h1><p>Scale AI is hiring AI "
        "trainers to review model answers. Apply on our careers page.</p></body></html>",
        encoding="utf-8",
    )
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    report = make_checker(fetcher).check_document(page)
    assert report.url == "https://boards.greenhouse.io/scaleai/jobs/1"
    assert report.verdict.verified_employer is None


def test_a_pasted_recruiter_message_is_checked() -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    text = (PAGES_DIR / "recruiter_message.txt").read_text(encoding="utf-8")
    report = make_checker(fetcher).check_text(text)
    assert report.url is None
    assert report.verdict.level is RiskLevel.SCAM
    assert report.note("es") == ""


# -- command line ----------------------------------------------------------------------------


async def test_cli_prints_a_readable_card_for_a_saved_page() -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    out = io.StringIO()
    status = await run_check_command(
        str(PAGES_DIR / "scam.html"),
        as_json=False,
        language="en",
        checker=make_checker(fetcher),
        out=out,
    )
    text = out.getvalue()
    assert status == 0
    assert "🔴" in text
    assert "Remote Task Reviewer" in text
    assert "https://scale-ai-careers.example.net/reviewer" in text


async def test_cli_json_is_one_object_with_the_verdict(
    local_site: LocalSite, loopback_fetcher: tuple[SafeFetcher, LoopbackOnlyTransport]
) -> None:
    out = io.StringIO()
    status = await run_check_command(
        local_site.url("/gone"),
        as_json=True,
        language="es",
        checker=make_checker(loopback_fetcher[0]),
        out=out,
    )
    data = json.loads(out.getvalue())
    assert status == 0
    assert data["fetched"] is False
    assert data["problem"] == "http_status"
    assert "404" in data["note"]
    assert data["level"] in {"ok", "caution", "scam"}
    assert isinstance(data["risk"], int) and isinstance(data["reasons"], list)
    assert data["posting"] is None
    assert {"url", "verified_employer", "matched_script"} <= set(data)


async def test_cli_json_for_a_read_page_carries_the_posting() -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    out = io.StringIO()
    await run_check_command(
        str(PAGES_DIR / "graph_jsonld.html"),
        as_json=True,
        language="en",
        checker=make_checker(fetcher),
        out=out,
    )
    data = json.loads(out.getvalue())
    assert data["fetched"] is True and data["problem"] is None
    assert data["posting"]["company"] == "Grupo Andino"
    assert data["posting"]["pay"] == {
        "min": 4500.0,
        "max": 4500.0,
        "currency": "PEN",
        "period": "month",
    }


@pytest.mark.parametrize(("language", "words"), [("en", "no such file"), ("es", "no existe")])
async def test_cli_rejects_a_missing_file_that_is_no_link(language: str, words: str) -> None:
    fetcher = SafeFetcher(resolver=FakeResolver({}), transport=MustNotSendTransport())
    out, err = io.StringIO(), io.StringIO()
    status = await run_check_command(
        "missing-offer.html",
        as_json=False,
        language=language,
        checker=make_checker(fetcher),
        out=out,
        err=err,
    )
    assert status == 2
    assert out.getvalue() == ""
    assert "missing-offer.html" in err.getvalue() and words in err.getvalue()


# -- canonical URLs and translations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://Jobs.Example.COM:443/a?utm_source=x&id=3#frag",
            "https://jobs.example.com/a?id=3",
        ),
        ("http://example.com:80/job?fbclid=abc&gclid=def", "http://example.com/job"),
        ("https://example.com:8443/job", "https://example.com:8443/job"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_every_fetch_reason_has_a_message_in_both_languages() -> None:
    """Every refusal or failure the fetcher can raise reads as a sentence, in Spanish and
    English, with every placeholder of the sentence filled by the error's data."""
    links = Path(__file__).parent.parent / "bot" / "links"
    raised: list[tuple[str, set[str]]] = [
        (str(call.args[1].value), {kw.arg for kw in call.keywords if kw.arg})
        for source in (links / "safefetch.py", links / "addresses.py")
        for call in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in {"_refused", "_failed"}
        and len(call.args) > 1
        and isinstance(call.args[1], ast.Constant)
    ]
    assert {"scheme", "private_address", "too_large", "timeout"} <= {r for r, _ in raised}
    for reason, params in raised:
        for language in ("en", "es"):
            text = catalog(language).get(f"fetch.reason.{reason}")
            assert text, f"fetch.reason.{reason} missing in {language}"
            assert placeholders(text) <= params, (reason, language)
