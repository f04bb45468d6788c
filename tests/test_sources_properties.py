"""No payload can make a new source's `parse` fail in any way but one SourceFormatError.

Each source kind added for issue 11 (and the RSS reader, whose titles it changed) is fed, by
hypothesis, its own recorded-shape payload damaged every way a server gets it wrong: cut
short, HTML where JSON was expected, fields missing, values of the wrong type, huge fields,
bytes that are not UTF-8, the whole document replaced. Every answer must be a page whose
postings are whole, or a SourceFormatError for the payload; a bad item is skipped (and
counted) by `map_items`, and nothing inside may fail unexpectedly either: `posting_failed`,
which logs a bug a posting reached, must stay silent.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.sources.arbeitnow import ArbeitnowSource
from adapters.sources.hackernews import HackerNewsSource
from adapters.sources.jobspy_source import JobSpySearch, JobSpySource
from adapters.sources.jsonld import JsonLdSource
from adapters.sources.recruitee import RecruiteeSource
from adapters.sources.rss import RssSource
from adapters.sources.smartrecruiters import SmartRecruitersSource
from bot.errors import SourceFormatError
from bot.polling.source import Page, Source, SourceState
from bot.postings.normalize import MAX_DESCRIPTION_CHARS, MAX_FIELD_CHARS, MAX_TITLE_CHARS
from tests.sources_helpers import response, sample_bytes

#: `VIGIA_PROPERTY_EXAMPLES=2000 pytest tests/test_sources_properties.py` for a deep run.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("VIGIA_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- damage ----------------------------------------------------------------------------------

_HTML_PAGE = (
    b"<!doctype html><html><head><title>Just a moment...</title></head>"
    b"<body><p>Checking your browser before accessing the site.</p></body></html>"
)
#: Values of every JSON type, nested a little, numbers past float range included.
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=40)
    | st.sampled_from(["", " ", "<p>", "&lt;p&gt;", "http://", "javascript:alert(1)", "NaN"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
#: Fields a hostile or broken server makes huge.
_HUGE_VALUES = st.sampled_from(
    [
        "x" * 300_000,
        "<p>" + "palabra " * 40_000 + "</p>",
        "<div>" * 5_000,
        "9" * 5_000,
        "https://jobs.example.org/" + "a/" * 20_000,
        "Acme | " * 10_000,
        ["x"] * 10_000,
        10**400,
    ]
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path to every value under `value` (dict keys and list positions)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


@st.composite
def damaged_documents(draw: st.DrawFn, document: Any) -> bytes:
    """`document` with 1 to 4 values deleted or replaced (by another type, or a huge one), or
    replaced whole, as JSON bytes."""
    if draw(st.integers(0, 9)) == 0:
        return json.dumps(draw(_JSON_VALUES)).encode()
    damaged = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(damaged))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = damaged
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["delete", "retype", "huge"]))
        if action == "delete":
            del parent[path[-1]]
        else:  # a copy: the same huge list drawn twice must not end up inside itself
            parent[path[-1]] = copy.deepcopy(
                draw(_JSON_VALUES if action == "retype" else _HUGE_VALUES)
            )
    return json.dumps(damaged).encode()


@st.composite
def damaged_bytes(draw: st.DrawFn, body: bytes) -> bytes:
    """`body` cut short, with bytes that are not UTF-8 let in, or swapped for an HTML page."""
    action = draw(st.sampled_from(["cut", "bytes", "html", "empty"]))
    if action == "cut":
        return body[: draw(st.integers(0, len(body) - 1))]
    if action == "bytes":
        at = draw(st.integers(0, len(body)))
        junk = draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"\xff", b"\xc3\x28"]))
        return body[:at] + junk + body[at:]
    if action == "html":
        return _HTML_PAGE
    return draw(st.sampled_from([b"", b"   \n", b"\x00"]))


def damaged(body: bytes, document: Any) -> st.SearchStrategy[bytes]:
    return st.one_of(damaged_documents(document), damaged_bytes(body))


# -- the check -------------------------------------------------------------------------------


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _no_posting_failures() -> Iterator[None]:
    """`posting_failed` logs a bug one item reached; the block must not call it."""
    handler = _Failures()
    logger = logging.getLogger("vigia.failures")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert handler.messages == []


def assert_parses_or_refuses(
    source: Source,
    body: bytes,
    *,
    request: httpx.Request | None = None,
    content_type: str = "application/json",
) -> Page | None:
    """`source.parse` gives whole postings, or a SourceFormatError, and nothing else."""
    with _no_posting_failures():
        try:
            page = source.parse(response(body, request=request, content_type=content_type))
        except SourceFormatError as error:
            assert error.source == source.name
            return None
    for posting in page.postings:
        assert posting.source == source.name
        assert posting.native_id.strip() and posting.url.strip() and posting.title.strip()
        assert len(posting.title) <= MAX_TITLE_CHARS
        assert len(posting.company) <= MAX_FIELD_CHARS and len(posting.location) <= MAX_FIELD_CHARS
        assert len(posting.description) <= MAX_DESCRIPTION_CHARS
        assert posting.posted_at is None or posting.posted_at.tzinfo is not None
        assert posting.pay is None or 0 < posting.pay.min_amount <= posting.pay.max_amount
    assert page.next_request is None or isinstance(page.next_request, httpx.Request)
    return page


def _fixture(name: str) -> tuple[bytes, Any]:
    body = sample_bytes(name)
    return body, json.loads(body)


# -- one property per source kind ------------------------------------------------------------

_RECRUITEE = _fixture("recruitee_offers.fixture.json")
_ARBEITNOW = _fixture("arbeitnow_job_board_page1.fixture.json")
_SR_LIST = _fixture("smartrecruiters_postings.fixture.json")
_SR_DETAILS = json.loads(sample_bytes("smartrecruiters_details.fixture.json"))
_HN_STORIES = _fixture("hn_whoishiring_stories.fixture.json")
_HN_COMMENTS = _fixture("hn_whoishiring_comments.fixture.json")
_JOBSPY_ROWS = _fixture("jobspy_rows.fixture.json")


@PROPERTY_SETTINGS
@given(damaged(*_RECRUITEE))
def test_recruitee(body: bytes) -> None:
    assert_parses_or_refuses(RecruiteeSource("datalab", url="http://127.0.0.1/api/offers/"), body)


@PROPERTY_SETTINGS
@given(damaged(*_ARBEITNOW))
def test_arbeitnow(body: bytes) -> None:
    page = assert_parses_or_refuses(ArbeitnowSource(url="http://127.0.0.1/api"), body)
    if page is not None and page.next_request is not None:
        assert page.next_request.url.host == "127.0.0.1"  # never another host


def _smartrecruiters() -> SmartRecruitersSource:
    return SmartRecruitersSource("LumenData", url="http://127.0.0.1/v1/companies/x/postings")


@PROPERTY_SETTINGS
@given(damaged(*_SR_LIST))
def test_smartrecruiters_list(body: bytes) -> None:
    source = _smartrecruiters()
    page = assert_parses_or_refuses(source, body, request=source.first_request(SourceState()))
    if page is not None and page.next_request is not None:
        assert page.next_request.url.host == "127.0.0.1"


def _detail_request() -> httpx.Request:
    """The first detail call of the fixture list's walk (it carries the rest of the walk)."""
    source = _smartrecruiters()
    first = source.parse(response(_SR_LIST[0], request=source.first_request(SourceState())))
    assert first.next_request is not None
    return first.next_request


@PROPERTY_SETTINGS
@given(damaged(json.dumps(_SR_DETAILS["744000091234501"]).encode(), _SR_DETAILS["744000091234501"]))
def test_smartrecruiters_detail(body: bytes) -> None:
    page = assert_parses_or_refuses(_smartrecruiters(), body, request=_detail_request())
    if page is not None:  # whatever the detail says, the walk goes on to the next posting
        assert page.next_request is not None


def _hn() -> HackerNewsSource:
    return HackerNewsSource(url="http://127.0.0.1/api/v1/search_by_date")


@PROPERTY_SETTINGS
@given(damaged(*_HN_STORIES))
def test_hn_stories(body: bytes) -> None:
    source = _hn()
    assert_parses_or_refuses(source, body, request=source.first_request(SourceState()))


@PROPERTY_SETTINGS
@given(damaged(*_HN_COMMENTS))
def test_hn_comments(body: bytes) -> None:
    request = httpx.Request(
        "GET", "http://127.0.0.1/api/v1/search_by_date?tags=comment,story_46120002&page=0"
    )
    assert_parses_or_refuses(_hn(), body, request=request)


@PROPERTY_SETTINGS
@given(damaged(*_JOBSPY_ROWS))
def test_jobspy_rows(body: bytes) -> None:
    assert_parses_or_refuses(JobSpySource(JobSpySearch("ai trainer")), body)


_CAREERS_PAGE = sample_bytes("careers_jsonld.fixture.html")
_JOB_POSTINGS: list[dict[str, Any]] = [
    {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "AI Trainer - Spanish",
        "identifier": {"@type": "PropertyValue", "value": "NW-1"},
        "url": "/careers/ai-trainer",
        "hiringOrganization": {
            "@type": "Organization",
            "name": "Northwind",
            "sameAs": "https://nw.io",
        },
        "datePosted": "2026-11-21",
        "jobLocationType": "TELECOMMUTE",
        "jobLocation": {"@type": "Place", "address": {"addressLocality": "Madrid"}},
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 20,
                "maxValue": 28,
                "unitText": "HOUR",
            },
        },
        "description": "&lt;p&gt;Escribe y evalúa respuestas.&lt;/p&gt;",
    },
    {"@type": ["JobPosting"], "@id": "#two", "title": "Evaluator", "description": "<p>Rate.</p>"},
]


@st.composite
def damaged_pages(draw: st.DrawFn) -> bytes:
    """A careers page whose JSON-LD is damaged, or the page itself."""
    if draw(st.booleans()):
        return draw(damaged_bytes(_CAREERS_PAGE))
    document = draw(damaged_documents(_JOB_POSTINGS))
    return b'<html><script type="application/ld+json">' + document + b"</script></html>"


@PROPERTY_SETTINGS
@given(damaged_pages() | damaged_documents(_JOB_POSTINGS))
def test_jsonld(body: bytes) -> None:
    source = JsonLdSource("http://127.0.0.1/careers")
    assert_parses_or_refuses(
        source, body, request=source.first_request(SourceState()), content_type="text/html"
    )


_FEED = sample_bytes("wwr_feed.fixture.rss")


@st.composite
def damaged_feeds(draw: st.DrawFn) -> bytes:
    """The feed with bytes damaged, or with a title, author or element swapped for junk."""
    if draw(st.booleans()):
        return draw(damaged_bytes(_FEED))
    junk = draw(st.text(max_size=60)).encode("utf-8", "replace")
    target = draw(
        st.sampled_from(
            [b"Pearl Data: ", b"Acme Books: Senior Accountant", b"<region>", b"<title>"]
        )
    )
    replacement = draw(st.sampled_from([junk, b"<author>" + junk + b"</author>", b": " * 50, b""]))
    return _FEED.replace(target, replacement)


@PROPERTY_SETTINGS
@given(damaged_feeds())
def test_rss(body: bytes) -> None:
    source = RssSource("https://weworkremotely.com/remote-jobs.rss")
    assert_parses_or_refuses(source, body, content_type="application/rss+xml")


# -- what the properties found, kept as plain examples ---------------------------------------


def test_a_title_of_control_characters_is_a_bad_item() -> None:
    feed = _FEED.replace(b"Acme Books: Senior Accountant", b"\x08")
    page = assert_parses_or_refuses(
        RssSource("https://weworkremotely.com/remote-jobs.rss"),
        feed,
        content_type="application/rss+xml",
    )
    assert page is not None and [p.title for p in page.postings] == ["AI Writing Evaluator"]


def test_a_next_page_address_too_long_for_httpx_is_the_payload_s_fault() -> None:
    from adapters.sources.himalayas import HimalayasSource

    body = json.dumps({"jobs": json.loads(sample_bytes("himalayas_search.fixture.json"))["jobs"],
                       "nextCursor": "c" * 70_000})  # fmt: skip
    assert assert_parses_or_refuses(HimalayasSource(search="rlhf"), body.encode()) is None


def test_a_posting_id_too_long_for_an_address_gets_no_detail_call() -> None:
    listing = copy.deepcopy(_SR_LIST[1])
    listing["content"][0]["id"] = "7" * 70_000
    source = _smartrecruiters()
    page = assert_parses_or_refuses(
        source, json.dumps(listing).encode(), request=source.first_request(SourceState())
    )
    assert page is not None and page.next_request is not None
    # Its link would hold the 70,000-character id, longer than any page's: the posting has
    # no usable link and is skipped (issue 9's caps), the rest of the list is read.
    assert page.postings == []


def test_a_salary_whose_maximum_is_zero_reads_as_its_minimum() -> None:
    job = copy.deepcopy(_JOB_POSTINGS[0])
    job["baseSalary"]["value"]["maxValue"] = 0
    page = JsonLdSource("http://127.0.0.1/careers").parse(response(json.dumps(job)))
    assert [(p.pay.min_amount, p.pay.max_amount) for p in page.postings if p.pay] == [(20, 20)]


def test_every_new_kind_has_a_property() -> None:
    """The sources added for issue 11, and the RSS reader their work changed."""
    covered: set[str] = {
        source.kind
        for source in (
            RecruiteeSource,
            ArbeitnowSource,
            SmartRecruitersSource,
            HackerNewsSource,
            JobSpySource,
            JsonLdSource,
            RssSource,
        )
    }
    assert covered == {"recruitee", "arbeitnow", "smartrecruiters", "hn", "jobspy", "jsonld", "rss"}
