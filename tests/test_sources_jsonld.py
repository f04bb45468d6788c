"""Careers pages read by their schema.org JobPosting JSON-LD (kind jsonld), through the same
extractor "is this legit?" uses, over real sockets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.sources import build_source
from adapters.sources.jsonld import JsonLdSource
from bot.errors import SourceFormatError
from bot.models import Pay, PayPeriod
from bot.polling.source import SourceState
from tests.sources_helpers import (
    PayloadServer,
    assert_fields,
    assert_plain,
    by_id,
    payload_server,
    poll,
    response,
    sample_bytes,
)

__all__ = ["payload_server"]  # the fixture, imported so pytest finds it

_PAGES_DIR = Path(__file__).parent / "data" / "pages"


async def test_a_careers_page_lists_every_job_posting_it_carries(
    payload_server: PayloadServer,
) -> None:
    url = payload_server.serve(
        "/careers",
        sample_bytes("careers_jsonld.fixture.html"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    source = build_source("jsonld", board=None, url=url, name=None, company=None)
    postings = by_id((await poll(source)).postings)

    # A list of two, one more in an @graph; the untitled one and the broken block are skipped.
    assert set(postings) == {
        "NW-2291",  # identifier.value
        "https://northwind-data.com/careers/office-manager",  # its own url
        "https://northwind-data.com/careers/#rlhf-reviewer",  # @id
    }
    trainer = postings["NW-2291"]
    assert_fields(
        trainer,
        source="jsonld:127.0.0.1",
        title="AI Trainer – Spanish (Contract)",
        company="Northwind Data",
        url=payload_server.url("/careers/ai-trainer-spanish"),  # relative url, resolved
        company_domain="northwind-data.com",
        location="Mexico, Spain",  # applicantLocationRequirements
        remote=True,  # TELECOMMUTE
        pay=Pay(20, 28, "USD", PayPeriod.HOUR),  # baseSalary
        posted_at=datetime(2026, 11, 21, tzinfo=UTC),
        language="es",  # inLanguage
    )
    assert_plain(trainer.description)  # entity-encoded HTML, decoded
    assert trainer.description.startswith("Buscamos entrenadores de IA con español nativo")

    office = postings["https://northwind-data.com/careers/office-manager"]
    assert_fields(
        office,
        company="Northwind Data",  # hiringOrganization as a plain string
        location="Madrid, ES",
        remote=False,  # "On-site only."
        posted_at=datetime(2026, 11, 2, 7, 30, tzinfo=UTC),  # +01:00, in UTC as every source
    )
    reviewer = postings["https://northwind-data.com/careers/#rlhf-reviewer"]
    assert_fields(
        reviewer,
        company="Northwind Data",  # an @id reference, resolved in the @graph
        url=url,  # no url of its own: the page's
        location="Remote - Americas",
        remote=True,
        pay=Pay(30, 30, "USD", PayPeriod.HOUR),  # from the text
    )


def test_a_single_posting_page_reads_as_the_legit_check_reads_it() -> None:
    page = (_PAGES_DIR / "graph_jsonld.html").read_text(encoding="utf-8")
    url = "https://empleos.grupoandino.example/ofertas/77"
    source = JsonLdSource(url, company="Fallback SA")
    request = source.first_request(SourceState())
    [posting] = source.parse(response(page, content_type="text/html", request=request)).postings
    assert_fields(
        posting,
        source="jsonld:empleos.grupoandino.example",
        native_id="https://empleos.grupoandino.example/ofertas/77#job",
        company="Grupo Andino",  # the page names its employer: the configured one is a fallback
        pay=Pay(4500, 4500, "PEN", PayPeriod.MONTH),
        language="es",
    )


def test_postings_without_id_or_url_get_ids_of_their_own() -> None:
    jobs: list[dict[str, Any]] = [
        {"@type": "JobPosting", "title": title, "description": f"<p>{title} wanted.</p>"}
        for title in ("Data Annotator", "Prompt Writer", "Data Annotator")
    ]
    jobs[2]["jobLocation"] = {"@type": "Place", "address": "Lima"}  # same title, another place
    page = f'<html><script type="application/ld+json">{json.dumps(jobs)}</script></html>'
    source = JsonLdSource("https://jobs.example.org/open", company="Example Org")
    postings = source.parse(response(page, content_type="text/html")).postings
    assert [p.title for p in postings] == ["Data Annotator", "Prompt Writer", "Data Annotator"]
    assert len({p.native_id for p in postings}) == 3
    assert all(p.native_id.startswith("http://127.0.0.1/test#") for p in postings)
    assert {p.company for p in postings} == {"Example Org"}  # no hiringOrganization


def test_a_json_ld_document_and_a_page_with_no_openings() -> None:
    source = JsonLdSource("https://jobs.example.org/feed.jsonld")
    document = {"@context": "https://schema.org", "@graph": [{"@type": "JobPosting", "title": "x"}]}
    [posting] = source.parse(response(json.dumps(document))).postings
    assert posting.title == "x"
    empty = "<html><head><title>Careers</title></head><body>No openings today.</body></html>"
    assert source.parse(response(empty, content_type="text/html")).postings == []


_CUT_OFF_PAGE = sample_bytes("careers_jsonld.fixture.html")[:700]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"  \n",
        b"\xff\xfe\x00\x01 binary",
        b"plain words, no markup",
        b'{"@graph": [',
        b"[1, 2",
        _CUT_OFF_PAGE,
        b'<html><script type="application/ld+json">{"@type": "JobPosting",</script></html>',
    ],
    ids=["empty", "blank", "binary", "text", "cut-json", "cut-list", "cut-page", "broken"],
)
def test_bodies_that_are_not_pages_are_refused(body: bytes) -> None:
    source = JsonLdSource("https://jobs.example.org/careers")
    with pytest.raises(SourceFormatError):
        source.parse(response(body, content_type="text/html"))


def test_a_page_whose_every_posting_is_unreadable_is_refused() -> None:
    jobs = [{"@type": "JobPosting", "description": "no title"}, {"@type": "JobPosting"}]
    page = f'<script type="application/ld+json">{json.dumps(jobs)}</script>'
    with pytest.raises(SourceFormatError, match="none of the 2"):
        JsonLdSource("https://jobs.example.org/").parse(response(page, content_type="text/html"))


def test_the_factory_needs_the_page_address() -> None:
    with pytest.raises(ValueError, match="needs a url"):
        build_source("jsonld", board=None, url=None, name=None, company=None)
    with pytest.raises(ValueError, match="takes no board"):
        build_source("jsonld", board="x", url="https://a.example/jobs", name=None, company=None)
    source = build_source(
        "jsonld", board=None, url="https://Careers.Acme.com/jobs", name=None, company="Acme"
    )
    assert source.name == "jsonld:careers.acme.com"
    assert "text/html" in (source.first_request(SourceState()).headers["Accept"])
