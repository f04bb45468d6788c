"""The applicant-tracking systems added for issue 11: Recruitee careers sites and the
SmartRecruiters Posting API, over real sockets (a local server serves the payloads)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from adapters.sources import build_source
from adapters.sources.smartrecruiters import SmartRecruitersSource
from bot.models import Pay, PayPeriod
from bot.polling.source import SourceState
from bot.store import Database
from tests.conftest import FakeClock
from tests.pipeline_helpers import make_poller
from tests.sources_helpers import (
    PayloadServer,
    assert_fields,
    assert_plain,
    by_id,
    payload_server,
    poll,
    poll_all,
    response,
    sample_bytes,
)

__all__ = ["payload_server"]  # the fixture, imported so pytest finds it


# -- Recruitee -------------------------------------------------------------------------------


async def test_recruitee_maps_offers_and_skips_drafts_and_broken_ones(
    payload_server: PayloadServer,
) -> None:
    url = payload_server.serve("/api/offers/", sample_bytes("recruitee_offers.fixture.json"))
    source = build_source("recruitee", board="datalab", url=url, name=None, company=None)
    postings = by_id((await poll(source)).postings)

    assert set(postings) == {"2104417", "2104420"}  # the draft and the untitled offer are not
    trainer = postings["2104417"]
    assert_fields(
        trainer,
        source="recruitee:datalab",
        title="Entrenador/a de IA – Español (remoto)",
        company="Datalab Ibérica",  # company_name, not the slug
        url="https://datalab.recruitee.com/o/entrenador-de-ia-espanol-remoto",
        company_domain=None,  # a recruitee.com page says nothing of the company
        location="Remote job",
        remote=True,
        pay=Pay(18, 24, "EUR", PayPeriod.HOUR),  # amounts arrive as strings
        posted_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),  # "… UTC" suffix
        language="es",
    )
    assert_plain(trainer.description)
    assert trainer.description.startswith("Buscamos entrenadores de IA con español nativo")
    assert "Español nativo y buen nivel de inglés" in trainer.description  # requirements too

    office = postings["2104420"]
    assert_fields(
        office,
        company_domain="datalab-iberica.es",  # a careers page on the company's own domain
        location="Madrid, Comunidad de Madrid, Spain",  # no location line: city, region, country
        remote=False,  # hybrid
        pay=Pay(32_000, 32_000, "EUR", PayPeriod.YEAR),  # only a maximum
        posted_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC),  # published_at null: created_at
    )


def test_recruitee_endpoint_and_name_come_from_the_company_subdomain() -> None:
    source = build_source("recruitee", board="pearl-data", url=None, name=None, company=None)
    assert source.name == "recruitee:pearl-data"
    assert (
        str(source.first_request(SourceState()).url)
        == "https://pearl-data.recruitee.com/api/offers/"
    )


# -- SmartRecruiters -------------------------------------------------------------------------

_SR_LIST = "/v1/companies/LumenData/postings"


def _serve_smartrecruiters(server: PayloadServer, listing: object | None = None) -> str:
    """The fixture company's list (or `listing`) and the detail of each of its postings."""
    body = sample_bytes("smartrecruiters_postings.fixture.json")
    url = server.serve(_SR_LIST, json.dumps(listing) if listing is not None else body)
    details = json.loads(sample_bytes("smartrecruiters_details.fixture.json"))
    for posting_id, detail in details.items():
        server.serve(f"{_SR_LIST}/{posting_id}", json.dumps(detail))
    return url


def _sr_source(url: str, **options: Any) -> SmartRecruitersSource:
    return SmartRecruitersSource("LumenData", url=url, **options)


async def test_smartrecruiters_reads_the_list_then_each_posting_s_detail(
    payload_server: PayloadServer,
) -> None:
    source = _sr_source(_serve_smartrecruiters(payload_server))
    postings = by_id(await poll_all(source))

    assert set(postings) == {"744000091234501", "744000091234502", "744000091234503"}
    # One list call, then the details, newest first. The refs name api.smartrecruiters.com;
    # the details are asked of the source's own host.
    assert [(r.path, r.query) for r in payload_server.received] == [
        (_SR_LIST, "limit=100&offset=0"),
        (f"{_SR_LIST}/744000091234501", ""),
        (f"{_SR_LIST}/744000091234502", ""),
        (f"{_SR_LIST}/744000091234503", ""),
    ]
    trainer = postings["744000091234501"]
    assert_fields(
        trainer,
        source="smartrecruiters:LumenData",
        title="AI Trainer – Spanish (Freelance)",
        company="Lumen Data",
        url="https://jobs.smartrecruiters.com/LumenData/744000091234501-ai-trainer-spanish-freelance-",
        company_domain=None,
        location="Ciudad de México, CDMX, Mexico",
        remote=True,
        pay=Pay(22, 22, "USD", PayPeriod.HOUR),  # from the job ad's text
        posted_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
        language="es",
    )
    assert_plain(trainer.description)
    # The role first, the company's blurb last, each section under its title.
    assert trainer.description.startswith("Job Description\nBuscamos entrenadores de IA")
    assert trainer.description.endswith(
        "Company Description\nLumen Data builds training data for language models."
    )
    assert_fields(
        postings["744000091234502"],
        location="Madrid, MD, ES",  # no fullLocation: city, region, country
        remote=False,  # hybrid
    )
    assert postings["744000091234503"].company_domain == "lumendata.io"  # its own careers site


async def test_smartrecruiters_details_only_the_newest_postings_of_a_poll(
    payload_server: PayloadServer,
) -> None:
    source = _sr_source(_serve_smartrecruiters(payload_server), max_details=1)
    page = await poll(source)

    # Beyond the budget, postings come from the list at once, without a description.
    assert {p.native_id: p.description for p in page.postings} == {
        "744000091234502": "",
        "744000091234503": "",
    }
    postings = by_id(await poll_all(source))
    assert postings["744000091234501"].description.startswith("Job Description")
    assert [r.path.rsplit("/", 1)[-1] for r in payload_server.received] == [
        "postings",  # the first poll, not followed
        "postings",  # the second, followed: one detail
        "744000091234501",
    ]


async def test_smartrecruiters_pages_the_list_and_keeps_one_budget_for_the_poll(
    payload_server: PayloadServer,
) -> None:
    listing = json.loads(sample_bytes("smartrecruiters_postings.fixture.json"))
    first, second = dict(listing), dict(listing)
    first["content"] = listing["content"][:2]
    second.update(offset=2, content=listing["content"][2:3])
    first["totalFound"] = second["totalFound"] = 3
    url = _serve_smartrecruiters(payload_server, first)
    payload_server.serve(f"{_SR_LIST}?limit=100&offset=2", json.dumps(second))
    source = _sr_source(url, max_details=2)

    postings = by_id(await poll_all(source))

    assert [(r.path, r.query) for r in payload_server.received] == [
        (_SR_LIST, "limit=100&offset=0"),
        (f"{_SR_LIST}/744000091234501", ""),
        (f"{_SR_LIST}/744000091234502", ""),
        (_SR_LIST, "limit=100&offset=2"),  # the budget is spent: no detail on this page
    ]
    assert postings["744000091234503"].description == ""
    assert postings["744000091234503"].url == (
        "https://jobs.smartrecruiters.com/LumenData/744000091234503"  # the public job page
    )


async def test_smartrecruiters_odd_details_keep_the_list_s_fields(
    payload_server: PayloadServer,
) -> None:
    url = _serve_smartrecruiters(payload_server)
    details = json.loads(sample_bytes("smartrecruiters_details.fixture.json"))
    withdrawn = {**details["744000091234501"], "active": False}
    payload_server.serve(f"{_SR_LIST}/744000091234501", json.dumps(withdrawn))
    payload_server.serve(f"{_SR_LIST}/744000091234502", json.dumps(details["744000091234503"]))
    payload_server.serve(f"{_SR_LIST}/744000091234503", "[]")

    postings = by_id(await poll_all(_sr_source(url)))

    assert "744000091234501" not in postings  # withdrawn between the list and its detail
    assert_fields(  # another posting's detail is not this posting's
        postings["744000091234502"], title="Data Annotation Specialist", description=""
    )
    assert postings["744000091234503"].title == "Facilities Coordinator"  # a detail that is `[]`


async def test_smartrecruiters_follows_a_ref_on_its_own_host(payload_server: PayloadServer) -> None:
    listing = json.loads(sample_bytes("smartrecruiters_postings.fixture.json"))
    [item] = listing["content"][:1]
    item["ref"] = payload_server.url("/api-v1/companies/LumenData/postings/744000091234501")
    listing.update(content=[item], totalFound=1)
    url = payload_server.serve(_SR_LIST, json.dumps(listing))
    detail = json.loads(sample_bytes("smartrecruiters_details.fixture.json"))["744000091234501"]
    payload_server.serve("/api-v1/companies/LumenData/postings/744000091234501", json.dumps(detail))

    [posting] = await poll_all(_sr_source(url))

    assert posting.description.startswith("Job Description")
    assert [r.path for r in payload_server.received][1].startswith("/api-v1/")


async def test_smartrecruiters_walk_is_cut_by_the_poller_s_max_pages(
    db: Database, clock: FakeClock, payload_server: PayloadServer
) -> None:
    source = _sr_source(_serve_smartrecruiters(payload_server))
    async with httpx.AsyncClient(timeout=5.0, trust_env=False) as http:
        result = await make_poller(db, http, clock, max_pages=2).poll(source, interval_s=600)
    assert result.status == "200"
    assert len(payload_server.received) == 2  # the list and one detail: bounded
    assert result.new == 1  # the postings still waiting for their detail come next time


def test_smartrecruiters_documented_example_from_the_list_alone() -> None:
    source = build_source(
        "smartrecruiters", board="smartrecruiters", url=None, name=None, company=None
    )
    assert (
        str(source.first_request(SourceState()).url)
        == "https://api.smartrecruiters.com/v1/companies/smartrecruiters/postings?limit=100&offset=0"
    )
    list_only = SmartRecruitersSource("smartrecruiters", max_details=0)
    page = list_only.parse(response(sample_bytes("smartrecruiters_postings_list.docs.json")))
    assert page.next_request is None  # totalFound 1
    [posting] = page.postings
    assert_fields(
        posting,
        native_id="75551135",
        title="Director, Customer Engagement",
        company="SmartRecruiters Inc",
        url="https://jobs.smartrecruiters.com/smartrecruiters/75551135",
        location="San Francisco, CA, US",
        remote=True,
        posted_at=datetime(2014, 2, 19, 19, 36, 42, 346000, tzinfo=UTC),
    )
