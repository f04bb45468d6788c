"""One posting's failure stays with that posting: the poll, `score` and "is this legit?" go on.

The Spanish weekly pay that used to raise `KeyError: 's'` is the case in point; a rule with a
broken veto stands for the next bug that only one odd posting reaches.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from xml.sax.saxutils import escape

import httpx
import pytest

from adapters.sources import build_source
from adapters.sources.payload import map_items
from bot.delivery.render import alert_card
from bot.delivery.render_text import card_to_text
from bot.links.checker import LegitChecker
from bot.links.safefetch import SafeFetcher
from bot.metrics import REGISTRY
from bot.models import Alert, Posting
from bot.scam import ScamChecker
from bot.scam.evaluate import run_score
from bot.scam.families import FAMILIES, Family, Hit
from bot.scam.textview import TextView
from bot.store import Database
from bot.store import outbox as outbox_store
from tests.conftest import FakeClock
from tests.pipeline_helpers import make_poller, subscribe_console, table_count
from tests.sources_helpers import PayloadServer

WEEKLY_PAY = "Gana 300 euros por semana. Escríbenos por WhatsApp"


def rss_feed(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://jobs.example.org/{index}</link>"
        f"<guid>job-{index}</guid><description>{escape(body)}</description></item>"
        for index, (title, body) in enumerate(items)
    )
    channel = f"<channel><title>Jobs</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def thirty_postings() -> list[tuple[str, str]]:
    items = [(f"Anotador de datos IA {n}", "Etiqueta datos para modelos de IA.") for n in range(29)]
    items.insert(12, ("Evaluador de IA desde casa", WEEKLY_PAY))
    return items


def broken_checker() -> ScamChecker:
    """The real families plus one whose detector fails on the postings that say "semana",
    as a real bug reached by one odd posting would."""

    def detect(view: TextView) -> list[Hit]:
        if "semana" in view.words:
            raise IndexError("a bug only weekly pay reaches")
        return []

    broken = Family("broken", "signal.advance_fee", (), detect=detect)
    return ScamChecker(families=(*FAMILIES, broken))


def failures(stage: str) -> float:
    return REGISTRY.get_sample_value("vigia_posting_failures_total", {"stage": stage}) or 0.0


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


async def test_spanish_weekly_pay_in_a_feed_of_thirty_stores_and_alerts_all(
    db: Database, http: httpx.AsyncClient, clock: FakeClock, payload_server: PayloadServer
) -> None:
    await subscribe_console(db)
    source = build_source("rss", url=payload_server.serve("/feed", rss_feed(thirty_postings())))
    poller = make_poller(db, http, clock, alert_on_first_poll=True)

    result = await poller.poll(source, interval_s=600)

    assert result.status == "200"
    assert (result.new, result.relevant, result.alerts) == (30, 30, 30)
    assert await table_count(db, "postings") == 30
    weekly = next(p for p in result.new_postings if p.title == "Evaluador de IA desde casa")
    assert weekly.pay is not None and (weekly.pay.min_amount, weekly.pay.period) == (300, "week")


async def test_a_posting_the_checks_fail_on_is_kept_unscored_and_the_poll_goes_on(
    db: Database,
    http: httpx.AsyncClient,
    clock: FakeClock,
    payload_server: PayloadServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await subscribe_console(db)
    source = build_source("rss", url=payload_server.serve("/feed", rss_feed(thirty_postings())))
    poller = make_poller(db, http, clock, checker=broken_checker(), alert_on_first_poll=True)
    before = failures("score")

    with caplog.at_level(logging.ERROR, logger="vigia.failures"):
        result = await poller.poll(source, interval_s=600)

    assert (result.new, result.alerts) == (30, 30)
    assert failures("score") == before + 1
    (line,) = [r.getMessage() for r in caplog.records if r.name == "vigia.failures"]
    assert "job-12" in line and source.name in line and "IndexError" in line
    assert "WhatsApp" not in line and "300" not in line  # no posting text in the log

    alerts = [
        alert
        for alert in await outbox_store.claim(db, platforms=["console"], limit=50)
        if isinstance(alert, Alert)
    ]
    by_title = {alert.posting.title: alert for alert in alerts}
    unscored = by_title["Evaluador de IA desde casa"]
    assert not unscored.verdict.scored
    assert all(a.verdict.scored for t, a in by_title.items() if t != unscored.posting.title)
    printed = card_to_text(alert_card(unscored))
    assert "Not checked" in printed and "Our scam checks failed on this one" in printed


async def test_is_this_legit_answers_could_not_check_when_the_checks_fail(
    db: Database,
) -> None:
    checker = LegitChecker(fetcher=SafeFetcher(), checker=broken_checker(), db=db)
    report = checker.check_text("Trabajo desde casa, 300 euros a la semana")
    assert not report.verdict.scored

    ok = checker.check_text("Trabajo desde casa, 20 euros la hora")
    assert ok.verdict.scored


def test_an_item_a_bug_reaches_is_skipped_and_counted_and_the_rest_are_read() -> None:
    def to_posting(item: dict[str, str]) -> Posting:
        if item["id"] == "2":
            raise RecursionError("deep")
        return Posting(source="s", native_id=item["id"], url="https://x.test/j", title=item["id"])

    before = failures("normalise")
    postings = map_items("s", [{"id": "1"}, {"id": "2"}, {"id": "3"}], to_posting)
    assert [p.native_id for p in postings] == ["1", "3"]
    assert failures("normalise") == before + 1


def test_score_answers_every_line_after_bad_ones() -> None:
    lines = [
        json.dumps({"id": "a", "description": WEEKLY_PAY}),
        "[" * 100_000,  # nested too deep for the JSON reader
        '{"id": "b", "n": ' + "9" * 5_000 + "}",  # past Python's integer digits limit
        "not json",
        json.dumps({"id": "c", "title": "Pay a $50 training fee in USDT to start"}),
    ]
    out = io.StringIO()
    assert run_score(io.StringIO("\n".join(lines) + "\n"), out, ScamChecker()) == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row.get("id") for row in rows] == ["a", None, None, None, "c"]
    assert rows[0]["level"] in {"caution", "scam"} and rows[4]["level"] == "scam"
    assert rows[1]["error"] == "line 2: JSON nested too deep"
    assert all(len(row.get("error", "")) < 250 for row in rows)
