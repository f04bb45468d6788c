"""Source adapters over real sockets: a local server serves recorded and generated payloads,
each source's own request goes out through httpx, and its parser reads the answer."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime

import httpx
import pytest

from adapters.sources import SOURCE_KINDS, USER_AGENT, build_source
from adapters.sources.himalayas import HimalayasSource
from adapters.sources.lever import LeverSource
from bot.errors import SourceFormatError
from bot.models import Pay, PayPeriod
from bot.polling.kinds import SOURCE_KINDS as KNOWN_KINDS
from bot.polling.source import Source, SourceState
from bot.store import Database
from tests.conftest import FakeClock
from tests.pipeline_helpers import make_poller
from tests.sources_helpers import (
    IRRELEVANT_TITLES,
    RELEVANT_TITLES,
    PayloadServer,
    assert_fields,
    assert_plain,
    by_id,
    fetch,
    greenhouse_board_payload,
    payload_server,
    poll,
    response,
    sample_bytes,
)

__all__ = ["payload_server"]  # the fixture, imported so pytest finds it

# -- Greenhouse ------------------------------------------------------------------------------


async def test_greenhouse_maps_fields_and_skips_a_bad_job(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/v1/boards/nimbus/jobs", sample_bytes("greenhouse_ai_board.fixture.json")
    )
    source = build_source("greenhouse", board="nimbus", url=url, name=None, company=None)
    postings = by_id((await poll(source)).postings)

    assert set(postings) == {"7012345", "7012346"}  # the job without an id is skipped
    trainer = postings["7012345"]
    assert_fields(
        trainer,
        source="greenhouse:nimbus",
        title="AI Trainer - Spanish (Remote)",
        company="Nimbus Annotation",
        url="https://careers.nimbusannotation.com/jobs?gh_jid=7012345",
        company_domain="nimbusannotation.com",
        location="Remote - LATAM",
        remote=True,
        pay=Pay(20, 30, "USD", PayPeriod.HOUR),  # from the Spanish text
        posted_at=datetime(2026, 11, 18, 17, 0, tzinfo=UTC),  # first_published
        language="es",
    )
    assert_plain(trainer.description)
    assert trainer.description.startswith("Buscamos entrenadores de IA nativos en español")
    assert "- Escribir y corregir respuestas\n- Clasificar" in trainer.description
    assert "R&D incluido" in trainer.description

    accountant = postings["7012346"]
    assert_fields(
        accountant,
        company="Nimbus",  # no company_name: the board slug, title-cased
        company_domain=None,  # a greenhouse.io link says nothing of the company
        remote=None,
        pay=Pay(120_000, 150_000, "USD", PayPeriod.YEAR),  # pay_input_ranges
        posted_at=datetime(2026, 11, 19, 15, 0, tzinfo=UTC),
        language="en",
    )


async def test_greenhouse_documented_example(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/v1/boards/vaulttec/jobs", sample_bytes("greenhouse_list_jobs_content_true.docs.json")
    )
    source = build_source("greenhouse", board="vaulttec", url=url, name=None, company="Vault-Tec")
    [posting] = (await poll(source)).postings
    assert_fields(
        posting,
        native_id="127817",
        title="Vault Designer",
        company="Vault-Tec",
        location="NYC",
        url="https://boards.greenhouse.io/vaulttec/jobs/127817",
        posted_at=datetime(2016, 1, 14, 15, 55, 28, tzinfo=UTC),
    )
    assert_plain(posting.description)
    assert posting.description.startswith("This is the job description.\n\nAny HTML included")


async def test_generated_greenhouse_board_parses_whole(payload_server: PayloadServer) -> None:
    body = greenhouse_board_payload("acme", 40, relevant_every=4, seed=3)
    assert body == greenhouse_board_payload("acme", 40, relevant_every=4, seed=3)
    url = payload_server.serve("/v1/boards/acme/jobs", body)
    postings = (
        await poll(build_source("greenhouse", board="acme", url=url, name=None, company=None))
    ).postings

    assert len(postings) == 40
    assert len({p.native_id for p in postings}) == 40
    relevant = [p for p in postings if p.title in RELEVANT_TITLES]
    assert len(relevant) == 10
    assert all(p.title in RELEVANT_TITLES + IRRELEVANT_TITLES for p in postings)
    assert all(p.posted_at is not None and p.posted_at.tzinfo is not None for p in postings)
    for posting in postings:
        assert_plain(posting.description)
    assert any(p.pay is not None for p in postings)
    assert any(p.remote for p in postings)
    assert greenhouse_board_payload("acme", 0) == b'{"jobs": [], "meta": {"total": 0}}'


# -- Lever -----------------------------------------------------------------------------------


async def test_lever_maps_fields(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/v0/postings/humandata", sample_bytes("lever_postings.fixture.json")
    )
    source = build_source("lever", board="humandata", url=url, name=None, company="Human Data Co")
    postings = by_id((await poll(source)).postings)

    annotator = postings["5ac21346-8e0c-4494-8e7a-3eb92ff77902"]
    assert_fields(
        annotator,
        source="lever:humandata",
        title="RLHF Data Annotator (English)",
        company="Human Data Co",
        url="https://jobs.lever.co/humandata/5ac21346-8e0c-4494-8e7a-3eb92ff77902",
        location="Anywhere",
        remote=True,
        pay=Pay(25, 45, "USD", PayPeriod.HOUR),  # salaryRange
        posted_at=datetime(2025, 11, 20, 8, 0, tzinfo=UTC),  # epoch ms
    )
    assert_plain(annotator.description)
    assert "rewrite model answers & explain why" in annotator.description
    assert "What you will do\n- Compare two answers\n- Write a better one" in annotator.description
    assert annotator.description.endswith("We never ask for payment of any kind.")
    assert annotator.language == "en"

    evaluador = postings["0d6b2a70-9b3b-4c2c-8f0a-7f6e8f1d2c3b"]
    assert evaluador.remote is False  # workplaceType hybrid
    assert evaluador.pay == Pay(1500, 1500, "EUR", PayPeriod.MONTH)  # from the text
    assert evaluador.language == "es"


def test_lever_default_company_is_the_title_cased_slug() -> None:
    source = build_source("lever", board="human-data", url=None, name=None, company=None)
    assert isinstance(source, LeverSource)
    assert source.company == "Human Data"
    assert source.url == "https://api.lever.co/v0/postings/human-data?mode=json"


async def test_lever_pages_with_skip_and_limit(payload_server: PayloadServer) -> None:
    items = json.loads(sample_bytes("lever_postings.fixture.json"))
    path = "/v0/postings/humandata"
    payload_server.serve(f"{path}?mode=json&skip=0&limit=1", json.dumps(items[:1]))
    payload_server.serve(f"{path}?mode=json&skip=1&limit=1", json.dumps(items[1:]))
    payload_server.serve(f"{path}?mode=json&skip=2&limit=1", "[]")
    source = LeverSource("humandata", url=payload_server.url(f"{path}?mode=json"), page_size=1)

    page = await poll(source)
    seen = [p.native_id for p in page.postings]
    while page.next_request is not None:
        page = source.parse(await fetch(page.next_request))
        seen.extend(p.native_id for p in page.postings)

    assert seen == [item["id"] for item in items]
    assert [r.query for r in payload_server.requests_to(path)] == [
        "mode=json&skip=0&limit=1",
        "mode=json&skip=1&limit=1",
        "mode=json&skip=2&limit=1",
    ]


# -- Ashby -----------------------------------------------------------------------------------


async def test_ashby_documented_example(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/posting-api/job-board/example",
        sample_bytes("ashby_job_board_includeCompensation.docs_repaired.json"),
    )
    source = build_source("ashby", board="example", url=url, name=None, company=None)
    [posting] = (await poll(source)).postings
    assert_fields(
        posting,
        native_id="example_job",  # no id in the example: the job URL's slug
        title="Product Manager",
        company="Example",
        url="https://jobs.ashbyhq.com/example_job",
        location="Houston, TX",
        remote=True,
        pay=Pay(81_000, 87_000, "USD", PayPeriod.YEAR),  # Salary, not equity
        posted_at=datetime(2021, 4, 30, 16, 21, 55, 393000, tzinfo=UTC),
        description="Join our team",
    )


def _ashby_job(job_id: str, **extra: object) -> dict[str, object]:
    job: dict[str, object] = {
        "id": job_id,
        "title": f"Job {job_id}",
        "location": "Remote",
        "isListed": True,
        "isRemote": True,
        "descriptionHtml": "<p>Evaluate &amp; rank model answers.</p>",
        "publishedAt": "2026-11-01T00:00:00.000+00:00",
        "jobUrl": f"https://jobs.ashbyhq.com/acme/{job_id}",
    }
    job.update(extra)
    return job


async def test_ashby_skips_unlisted_jobs_and_reads_hourly_tiers(
    payload_server: PayloadServer,
) -> None:
    hourly = {
        "compensationTiers": [
            {
                "components": [
                    {
                        "compensationType": "Salary",
                        "interval": "1 HOUR",
                        "currencyCode": "EUR",
                        "minValue": 20,
                        "maxValue": 25,
                    }
                ]
            },
            {
                "components": [
                    {
                        "compensationType": "Salary",
                        "interval": "1 HOUR",
                        "currencyCode": "EUR",
                        "minValue": 22,
                        "maxValue": 30,
                    }
                ]
            },
            {
                "components": [
                    {
                        "compensationType": "Bonus",
                        "interval": "1 YEAR",
                        "currencyCode": "EUR",
                        "minValue": 1000,
                        "maxValue": 2000,
                    }
                ]
            },
        ]
    }
    payload = {
        "apiVersion": "1",
        "jobs": [
            _ashby_job("a1", compensation=hourly),
            _ashby_job("hidden", isListed=False),
            _ashby_job("a2", isRemote=False, workplaceType="OnSite", location="Madrid"),
        ],
    }
    url = payload_server.serve("/posting-api/job-board/acme", json.dumps(payload))
    postings = by_id(
        (await poll(build_source("ashby", board="acme", url=url, name=None, company=None))).postings
    )
    assert set(postings) == {"a1", "a2"}
    assert postings["a1"].pay == Pay(20, 30, "EUR", PayPeriod.HOUR)
    assert postings["a1"].description == "Evaluate & rank model answers."
    assert postings["a2"].remote is False


# -- Workable and Remote OK ------------------------------------------------------------------


async def test_workable_documented_example(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/api/v1/widget/accounts/groove-tech",
        sample_bytes("workable_public_account_jobs.docs_partial.json"),
    )
    [posting] = (
        await poll(build_source("workable", board="groove-tech", url=url, name=None, company=None))
    ).postings
    assert_fields(
        posting,
        native_id="GROOV006",
        title="Finance Manager",
        company="Groove Tech",
        location="London, London, United Kingdom",
        url="https://groove-tech.workable.com/jobs/724378555",
        posted_at=datetime(2019, 4, 7, tzinfo=UTC),
    )


async def test_remoteok_recorded_response(payload_server: PayloadServer) -> None:
    url = payload_server.serve("/api", sample_bytes("remoteok_api.real_2024-12-04.subset.json"))
    source = build_source("remoteok", board=None, url=url, name=None, company=None)
    postings = by_id((await poll(source)).postings)
    assert set(postings) == {"1059249", "1059244"}  # the legal notice is not a job
    jump = postings["1059244"]
    assert_fields(
        jump,
        title="Software Engineer",
        company="Jump",
        remote=True,
        pay=Pay(180_000, 220_000, "USD", PayPeriod.YEAR),
        url="https://applicantai.com/jump/software-engineer/3439",  # no ?ref, no #apply
        posted_at=datetime(2024, 12, 3, 20, 49, 15, tzinfo=UTC),
    )
    assert_plain(jump.description)
    assert "- All Elixir/Phoenix/LiveView" in jump.description


# -- Remotive and Himalayas (aggregators searched for a term) ---------------------------------


async def test_remotive_documented_example_searched_by_board(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/api/remote-jobs", sample_bytes("remotive_remote_jobs_limit1.docs.json")
    )
    source = build_source("remotive", board="ai trainer", url=url, name=None, company=None)
    [posting] = (await poll(source)).postings

    [sent] = payload_server.requests_to("/api/remote-jobs")
    assert sent.query == "search=ai trainer"  # as the server decodes it
    assert_fields(
        posting,
        source="remotive:ai trainer",
        native_id="123",
        title="Lead Developer",
        company="Remotive",
        url="https://remotive.io/remote-jobs/product/lead-developer-123",  # link back
        location="Worldwide",
        remote=True,
        pay=Pay(40_000, 50_000, "USD", PayPeriod.YEAR),  # from the salary text
        posted_at=datetime(2020, 2, 15, 10, 23, 26, tzinfo=UTC),  # no offset: UTC
        description="The full HTML job description here",
    )


def test_remotive_and_himalayas_search_only_when_a_board_is_given() -> None:
    remotive = build_source("remotive", board=None, url=None, name=None, company=None)
    assert remotive.name == "remotive:remotive.com"
    assert str(remotive.first_request(SourceState()).url) == "https://remotive.com/api/remote-jobs"
    himalayas = build_source("himalayas", board=" AI  trainer ", url=None, name=None, company=None)
    assert himalayas.name == "himalayas:AI trainer"
    assert (
        str(himalayas.first_request(SourceState()).url)
        == "https://himalayas.app/jobs/api/search?q=AI+trainer&limit=20"
    )


async def test_himalayas_maps_fields(payload_server: PayloadServer) -> None:
    url = payload_server.serve("/jobs/api/search", sample_bytes("himalayas_search.fixture.json"))
    source = build_source("himalayas", board="ai trainer", url=url, name=None, company=None)
    page = await poll(source)
    postings = by_id(page.postings)
    assert page.next_request is None  # offset 0 + 3 jobs = totalCount

    trainer = postings[
        "https://himalayas.app/companies/pearl-data/jobs/ai-trainer-spanish-writing-freelance"
    ]
    assert_fields(
        trainer,
        source="himalayas:ai trainer",
        title="AI Trainer - Spanish Writing (Freelance)",
        company="Pearl Data",
        url="https://jobs.pearldata.example/apply/ai-trainer-spanish",
        location="Mexico, Colombia, Argentina",
        remote=True,
        pay=Pay(20, 35, "USD", PayPeriod.HOUR),  # salaryPeriod "hourly"
        posted_at=datetime(2025, 11, 27, 9, 45, tzinfo=UTC),  # epoch ms
        language="es",
    )
    assert_plain(trainer.description)
    assert "- Trabajo 100% remoto" in trainer.description

    evaluator = postings[
        "https://himalayas.app/companies/lumen-labs/jobs/model-evaluation-specialist"
    ]
    assert evaluator.pay == Pay(65_000, 80_000, "EUR", PayPeriod.YEAR)  # yearly by default
    assert evaluator.location == ""  # no restriction
    assert evaluator.description == "Rate and rank LLM answers for accuracy and safety."  # excerpt

    support = postings["https://himalayas.app/companies/acme-books/jobs/customer-support-agent"]
    assert support.pay is None
    assert support.description == "Answer customer questions by email & chat."


def _himalayas_page(start: int, count: int, **paging: object) -> str:
    template = json.loads(sample_bytes("himalayas_search.fixture.json"))["jobs"][0]
    jobs = [
        {**template, "guid": f"https://himalayas.app/companies/pearl-data/jobs/trainer-{i}"}
        for i in range(start, start + count)
    ]
    return json.dumps({"jobs": jobs, **paging})


async def test_himalayas_follows_offset_then_cursor_pages(payload_server: PayloadServer) -> None:
    path = "/jobs/api/search"
    payload_server.serve(f"{path}?q=rlhf&limit=20", _himalayas_page(0, 20, offset=0, totalCount=45))
    payload_server.serve(
        f"{path}?q=rlhf&offset=20&limit=20", _himalayas_page(20, 20, nextCursor="c-40")
    )
    payload_server.serve(
        f"{path}?q=rlhf&offset=20&limit=20&cursor=c-40",
        _himalayas_page(40, 5, nextCursor=None, offset=40, totalCount=45),
    )
    source = HimalayasSource(search="rlhf", url=payload_server.url(path))

    page = await poll(source)
    seen = [p.native_id for p in page.postings]
    while page.next_request is not None:
        page = source.parse(await fetch(page.next_request))
        seen.extend(p.native_id for p in page.postings)

    assert seen == [
        f"https://himalayas.app/companies/pearl-data/jobs/trainer-{i}" for i in range(45)
    ]
    assert len(payload_server.requests_to(path)) == 3
    later = payload_server.requests_to(path)[1:]
    assert all(r.header("If-None-Match") is None for r in later)


async def test_an_endless_himalayas_cursor_stops_at_max_pages(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    path = "/jobs/api/search"
    payload_server.serve(path, _himalayas_page(0, 20, nextCursor="again"))
    source = HimalayasSource(search="annotation", url=payload_server.url(path))
    async with httpx.AsyncClient(timeout=5.0, trust_env=False) as http:
        poller = make_poller(db, http, clock, max_pages=3)
        result = await poller.poll(source, interval_s=600)
    assert result.status == "200"
    assert len(payload_server.requests_to(path)) == 3
    assert result.new == 20  # the same 20 jobs on every page are stored once


# -- RSS and Atom ----------------------------------------------------------------------------


async def test_rss_feed_from_we_work_remotely(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/remote-jobs.rss",
        sample_bytes("wwr_feed.fixture.rss"),
        headers={"Content-Type": "application/rss+xml"},
    )
    source = build_source("rss", board=None, url=url, name="rss:wwr", company=None)
    postings = (await poll(source)).postings
    assert [p.title for p in postings] == ["AI Writing Evaluator", "Senior Accountant"]
    evaluator = postings[0]
    assert_fields(
        evaluator,
        source="rss:wwr",
        native_id="https://weworkremotely.com/remote-jobs/pearl-data-ai-writing-evaluator",
        url="https://weworkremotely.com/remote-jobs/pearl-data-ai-writing-evaluator",
        location="Anywhere in the World",
        remote=True,
        pay=Pay(30, 30, "USD", PayPeriod.HOUR),
        posted_at=datetime(2026, 11, 24, 14, 5, tzinfo=UTC),
        description="Evaluate AI-written answers & score them.\n\n- $30/hour\n- Flexible hours",
    )


def _feed_postings(feed: bytes, *, company: str | None = None) -> list[tuple[str, str]]:
    source = build_source(
        "rss", board=None, url="https://jobs.example.org/feed", name=None, company=company
    )
    postings = source.parse(response(feed, content_type="application/rss+xml")).postings
    return [(p.company, p.title) for p in postings]


def test_feed_company_comes_from_titles_written_company_colon_title() -> None:
    """We Work Remotely's jobs, and any other feed whose items read "Company: Job title"."""
    wwr_feed = sample_bytes("wwr_feed.fixture.rss")
    other_feed = wwr_feed.replace(b"https://weworkremotely.com/", b"https://jobs.example.org/")
    source = build_source(
        "rss", board=None, url="https://weworkremotely.com/remote-jobs.rss", name=None, company=None
    )
    assert source.name == "rss:weworkremotely.com"
    split = [("Pearl Data", "AI Writing Evaluator"), ("Acme Books", "Senior Accountant")]
    for feed in (wwr_feed, other_feed):
        postings = source.parse(response(feed, content_type="application/rss+xml")).postings
        assert [(p.company, p.title) for p in postings] == split
    other = source.parse(response(other_feed, content_type="application/rss+xml")).postings
    assert [p.remote for p in other] == [True, None]  # "Anywhere" region; "USA Only" says nothing


def test_titles_are_left_whole_when_the_feed_names_its_companies_or_is_not_in_that_shape() -> None:
    other_feed = sample_bytes("wwr_feed.fixture.rss").replace(
        b"https://weworkremotely.com/", b"https://jobs.example.org/"
    )
    whole = [("", "Pearl Data: AI Writing Evaluator"), ("", "Acme Books: Senior Accountant")]
    # Items that name an author: the title is the title.
    authored = other_feed.replace(b"<region>", b"<author>jobs@example.org (Board)</author><region>")
    assert _feed_postings(authored) == whole
    # Items with a company element of their own: that is the company.
    with_company = other_feed.replace(b"<region>", b"<company>Named Co</company><region>", 1)
    assert _feed_postings(with_company)[0] == ("Named Co", "Pearl Data: AI Writing Evaluator")
    # A configured company: one employer's feed, whose colons are its own.
    assert _feed_postings(other_feed, company="Board Inc") == [
        ("Board Inc", title) for _, title in whole
    ]
    # Labels are not companies, and one colon among plain titles proves nothing.
    labelled = other_feed.replace(b"Pearl Data:", b"Remote:").replace(b"Acme Books:", b"Urgent:")
    assert [company for company, _ in _feed_postings(labelled)] == ["", ""]
    mixed = other_feed.replace(b"Acme Books: Senior Accountant", b"Senior Accountant")
    assert _feed_postings(mixed) == [whole[0], ("", "Senior Accountant")]


async def test_atom_feed(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/feed.atom",
        sample_bytes("jobs_atom.fixture.xml"),
        headers={"Content-Type": "application/atom+xml"},
    )
    [posting] = (
        await poll(build_source("rss", board=None, url=url, name=None, company="Datos Abiertos"))
    ).postings
    assert_fields(
        posting,
        source="rss:127.0.0.1",
        native_id="tag:empleos.example.org,2026:oferta-4411",
        title="Entrenador de IA (teletrabajo)",
        company="Datos Abiertos",
        url="https://empleos.example.org/ofertas/4411",
        remote=True,
        pay=Pay(18.5, 22, "EUR", PayPeriod.HOUR),
        posted_at=datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
        language="es",
    )
    assert_plain(posting.description)


def test_an_empty_but_valid_feed_has_no_postings() -> None:
    source = build_source(
        "rss", board=None, url="https://jobs.example.org/feed", name=None, company=None
    )
    rss = (
        '<?xml version="1.0"?><rss version="2.0">'
        "<channel><title>No jobs today</title></channel></rss>"
    )
    atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>Nada</title><id>x</id></feed>'
    assert source.parse(response(rss, content_type="application/rss+xml")).postings == []
    assert source.parse(response(atom, content_type="application/atom+xml")).postings == []


# -- conditional GET -------------------------------------------------------------------------

_KIND_PAYLOADS = {
    "greenhouse": "greenhouse_list_jobs_content_true.docs.json",
    "lever": "lever_postings.fixture.json",
    "ashby": "ashby_job_board_includeCompensation.docs_repaired.json",
    "workable": "workable_public_account_jobs.docs_partial.json",
    "recruitee": "recruitee_offers.fixture.json",
    "smartrecruiters": "smartrecruiters_postings.fixture.json",
    "remoteok": "remoteok_api.real_2024-12-04.subset.json",
    "remotive": "remotive_remote_jobs_limit1.docs.json",
    "himalayas": "himalayas_search.fixture.json",
    "arbeitnow": "arbeitnow_job_board_page1.fixture.json",
    "hn": "hn_whoishiring_stories.fixture.json",
    "rss": "wwr_feed.fixture.rss",
    "jsonld": "careers_jsonld.fixture.html",
}


def _build(kind: str, url: str) -> Source:
    board = None if kind in {"rss", "jsonld", "remoteok", "arbeitnow", "hn"} else "acme"
    return build_source(kind, board=board, url=url, name=None, company=None)


def test_every_kind_has_a_payload_under_test() -> None:
    # jobspy is not fetched over HTTP; its rows are tested in tests/test_sources_jobspy.py.
    assert set(_KIND_PAYLOADS) == set(SOURCE_KINDS) - {"jobspy"}


@pytest.mark.parametrize("kind", sorted(_KIND_PAYLOADS))
async def test_validators_are_replayed_and_a_304_follows(
    kind: str, payload_server: PayloadServer
) -> None:
    validators = {"ETag": '"board-v7"', "Last-Modified": "Wed, 04 Dec 2024 21:54:27 GMT"}
    url = payload_server.serve("/board", sample_bytes(_KIND_PAYLOADS[kind]), headers=validators)
    source = _build(kind, url)
    assert isinstance(source, Source)

    first = await fetch(source.first_request(SourceState()))
    assert first.status_code == 200
    page = source.parse(first)
    assert page.postings or page.next_request is not None  # postings, or the calls that give them
    state = SourceState.from_response(first)
    assert state == SourceState(etag='"board-v7"', last_modified="Wed, 04 Dec 2024 21:54:27 GMT")

    second = await fetch(source.first_request(state))
    assert second.status_code == 304
    sent_first, sent_second = payload_server.requests_to("/board")
    assert sent_first.header("If-None-Match") is None
    assert sent_first.header("If-Modified-Since") is None
    assert sent_second.header("If-None-Match") == '"board-v7"'
    assert sent_second.header("If-Modified-Since") == "Wed, 04 Dec 2024 21:54:27 GMT"
    for sent in (sent_first, sent_second):
        assert sent.header("User-Agent") == USER_AGENT
        assert sent.header("Accept")


async def test_only_last_modified_is_replayed_when_there_is_no_etag(
    payload_server: PayloadServer,
) -> None:
    url = payload_server.serve(
        "/api",
        sample_bytes("remoteok_api.real_2024-12-04.subset.json"),
        headers={"Last-Modified": "Wed, 04 Dec 2024 21:54:27 GMT"},
    )
    source = _build("remoteok", url)
    state = SourceState.from_response(await fetch(source.first_request(SourceState())))
    assert state == SourceState(etag=None, last_modified="Wed, 04 Dec 2024 21:54:27 GMT")
    assert (await fetch(source.first_request(state))).status_code == 304
    assert payload_server.requests_to("/api")[1].header("If-None-Match") is None


# -- bad payloads ----------------------------------------------------------------------------

_HTML_PAGE = (
    "<!doctype html><html><head><title>Just a moment...</title></head>"
    "<body><p>Checking your browser</p></body></html>"
)
_JSON_KINDS = (
    "greenhouse",
    "lever",
    "ashby",
    "workable",
    "recruitee",
    "smartrecruiters",
    "remoteok",
    "remotive",
    "himalayas",
    "arbeitnow",
    "hn",
)
_WRONG_SHAPES = {
    "greenhouse": ["[]", '{"meta": {"total": 0}}', '{"jobs": {"id": 1}}'],
    "lever": ['{"ok": false, "error": "Document not found"}', '{"postings": []}'],
    "ashby": ["[]", '{"apiVersion": "1"}', '{"jobs": null}'],
    "workable": ["[]", '{"name": "Groove Tech"}'],
    "recruitee": ["[]", '{"offers": {"id": 1}}', '{"jobs": []}'],
    "smartrecruiters": ["[]", '{"totalFound": 0}', '{"content": {"id": "1"}}'],
    "remoteok": ['{"jobs": []}', '"remoteok"'],
    "remotive": ["[]", '{"0-legal-notice": "x", "job-count": 0}', '{"jobs": "none"}'],
    "himalayas": ["[]", '{"totalCount": 0, "offset": 0}', '{"jobs": {"guid": "x"}}'],
    "arbeitnow": ["[]", '{"links": {"next": null}}', '{"data": {"slug": "x"}}', '{"jobs": []}'],
    "hn": ["[]", '{"nbHits": 0}', '{"hits": {"objectID": "1"}}', '{"hits": [{"title": "x"}]}'],
}
_ALL_ITEMS_BAD = {
    "greenhouse": '{"jobs": [{"name": "no title, no id"}, 7]}',
    "lever": '[{"title": "Lever calls it text"}, "x"]',
    "ashby": '{"jobs": [{"name": "Renamed field", "isListed": true}]}',
    "workable": '{"name": "G", "jobs": [{"id": 1}]}',
    "recruitee": '{"offers": [{"id": 1, "name": "renamed"}, {"title": "no id or url"}, 3]}',
    "smartrecruiters": '{"totalFound": 3, "content": [{"id": "1"}, {"name": "no id"}, 5]}',
    "remoteok": '[{"legal": "terms"}, {"title": "no id"}]',
    "remotive": '{"jobs": [{"job_title": "renamed", "id": 1}, null]}',
    "himalayas": '{"jobs": [{"title": "no guid"}, {"guid": "not-a-link", "title": "no link"}]}',
    "arbeitnow": '{"data": [{"id": 1, "title": "no slug"}, {"slug": "x", "title": "no url"}]}',
}


@pytest.mark.parametrize("kind", _JSON_KINDS)
@pytest.mark.parametrize(
    "body",
    ["", "   \n", "{not json", '{"jobs": [', _HTML_PAGE, b"\xff\xfe\x00garbage"],
    ids=["empty", "blank", "invalid", "truncated", "html", "binary"],
)
async def test_json_sources_refuse_unreadable_bodies(
    kind: str, body: str | bytes, payload_server: PayloadServer
) -> None:
    url = payload_server.serve(
        "/board",
        body,
        headers={"Content-Type": "text/html" if body == _HTML_PAGE else "application/json"},
    )
    source = _build(kind, url)
    reply = await fetch(source.first_request(SourceState()))
    with pytest.raises(SourceFormatError) as caught:
        source.parse(reply)
    assert caught.value.source == source.name


@pytest.mark.parametrize(
    ("kind", "body"), [(k, b) for k, bodies in _WRONG_SHAPES.items() for b in bodies]
)
def test_json_sources_refuse_payloads_of_another_shape(kind: str, body: str) -> None:
    with pytest.raises(SourceFormatError):
        _build(kind, "http://127.0.0.1/board").parse(response(body))


@pytest.mark.parametrize("kind", sorted(_ALL_ITEMS_BAD))
def test_a_payload_whose_every_item_is_unreadable_is_refused(kind: str) -> None:
    with pytest.raises(SourceFormatError, match="none of the"):
        _build(kind, "http://127.0.0.1/board").parse(response(_ALL_ITEMS_BAD[kind]))


@pytest.mark.parametrize("kind", _JSON_KINDS)
def test_empty_boards_are_fine(kind: str) -> None:
    body = {
        "greenhouse": '{"jobs": [], "meta": {"total": 0}}',
        "lever": "[]",
        "ashby": '{"jobs": []}',
        "workable": '{"name": "G", "jobs": []}',
        "recruitee": '{"offers": []}',
        "smartrecruiters": '{"offset": 0, "limit": 100, "totalFound": 0, "content": []}',
        "remoteok": '[{"legal": "x"}]',
        "remotive": '{"0-legal-notice": "x", "job-count": 0, "jobs": []}',
        "himalayas": '{"jobs": [], "offset": 0, "totalCount": 0}',
        "arbeitnow": '{"data": [], "links": {"next": null}, "meta": {"current_page": 1}}',
        # the thread's list: its posts come from the next request
        "hn": '{"hits": [{"objectID": "1", "title": "Ask HN: Who is hiring? (May)"}]}',
    }[kind]
    assert _build(kind, "http://127.0.0.1/board").parse(response(body)).postings == []


_TRUNCATED_FEED = sample_bytes("wwr_feed.fixture.rss")[:1200]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/rss+xml"),
        (_HTML_PAGE.encode(), "text/html"),
        (b'{"jobs": []}', "application/json"),
        (b"<rss version='2.0'><channel><item><title>broken", "application/rss+xml"),
        (_TRUNCATED_FEED, "application/rss+xml"),
    ],
    ids=["empty", "html", "json", "broken-no-entries", "cut-off"],
)
async def test_feeds_refuse_documents_that_are_not_whole_feeds(
    body: bytes, content_type: str, payload_server: PayloadServer
) -> None:
    url = payload_server.serve("/feed", body, headers={"Content-Type": content_type})
    source = _build("rss", url)
    with pytest.raises(SourceFormatError):
        source.parse(await fetch(source.first_request(SourceState())))


@pytest.mark.parametrize("kind", sorted(_KIND_PAYLOADS))
@pytest.mark.parametrize("status", [304, 404, 500])
def test_parse_refuses_non_2xx_responses(kind: str, status: int) -> None:
    body = sample_bytes(_KIND_PAYLOADS[kind])
    with pytest.raises(SourceFormatError, match=f"HTTP {status}"):
        _build(kind, "http://127.0.0.1/board").parse(response(body, status=status))


# -- the factory -----------------------------------------------------------------------------


def test_default_endpoints_and_names() -> None:
    greenhouse = build_source("greenhouse", board="scaleai", url=None, name=None, company=None)
    ashby = build_source("ashby", board="openai", url=None, name="openai-jobs", company="OpenAI")
    assert greenhouse.name == "greenhouse:scaleai"
    assert (
        str(greenhouse.first_request(SourceState()).url)
        == "https://boards-api.greenhouse.io/v1/boards/scaleai/jobs?content=true"
    )
    assert ashby.name == "openai-jobs"
    assert (
        str(ashby.first_request(SourceState()).url)
        == "https://api.ashbyhq.com/posting-api/job-board/openai?includeCompensation=true"
    )
    assert (
        build_source("remoteok", board=None, url=None, name=None, company=None).name
        == "remoteok:remoteok.com"
    )


@pytest.mark.parametrize(
    ("kind", "board", "url", "message"),
    [
        ("indeed", "x", None, "unknown source kind 'indeed'"),
        ("greenhouse", None, None, "needs a board"),
        ("lever", "  ", None, "needs a board"),
        ("rss", None, None, "needs a url"),
        ("rss", "x", "https://a.example/feed", "takes no board"),
        ("rss", None, "not a url", "absolute feed url"),
        ("remoteok", "x", None, "takes no board"),
    ],
)
def test_bad_source_config_is_refused_with_a_clear_message(
    kind: str, board: str | None, url: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build_source(kind, board=board, url=url, name=None, company=None)


@pytest.mark.parametrize("kind", ["remoteok", "remotive", "himalayas", "arbeitnow", "hn"])
def test_aggregators_refuse_a_company_because_each_job_names_its_own(kind: str) -> None:
    with pytest.raises(ValueError, match="takes no company"):
        build_source(kind, board=None, url=None, name=None, company="Acme")


# -- robustness ------------------------------------------------------------------------------


def _mutations(body: bytes, seed: int, count: int) -> list[bytes]:
    """Deterministic damage to a payload: cuts, flipped bytes, swapped values and types."""
    rng = random.Random(seed)
    swaps = [b'"x"', b"null", b"[]", b"{}", b"-1", b"1e400", b"9" * 5000, b"true", b'"<p>"']
    out = []
    for _ in range(count):
        data = bytearray(body)
        action = rng.randrange(4)
        if action == 0:
            data = data[: rng.randrange(len(data))]
        elif action == 1:
            for _ in range(rng.randrange(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            for _ in range(rng.randrange(1, 4)):
                spots = [i for i, byte in enumerate(data) if byte in b":,[" and i + 1 < len(data)]
                if not spots:
                    break
                start = rng.choice(spots) + 1
                end = start + rng.randrange(1, 40)
                data[start:end] = rng.choice(swaps) + (b"," if action == 2 else b"")
        out.append(bytes(data))
    return out


@pytest.mark.parametrize("kind", sorted(_KIND_PAYLOADS))
def test_damaged_payloads_give_postings_or_a_format_error_and_nothing_else(kind: str) -> None:
    source = _build(kind, "http://127.0.0.1/board")
    outcomes = {"parsed": 0, "refused": 0}
    for body in _mutations(sample_bytes(_KIND_PAYLOADS[kind]), seed=len(kind), count=150):
        try:
            page = source.parse(response(body))
        except SourceFormatError:
            outcomes["refused"] += 1
            continue
        outcomes["parsed"] += 1
        for posting in page.postings:  # whatever survives is whole, not junk
            assert posting.native_id and posting.title and posting.url
            assert posting.posted_at is None or posting.posted_at.tzinfo is not None
    assert outcomes["refused"] > 0


def test_every_kind_the_config_accepts_has_an_implementation() -> None:
    """A kind added to the core list without an adapter (or the reverse) would pass config
    validation and then fail at start-up."""
    assert set(SOURCE_KINDS) == set(KNOWN_KINDS)


def test_factory_refuses_what_the_config_refuses() -> None:
    with pytest.raises(ValueError, match="needs a board"):
        build_source("greenhouse")
    with pytest.raises(ValueError, match="needs a url"):
        build_source("rss")
    with pytest.raises(ValueError, match="takes no company"):
        build_source("remoteok", company="Acme")
    with pytest.raises(ValueError, match="unknown source kind"):
        build_source("monster")
