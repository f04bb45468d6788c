"""Aggregators added for issue 11 (Arbeitnow, Hacker News "Who is hiring?") and Himalayas'
paging, over real sockets: a local server serves the payloads and each page's own request."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from adapters.sources import build_source
from adapters.sources.arbeitnow import ArbeitnowSource
from adapters.sources.hackernews import FirstLine, read_first_line
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
    poll_all,
    response,
    sample_bytes,
)

__all__ = ["payload_server"]  # the fixture, imported so pytest finds it


# -- Arbeitnow -------------------------------------------------------------------------------


async def test_arbeitnow_maps_fields(payload_server: PayloadServer) -> None:
    url = payload_server.serve(
        "/api/job-board-api", sample_bytes("arbeitnow_job_board_page1.fixture.json")
    )
    source = build_source("arbeitnow", board=None, url=url, name=None, company=None)
    postings = by_id((await poll(source)).postings)

    assert len(postings) == 3
    trainer = postings["ki-trainer-deutsch-remote-lingua-labs-berlin-412233"]
    assert_fields(
        trainer,
        source="arbeitnow:127.0.0.1",
        title="KI-Trainer (m/w/d) Deutsch – AI Trainer German, Remote",
        company="Lingua Labs GmbH",
        url="https://www.arbeitnow.com/jobs/companies/lingua-labs-gmbh/"
        "ki-trainer-deutsch-remote-lingua-labs-berlin-412233",  # the link back to Arbeitnow
        location="Berlin",
        remote=True,
        posted_at=datetime(2025, 11, 27, 13, 0, tzinfo=UTC),  # epoch seconds
    )
    assert_plain(trainer.description)
    assert "- Flexible Arbeitszeiten" in trainer.description

    # `remote: false` only means the box was not ticked; nothing else says, so: unknown
    annotator = postings["data-annotator-spanish-madrid-etiqueta-madrid-412240"]
    assert annotator.remote is None


async def test_arbeitnow_follows_links_next_on_its_own_host(payload_server: PayloadServer) -> None:
    first = json.loads(sample_bytes("arbeitnow_job_board_page1.fixture.json"))
    second = {
        "data": [{**first["data"][0], "slug": "page-two-job"}],
        "links": {"next": "https://www.arbeitnow.com/api/job-board-api?page=3"},
    }
    third = {"data": [{**first["data"][0], "slug": "page-three-job"}], "links": {"next": None}}
    path = "/api/job-board-api"
    payload_server.serve(path, json.dumps(first))
    payload_server.serve(f"{path}?page=2", json.dumps(second))
    payload_server.serve(f"{path}?page=3", json.dumps(third))
    source = ArbeitnowSource(url=payload_server.url(path))

    postings = await poll_all(source)

    assert [p.native_id for p in postings][-2:] == ["page-two-job", "page-three-job"]
    # links.next names www.arbeitnow.com; only its page number is followed, here
    assert [r.query for r in payload_server.requests_to(path)] == ["", "page=2", "page=3"]


def test_arbeitnow_stops_when_links_next_does_not_move_forward() -> None:
    source = build_source("arbeitnow", board=None, url=None, name=None, company=None)
    assert source.name == "arbeitnow:www.arbeitnow.com"
    assert (
        str(source.first_request(SourceState()).url)
        == "https://www.arbeitnow.com/api/job-board-api"
    )
    same = json.dumps({"data": [], "links": {"next": "https://x.example/api?page=2"}})
    request = httpx.Request("GET", "https://www.arbeitnow.com/api/job-board-api?page=2")
    assert source.parse(response(same, request=request)).next_request is None
    for next_link in ("https://x.example/api", "https://x.example/api?page=abc", 7, None):
        body = json.dumps({"data": [], "links": {"next": next_link}})
        assert source.parse(response(body)).next_request is None


# -- Hacker News "Who is hiring?" ------------------------------------------------------------

_HN_SEARCH = "/api/v1/search_by_date"


def _serve_hn(server: PayloadServer) -> str:
    url = server.serve(_HN_SEARCH, sample_bytes("hn_whoishiring_stories.fixture.json"))
    server.serve(
        f"{_HN_SEARCH}?tags=comment%2Cstory_46120002&hitsPerPage=1000&page=0",
        sample_bytes("hn_whoishiring_comments.fixture.json"),
    )
    return url


async def test_hn_reads_the_month_s_hiring_thread_top_level_posts(
    payload_server: PayloadServer,
) -> None:
    source = build_source("hn", board=None, url=_serve_hn(payload_server), name=None, company=None)
    first = await poll(source)
    assert first.postings == [] and first.next_request is not None
    postings = by_id(await poll_all(source))

    # December's "Who is hiring?", not "Who wants to be hired?" (newer) nor November's.
    assert [r.query for r in payload_server.requests_to(_HN_SEARCH)][-2:] == [
        "tags=story,author_whoishiring&hitsPerPage=20",
        "tags=comment,story_46120002&hitsPerPage=1000&page=0",
    ]
    # Top-level posts in the shape; the reply, the shapeless post and the deleted one are not.
    assert set(postings) == {"46120310", "46120298", "46120277"}
    trainer = postings["46120310"]
    assert_fields(
        trainer,
        source="hn:127.0.0.1",
        title="AI Trainer (Spanish)",
        company="Pearl Data",
        url="https://news.ycombinator.com/item?id=46120310",  # the post, on Hacker News
        company_domain=None,  # a domain typed in a post is not the employer's word
        location="Remote (LATAM)",
        remote=True,
        pay=Pay(25, 35, "USD", PayPeriod.HOUR),
        posted_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
    )
    assert_plain(trainer.description)
    assert trainer.description.startswith("Pearl Data | AI Trainer (Spanish) |")
    assert "Apply: https://jobs.pearldata.example/es" in trainer.description
    assert_fields(
        postings["46120298"],
        title="Senior Backend Engineer",
        location="San Francisco, CA",
        remote=False,  # ONSITE
        pay=Pay(180_000, 220_000, "USD", PayPeriod.YEAR),
    )
    assert_fields(  # the link part is skipped; "Remote (EU)" in the place says remote
        postings["46120277"], title="Data Annotation Lead", location="Berlin or Remote (EU)"
    )
    assert postings["46120277"].remote is True


async def test_hn_follows_the_comment_pages(payload_server: PayloadServer) -> None:
    url = _serve_hn(payload_server)
    comments = json.loads(sample_bytes("hn_whoishiring_comments.fixture.json"))
    first, second = dict(comments), dict(comments)
    first.update(hits=comments["hits"][:1], nbPages=2)
    second.update(hits=comments["hits"][2:3], page=1, nbPages=2)
    base = f"{_HN_SEARCH}?tags=comment%2Cstory_46120002&hitsPerPage=1000"
    payload_server.serve(f"{base}&page=0", json.dumps(first))
    payload_server.serve(f"{base}&page=1", json.dumps(second))

    postings = await poll_all(build_source("hn", board=None, url=url, name=None, company=None))

    assert [p.native_id for p in postings] == ["46120310", "46120298"]
    assert len(payload_server.requests_to(_HN_SEARCH)) == 3


def test_hn_refuses_a_story_list_without_a_hiring_thread() -> None:
    source = build_source("hn", board=None, url=None, name=None, company=None)
    assert source.name == "hn:hn.algolia.com"
    assert str(source.first_request(SourceState()).url) == (
        "https://hn.algolia.com/api/v1/search_by_date"
        "?tags=story%2Cauthor_whoishiring&hitsPerPage=20"
    )
    stories = json.loads(sample_bytes("hn_whoishiring_stories.fixture.json"))
    stories["hits"] = [hit for hit in stories["hits"] if "hiring?" not in hit["title"]]
    with pytest.raises(SourceFormatError, match="no 'Ask HN: Who is hiring\\?' story"):
        source.parse(response(json.dumps(stories)))


def test_hn_comments_none_of_which_read_are_refused() -> None:
    source = build_source("hn", board=None, url=None, name=None, company=None)
    request = httpx.Request(
        "GET", "https://hn.algolia.com/api/v1/search_by_date?tags=comment,story_7&page=0"
    )
    hits = [
        {"objectID": "8", "parent_id": 7, "comment_text": "no pipes here"},
        {"objectID": "9", "parent_id": 7, "comment_text": None},
        {"objectID": "10", "parent_id": 8, "comment_text": "a reply | is | skipped, not bad"},
    ]
    with pytest.raises(SourceFormatError, match="none of the 2"):
        source.parse(response(json.dumps({"hits": hits[:2]}), request=request))
    page = source.parse(response(json.dumps({"hits": hits[2:]}), request=request))
    assert page.postings == [] and page.next_request is None  # replies only: nothing, fine


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Acme Corp (YC W22) | Multiple roles | NYC, Remote (US) | Full-time | VISA",
            FirstLine("Acme Corp (YC W22)", "Multiple roles", "NYC, Remote (US)"),
        ),
        (
            "Datos SA | Anotador de datos | Remoto | REMOTE ONLY | 15 USD por hora",
            FirstLine("Datos SA", "Anotador de datos", "Remoto", True, "15 USD por hora"),
        ),
        (
            "Orbit | ML Evaluator | Hybrid | €60k-€75k | https://orbit.example/jobs",
            FirstLine("Orbit", "ML Evaluator", "", False, "€60k-€75k"),
        ),
        ("Acme | REMOTE | $100k", None),  # no role
        ("We are hiring!", None),
        (" | Role only", None),
    ],
)
def test_hn_first_line_is_read_by_what_each_part_looks_like(
    line: str, expected: FirstLine | None
) -> None:
    assert read_first_line(f"{line}\n\nMore about the job.") == expected


# -- Himalayas' paging (sources.md: `limit=20&offset=N`, pages capped at 20) ----------------


def _himalayas_jobs(count: int) -> list[dict[str, object]]:
    template = json.loads(sample_bytes("himalayas_search.fixture.json"))["jobs"][0]
    return [{**template, "guid": f"https://himalayas.app/j/{i}"} for i in range(count)]


@pytest.mark.parametrize(
    ("asked", "payload", "next_query"),
    [
        # the payload echoes its offset and the total: the documented shape
        ("q=rlhf&limit=20", {"offset": 0, "totalCount": 45}, "q=rlhf&offset=20&limit=20"),
        ("q=rlhf&offset=40&limit=20", {"offset": 40, "totalCount": 60}, None),
        # no offset echoed: the one asked for counts (it used to stop here)
        ("q=rlhf&offset=20&limit=20", {"totalCount": 45}, "q=rlhf&offset=40&limit=20"),
        # no total: a full page of 20 may have a successor
        ("q=rlhf&limit=20", {}, "q=rlhf&offset=20&limit=20"),
    ],
)
def test_himalayas_pages_by_offset_20_at_a_time(
    asked: str, payload: dict[str, object], next_query: str | None
) -> None:
    source = build_source("himalayas", board="rlhf", url=None, name=None, company=None)
    request = httpx.Request("GET", f"https://himalayas.app/jobs/api/search?{asked}")
    body = json.dumps({"jobs": _himalayas_jobs(20), **payload})
    page = source.parse(response(body, request=request))
    assert len(page.postings) == 20
    if next_query is None:
        assert page.next_request is None
    else:
        assert page.next_request is not None
        assert page.next_request.url.query.decode() == next_query


def test_himalayas_short_page_without_a_total_is_the_last() -> None:
    source = build_source("himalayas", board="rlhf", url=None, name=None, company=None)
    body = json.dumps({"jobs": _himalayas_jobs(7)})
    assert source.parse(response(body)).next_request is None
