"""Reading a posting out of a job page: JSON-LD first, then OpenGraph, then the text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.links.extract import MAX_DESCRIPTION_CHARS, extract_posting
from bot.models import Pay, PayPeriod
from tests.linkcheck_helpers import page_bytes

PAGE_URL = "https://careers.northwind-labs.example/jobs/4821"


def html_page(*json_ld: object, head: str = "", body: str = "<main><p>Text.</p></main>") -> bytes:
    blocks = (block if isinstance(block, str) else json.dumps(block) for block in json_ld)
    scripts = "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    return f"<html><head>{head}{scripts}</head><body>{body}</body></html>".encode()


def test_a_json_ld_job_posting_gives_employer_pay_and_remote() -> None:
    result = extract_posting(PAGE_URL, page_bytes("jobposting_jsonld.html"), "text/html")
    posting = result.posting
    assert result.how == "jsonld"
    assert posting.source == "link"
    assert posting.url == PAGE_URL  # where it was fetched, not where it claims to be
    assert posting.native_id == "NW-4821"
    assert posting.title == "AI Trainer – Spanish (Freelance)"
    assert posting.company == "Northwind Labs"
    assert posting.company_domain == "northwind-labs.example"  # not linkedin.com
    assert posting.remote is True
    assert posting.location == "Mexico, Colombia"
    assert posting.pay == Pay(18.0, 30.0, "USD", PayPeriod.HOUR)
    assert posting.posted_at == datetime(2026, 10, 1, tzinfo=UTC)
    assert posting.language == "en"
    # The escaped HTML description reads as text, lists kept as lists.
    assert posting.description.startswith("Help us teach AI models to write natural Spanish.")
    assert "- Review and rank model answers" in posting.description
    assert "<" not in posting.description and "&lt;" not in posting.description
    assert "Northwind Labs" in result.company_profile
    assert "https://www.northwind-labs.example" in result.company_profile


def test_a_graph_with_an_employer_reference_is_resolved() -> None:
    result = extract_posting("", page_bytes("graph_jsonld.html"), "text/html; charset=utf-8")
    posting = result.posting
    assert result.how == "jsonld"
    assert posting.title == "Entrenador de IA bilingüe"
    assert posting.company == "Grupo Andino"
    assert posting.company_domain == "grupoandino.example"
    assert "Consultora de datos" in result.company_profile
    assert posting.location == "Lima, Perú / Bogotá, Colombia"
    assert posting.pay == Pay(4500.0, 4500.0, "PEN", PayPeriod.MONTH)
    assert posting.posted_at == datetime(2026, 9, 15, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert posting.language == "es"
    assert posting.remote is None  # hybrid is not remote, and the page does not say otherwise


def test_a_saved_page_uses_the_address_it_declares() -> None:
    result = extract_posting("", page_bytes("jobposting_jsonld.html"), "text/html")
    assert result.declared_url is not None
    assert result.posting.url.startswith("https://careers.northwind-labs.example/jobs/4821")


def test_an_opengraph_page_gives_title_site_and_main_text() -> None:
    result = extract_posting("", page_bytes("opengraph.html"), "text/html")
    posting = result.posting
    assert result.how == "opengraph"
    assert posting.title == "Remote AI Data Annotator"
    assert posting.company == "Bluefin Data"
    assert posting.url == "https://jobs.bluefin-data.example/annotator"
    assert posting.pay == Pay(16.0, 22.0, "USD", PayPeriod.HOUR)
    assert posting.remote is True
    assert "careful annotators" in posting.description
    assert "Cookie settings" not in posting.description  # page chrome is not the posting
    assert "Privacy" not in posting.description


def test_a_plain_text_message_is_read_as_the_posting() -> None:
    result = extract_posting("", page_bytes("recruiter_message.txt"), "text/plain")
    posting = result.posting
    assert result.how == "text"
    assert posting.title == "Hola! Soy Laura, reclutadora de Outlier AI."
    assert "Telegram @laura_outlier_rrhh" in posting.description
    assert posting.pay == Pay(45.0, 45.0, "USD", PayPeriod.HOUR)
    assert posting.language == "es"
    assert posting.url == ""
    assert posting.native_id.startswith("text:")


def test_a_page_without_structure_falls_back_to_its_text() -> None:
    body = (
        b"<html><head><title>Trabaja con nosotros</title></head><body>"
        b"<nav>Inicio</nav><div><p>Buscamos evaluadores de respuestas de IA.</p></div>"
        b"</body></html>"
    )
    result = extract_posting("https://example.org/empleo", body, "text/html")
    assert result.how == "text"
    assert result.posting.title == "Trabaja con nosotros"
    assert result.posting.description == "Buscamos evaluadores de respuestas de IA."
    assert result.posting.native_id == "https://example.org/empleo"


def test_broken_json_ld_is_skipped_and_a_later_block_still_read() -> None:
    body = html_page(
        '{"@type": "JobPosting", "title": ',
        "not json at all",
        {"@context": "https://schema.org", "@type": "JobPosting", "title": "Rater"},
    )
    result = extract_posting(PAGE_URL, body, "text/html")
    assert result.how == "jsonld"
    assert result.posting.title == "Rater"


def test_job_posting_in_a_list_with_type_list_and_employer_as_a_string() -> None:
    body = html_page(
        [
            {"@type": "Organization", "name": "Someone else"},
            {
                "@type": ["Thing", "http://schema.org/JobPosting"],
                "title": ["Prompt writer"],
                "hiringOrganization": "Acme Data",
                "jobLocationType": ["TELECOMMUTE"],
                "baseSalary": 85000,
            },
        ]
    )
    posting = extract_posting(PAGE_URL, body, "text/html").posting
    assert posting.title == "Prompt writer"
    assert posting.company == "Acme Data"
    assert posting.company_domain is None
    assert posting.remote is True
    assert posting.pay == Pay(85000.0, 85000.0, "", PayPeriod.YEAR)


def test_a_job_posting_nested_as_main_entity_is_found() -> None:
    body = html_page(
        {
            "@type": "WebPage",
            "mainEntity": {
                "@type": "JobPosting",
                "title": "Data labeler",
                "datePosted": "2026-08-02",
            },
        }
    )
    posting = extract_posting(PAGE_URL, body, "text/html").posting
    assert posting.title == "Data labeler"
    assert posting.posted_at == datetime(2026, 8, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        (
            {"currency": "EUR", "value": {"value": "2.100", "unitText": "MONTH"}},
            Pay(2100.0, 2100.0, "EUR", PayPeriod.MONTH),
        ),
        (
            {"currency": "USD", "value": {"minValue": "40", "maxValue": "20", "unitText": "hr"}},
            Pay(20.0, 40.0, "USD", PayPeriod.HOUR),
        ),
        ({"currency": "USD", "value": 120000}, Pay(120000.0, 120000.0, "USD", PayPeriod.YEAR)),
        ({"currency": "USD", "value": 25}, None),  # no unit, too small to be a yearly salary
        ({"currency": "USD", "value": {"value": "n/a"}}, None),
    ],
)
def test_base_salary_shapes(salary: dict[str, object], expected: Pay | None) -> None:
    body = html_page({"@type": "JobPosting", "title": "Rater", "baseSalary": salary})
    assert extract_posting(PAGE_URL, body, "text/html").posting.pay == expected


def test_pay_stated_only_in_the_description_is_read() -> None:
    body = html_page(
        {"@type": "JobPosting", "title": "Rater", "description": "<p>We pay $35 per hour.</p>"}
    )
    assert extract_posting(PAGE_URL, body, "text/html").posting.pay == Pay(
        35.0, 35.0, "USD", PayPeriod.HOUR
    )


def test_a_json_ld_document_served_as_json() -> None:
    body = json.dumps(
        {"@type": "JobPosting", "title": "Evaluator", "hiringOrganization": {"name": "Acme"}}
    ).encode()
    result = extract_posting(PAGE_URL, body, "application/ld+json")
    assert result.how == "jsonld"
    assert result.posting.company == "Acme"


def test_another_json_document_is_read_as_text() -> None:
    body = json.dumps({"title": "Tutor", "details": {"body": "Pay a $40 fee to start."}}).encode()
    result = extract_posting(PAGE_URL, body, "application/json")
    assert result.how == "text"
    assert result.posting.title == "Tutor"
    assert "Pay a $40 fee to start." in result.posting.description


def test_the_charset_of_the_page_is_honoured() -> None:
    body = '<html><head><meta charset="iso-8859-1"><title>Señal</title></head></html>'.encode(
        "latin-1"
    )
    assert extract_posting(PAGE_URL, body, "text/html").posting.title == "Señal"
    header_said = "<html><head><title>Año</title></head></html>".encode("cp1252")
    posting = extract_posting(PAGE_URL, header_said, "text/html; charset=windows-1252").posting
    assert posting.title == "Año"


def test_a_huge_page_gives_a_bounded_description() -> None:
    body = b"<html><body><main>" + b"<p>filler words here</p>" * 200_000 + b"</main></body></html>"
    posting = extract_posting(PAGE_URL, body, "text/html").posting
    assert len(posting.description) <= MAX_DESCRIPTION_CHARS


def test_garbage_never_raises() -> None:
    for body in (b"", b"\xff\xfe\x00", b"<<<>>>", b"{", b"[1, 2", b"\x00" * 100):
        for content_type in ("text/html", "application/json", "text/plain", ""):
            result = extract_posting(PAGE_URL, body, content_type)
            assert result.posting.source == "link"
