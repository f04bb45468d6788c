"""One alert per job: a job seen on several sources alerts once, and its card lists them."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.http.aiohttp_transport import AiohttpTransport
from adapters.sources import build_source
from bot.delivery.render import alert_card
from bot.links.addresses import AddressGuard
from bot.models import Alert, Sighting
from bot.polling.source import Source
from bot.postings.build import build_posting
from bot.postings.sameness import job_keys, same_job
from bot.store import Database
from bot.store import outbox as outbox_store
from tests.conftest import FakeClock
from tests.pipeline_helpers import greenhouse, greenhouse_jobs, make_poller, subscribe_console
from tests.sources_helpers import PayloadServer

DESCRIPTION = (
    "Join our team as an AI trainer and help improve large language models. You will write "
    "and rank model answers in Spanish, check facts, follow detailed project guidelines, and "
    "explain your reasoning in clear notes. Flexible hours, fully remote, paid weekly. You "
    "need native Spanish, a degree or equivalent experience, and attention to detail."
)
OTHER_TEXT = (
    "We build payment infrastructure for small businesses across Latin America. As a backend "
    "engineer you will design services in Go, own their reliability on call, review code and "
    "mentor others on the team. Five years of experience with distributed systems required, "
    "plus excellent written communication and a taste for simple designs."
)


def posting(source: str, **fields: object) -> object:
    values: dict[str, object] = {
        "native_id": "1",
        "url": "https://jobs.example.org/1",
        "title": "AI Trainer - Spanish",
        "company": "Acme",
        "description": DESCRIPTION,
        "location": "Remote",
    }
    values.update(fields)
    return build_posting(source=source, **values)  # type: ignore[arg-type]


def why(first: object, second: object) -> str | None:
    a, b = job_keys(first), job_keys(second)  # type: ignore[arg-type]
    return same_job(a, b, same_source=first.source == second.source)  # type: ignore[attr-defined]


# -- when two postings are one job -----------------------------------------------------------


def test_the_same_link_without_tracking_parameters_is_one_job() -> None:
    board = posting("greenhouse:acme", url="https://jobs.example.org/1?gh_jid=7")
    aggregator = posting(
        "remotive:ai",
        native_id="99",
        url="https://jobs.example.org/1?gh_jid=7&utm_source=remotive&gh_src=x&ref=abc&source=rss",
        title="Spanish AI Tutor",
        description="",
    )
    assert why(aggregator, board) == "url"
    other_job = posting("greenhouse:acme", native_id="8", url="https://jobs.example.org/1?gh_jid=8")
    assert why(other_job, board) is None  # gh_jid names the job: it is not tracking


def test_company_title_and_place_are_compared_normalised() -> None:
    board = posting("greenhouse:acme", description="")
    spelled = posting(
        "himalayas:ai",
        native_id="h1",
        url="https://himalayas.app/jobs/1",
        company="ACME, Inc.",
        title="AI trainer (Spanish)",
        location="Anywhere",
        description="",
    )
    assert why(spelled, board) == "identity"
    in_madrid = posting("x", native_id="m", url="https://x.org/m", location="Madrid, Spain")
    in_nyc = posting("y", native_id="n", url="https://y.org/n", location="New York, NY")
    assert why(in_madrid, in_nyc) is None  # the same opening in two cities: two jobs


def test_a_near_copy_of_the_description_is_one_job() -> None:
    board = posting("greenhouse:acme")
    edited = posting(
        "remotive:ai",
        native_id="r7",
        url="https://remotive.com/remote-jobs/ai/7",
        company="Acme Labs",  # the aggregator's own spelling
        description=DESCRIPTION.replace("paid weekly", "paid every week") + " Apply today!",
    )
    assert why(edited, board) == "description"
    # One employer's one text for several jobs: the title tells them apart.
    french = posting(
        "remotive:ai",
        native_id="r8",
        url="https://remotive.com/remote-jobs/ai/8",
        title="AI Trainer - French",
        description=DESCRIPTION.replace("Spanish", "French"),
    )
    assert why(french, board) is None
    unrelated = posting(
        "remotive:ai", native_id="r9", url="https://remotive.com/r9", description=OTHER_TEXT
    )
    assert why(unrelated, posting("greenhouse:acme", title="x", company="y")) is None


def test_on_one_board_only_the_link_decides() -> None:
    first = posting("greenhouse:acme")
    twin = posting("greenhouse:acme", native_id="2", url="https://jobs.example.org/2")
    assert why(twin, first) is None  # a board may list each seat of one opening
    relisted = posting("greenhouse:acme", native_id="3", url="https://jobs.example.org/1?utm_x=1")
    assert why(relisted, first) == "url"


# -- through the poller and the store --------------------------------------------------------


def remotive_jobs(jobs: list[dict[str, object]]) -> bytes:
    return json.dumps({"job-count": len(jobs), "jobs": jobs}).encode()


def remotive_job(job_id: int, **fields: object) -> dict[str, object]:
    job: dict[str, object] = {
        "id": job_id,
        "url": f"https://remotive.com/remote-jobs/ai/{job_id}",
        "title": "AI Trainer - Spanish",
        "company_name": "Acme",
        "candidate_required_location": "Worldwide",
        "description": f"<p>{DESCRIPTION}</p>",
        "publication_date": "2026-11-20T10:00:00",
    }
    job.update(fields)
    return job


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = AiohttpTransport(
        limit=8, limit_per_host=4, max_body_bytes=1_000_000, guard=AddressGuard(allow_loopback=True)
    )
    async with httpx.AsyncClient(timeout=5, transport=transport) as client:
        yield client


def remotive(url: str) -> Source:
    return build_source("remotive", board="ai", url=url, name=None, company=None)


async def claimed_alerts(db: Database) -> list[Alert]:
    found = await outbox_store.claim(db, platforms=["console"], limit=50)
    return [alert for alert in found if isinstance(alert, Alert)]


async def test_a_job_on_two_sources_alerts_once_and_lists_both_places(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    board_url = payload_server.serve("/gh", greenhouse_jobs([]))
    feed_url = payload_server.serve("/rm", remotive_jobs([]))
    board, feed = greenhouse(board_url), remotive(feed_url)
    poller = make_poller(db, http, clock)
    for source in (board, feed):  # first polls: nothing there yet
        await poller.poll(source, interval_s=600, force=True)

    content = html.escape(f"<p>{DESCRIPTION}</p>", quote=False)
    payload_server.serve(
        "/gh", greenhouse_jobs([{"id": 11, "title": "AI Trainer - Spanish", "content": content}])
    )
    payload_server.serve("/rm", remotive_jobs([remotive_job(501, company_name="ACME Inc.")]))
    first = await poller.poll(board, interval_s=600, force=True)
    second = await poller.poll(feed, interval_s=600, force=True)
    assert (first.alerts, second.alerts) == (1, 0)  # the second is another sighting

    [alert] = await claimed_alerts(db)
    assert [s.source for s in alert.sightings] == ["greenhouse:acme", "remotive:ai"]
    assert alert.sightings[1] == Sighting(
        "remotive:ai", "https://remotive.com/remote-jobs/ai/501", "remotive"
    )
    card = alert_card(alert)
    seen = {field.label: field.value for field in card.fields}
    assert seen["Seen in 2 places"].splitlines() == [
        "• greenhouse:acme: https://boards.greenhouse.io/acme/jobs/11",
        "• via Remotive: https://remotive.com/remote-jobs/ai/501",
    ]

    # After a restart (a new poller over the same store) a third place is still the job.
    again = make_poller(db, http, clock)
    payload_server.serve(
        "/rm",
        remotive_jobs(
            [
                remotive_job(501),
                remotive_job(502, url="https://boards.greenhouse.io/acme/jobs/11?utm_source=x"),
            ]
        ),
    )
    third = await again.poll(feed, interval_s=600, force=True)
    assert (third.new, third.alerts) == (1, 0)
    job = await db.fetchval("SELECT MIN(id) FROM postings WHERE relevant = 1")
    assert await db.fetchval("SELECT COUNT(*) FROM sightings WHERE job_id = ?", (job,)) == 3


async def test_sightings_older_than_the_horizon_are_pruned(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    board = greenhouse(payload_server.serve("/gh", greenhouse_jobs([])))
    feed = remotive(payload_server.serve("/rm", remotive_jobs([])))
    poller = make_poller(db, http, clock, sightings_horizon_days=30)
    for source in (board, feed):
        await poller.poll(source, interval_s=600, force=True)
    payload_server.serve("/gh", greenhouse_jobs([{"id": 11, "title": "AI Trainer - Spanish"}]))
    assert (await poller.poll(board, interval_s=600, force=True)).alerts == 1
    payload_server.serve("/gh", greenhouse_jobs([]))  # taken down
    await poller.poll(board, interval_s=600, force=True)

    clock.advance(31 * 86_400)
    # Listed again 31 days after it was last seen: the job is forgotten, so it alerts.
    payload_server.serve("/rm", remotive_jobs([remotive_job(9, description="")]))
    result = await poller.poll(feed, interval_s=600, force=True)
    assert result.alerts == 1
    assert await db.fetchval("SELECT COUNT(*) FROM sightings") == 1


async def test_every_kind_together_alerts_once_per_job(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    """The benchmark's mixed set, small: 11 kinds, 30 % of the postings re-posts of a job
    of another source (by link, by spelling, by text): one alert per distinct job."""
    from bench.mixed_sources import BOARD_KINDS, board_company, payload, spread

    await subscribe_console(db)
    boards = spread(90, 1, 0.3, seed=3)
    sources = []
    for (kind, number), jobs in boards.items():
        body, content_type = payload(kind, jobs)
        url = payload_server.serve(f"/{kind}", body, headers={"Content-Type": content_type})
        board_kind = kind in BOARD_KINDS
        sources.append(
            build_source(
                kind,
                board="b" if board_kind or kind in {"remotive", "himalayas"} else None,
                url=url,
                name=kind,
                company=board_company(kind, number) if board_kind else None,
            )
        )
    poller = make_poller(db, http, clock, alert_on_first_poll=True)
    results = [await poller.poll(source, interval_s=600, force=True) for source in sources]
    await poller.aclose()
    assert all(r.status == "200" for r in results), [r.status for r in results]
    assert sum(r.seen for r in results) == 129  # 90 jobs and 39 re-posts
    assert sum(r.alerts for r in results) == 90
    assert await db.fetchval("SELECT COUNT(DISTINCT job_id) FROM sightings") == 90


class _NoSightingsYet:
    """A transaction in which no job was seen yet, answering at once (no I/O to wait on): the
    only turns the loop gets while matching are the ones the matching gives it."""

    async def lock(self, name: str) -> None:
        return None

    async def fetchall(self, sql: str, params: object = ()) -> list[object]:
        return []


async def test_matching_a_big_poll_lets_the_loop_run_and_still_finds_the_batch_s_repeats() -> None:
    """Matching thousands of new postings hands the event loop back between slices (a
    heartbeat task gets turns meanwhile: Telegram's long polling and /legit keep answering),
    and a posting still finds its job among the batch's earlier slices."""
    from bot.store import sightings as sightings_store

    count = 3 * sightings_store.MATCH_SLICE
    postings = [
        posting(
            "greenhouse:big",
            native_id=str(n),
            url=f"https://jobs.example.org/{n}",
            title=f"Data annotator {n}",
            description="",
        )
        for n in range(count)
    ]
    # The last posting, on another source, has the first one's link: the same job.
    postings.append(
        posting(
            "remotive:ai",
            native_id="r1",
            url="https://jobs.example.org/0?utm_source=x",
            title="Annotator",
            description="",
        )
    )
    keys = [job_keys(p) for p in postings]  # type: ignore[arg-type]
    turns = 0
    done = False

    async def heartbeat() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    beating = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    before = turns
    found = await sightings_store.find_jobs(
        _NoSightingsYet(),  # type: ignore[arg-type]
        postings,  # type: ignore[arg-type]
        keys,
        since=0.0,
    )
    during = turns - before
    done = True
    await beating
    assert found[:count] == [None] * count
    assert found[-1] == sightings_store.batch_ref(0)  # the first posting of the batch
    assert during >= 3  # the heartbeat ran at each slice boundary


async def test_one_text_on_many_boards_is_not_compared_with_every_posting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Boards that share one description for different jobs (an agency's template) must
    not make every posting a candidate of every other: only a posting with the same title
    or company is compared, so the work stays linear, and the repeat is still found."""
    from bot.postings import sameness
    from bot.store import job_index
    from bot.store import sightings as sightings_store

    calls = 0
    real_same_job = sameness.same_job

    def counting(*args: object, **kwargs: object) -> str | None:
        nonlocal calls
        calls += 1
        return real_same_job(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(job_index, "same_job", counting)
    boards = 200
    postings = [
        posting(
            f"greenhouse:b{n}",
            native_id=str(n),
            url=f"https://b{n}.example.org/jobs/1",
            title=f"Role number {n}",
            company=f"Company {n}",
            location="Remote",
        )
        for n in range(boards)
    ]
    # The last one repeats board 7's job on an aggregator: same title, same text.
    postings.append(
        posting(
            "remotive:ai",
            native_id="r7",
            url="https://remotive.com/remote-jobs/ai/7",
            title="Role number 7",
            company="Another spelling",
            location="Remote",
        )
    )
    keys = [job_keys(p) for p in postings]  # type: ignore[arg-type]
    found = await sightings_store.find_jobs(
        _NoSightingsYet(),  # type: ignore[arg-type]
        postings,  # type: ignore[arg-type]
        keys,
        since=0.0,
    )
    assert found[:boards] == [None] * boards
    assert found[-1] == sightings_store.batch_ref(7)
    assert calls <= 2  # not 200 × 199 / 2


# -- the horizon, before and after a prune ----------------------------------------------------

HORIZON_S = 30 * 86_400.0


async def listed(db: Database, source: str, native_id: str, *, still: tuple[str, ...] = ()) -> int:
    """`source` lists a new posting (this text under this title, Remote, its own link and
    company) and still lists `still`; the job the posting is a sighting of."""
    from bot.polling.writes import PollWrite, write_batch
    from bot.postings.matching import Matcher

    new = posting(
        source,
        native_id=native_id,
        url=f"https://{source}.example.org/jobs/{native_id}",
        company=f"Company {source}",
    )
    write = PollWrite(
        source=source,
        scored=[(new, False)],  # type: ignore[list-item]
        verdicts={},
        alerting=False,
        status="200",
        etag=None,
        last_modified=None,
        body_sha256=native_id,
        next_poll_at=0.0,
        still_listed=list(still),
    )
    [result] = await write_batch(db, [write], matcher=Matcher(), horizon_s=HORIZON_S)
    assert not isinstance(result, Exception)
    job = await db.fetchval(
        "SELECT job_id FROM sightings WHERE source = ? AND native_id = ?", (source, native_id)
    )
    return int(job)


async def test_a_near_copy_is_matched_only_with_places_seen_within_the_horizon(
    db: Database, clock: FakeClock
) -> None:
    """The same text under the same title on another board is one job while one of the
    job's places was seen within the horizon; a board's own second listing of it is another
    job once only that board still shows it, whether the other board's stale sighting is
    pruned yet or not (pruning runs at most once an hour)."""
    from bot.store import sightings as sightings_store

    job = await listed(db, "a", "1")
    clock.advance(86_400)
    assert await listed(db, "b", "1") == job  # a near-copy on another board
    clock.advance(19 * 86_400)
    # While another board shows the job, b's second listing of the text is the job too.
    assert await listed(db, "b", "2", still=("1",)) == job

    clock.advance(11 * 86_400)  # a's listing is past the horizon, not pruned yet
    # Only b shows the job now: b's own twin is not it, pruned or not.
    assert await listed(db, "b", "3", still=("1", "2")) != job
    assert await listed(db, "c", "1") == job  # b's listing was seen 11 days ago
    await sightings_store.prune(db, before=clock.now - HORIZON_S)
    assert await db.fetchval("SELECT COUNT(*) FROM sightings WHERE source = 'a'") == 0
    assert await listed(db, "d", "1") == job

    clock.advance(31 * 86_400)  # nobody listed it since: forgotten, pruned or not
    fresh = await listed(db, "e", "1")
    assert fresh != job
    await sightings_store.prune(db, before=clock.now - HORIZON_S)
    assert await listed(db, "f", "1") == fresh
