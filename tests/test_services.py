"""What chat commands do, over the real store, scam checker and link checker.

No page is fetched here: "is this legit?" on pasted text needs no network, and a link to a
private address is refused by the guard before any connection is made.
"""

from __future__ import annotations

import httpx
import pytest

from bot.links.checker import LegitChecker
from bot.links.safefetch import SafeFetcher
from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
from bot.scam import ScamChecker
from bot.services import ReportKind, Services, find_links
from bot.store import Database
from bot.store import postings as postings_store
from bot.store import reports as reports_store
from tests.pipeline_helpers import store_postings

SCAM_TEXT = (
    "Congratulations, you are hired as an AI data annotator! No interview needed. Pay the $60 "
    "onboarding fee in USDT (TRC20) to activate your account and contact HR on Telegram."
)


class NoNetwork(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pytest.fail(f"a request was sent to {request.url}")


class PrivateResolver:
    async def resolve(self, host: str, port: int) -> list[str]:
        return ["10.1.2.3"]


@pytest.fixture
async def services(db: Database) -> Services:
    fetcher = SafeFetcher(transport=NoNetwork(), resolver=PrivateResolver())
    checker = LegitChecker(fetcher=fetcher, checker=ScamChecker(), db=db)
    return Services.build(
        db=db, linkchecker=checker, configured_sources=[("greenhouse", "greenhouse:acme")]
    )


async def test_pasted_scam_text_gets_a_scam_card_with_reasons(services: Services) -> None:
    result = await services.checks.legit(url=None, text=SCAM_TEXT, language="es")
    assert result.verdict.level is RiskLevel.SCAM
    assert result.card.title == "Esto parece una estafa"
    assert any(f.label == "Motivos" for f in result.card.fields)
    assert {b.action.value for b in result.card.buttons} == {"why", "report", "fine"}


async def test_a_refused_link_still_gets_a_verdict_and_says_why_it_was_not_read(
    services: Services,
) -> None:
    result = await services.checks.legit(
        url="https://jobs.example.org/ai-trainer", text=None, language="en"
    )
    assert not result.fetched
    assert result.card.footer  # the translated "could not be read" note
    assert result.url == "https://jobs.example.org/ai-trainer"


async def test_a_message_is_checked_as_text_and_per_link_in_one_answer(
    services: Services,
) -> None:
    message = f"{SCAM_TEXT} Apply at https://a.example/x. and www.b.example/y!"
    result = await services.checks.legit_message(message, language="en")
    assert [r.url for r in result.parts] == [
        None,
        "https://a.example/x",
        "https://www.b.example/y",
    ]
    assert [f.label for f in result.card.fields] == [
        "The message's text",
        "https://a.example/x",
        "https://www.b.example/y",
    ]
    assert result.verdict.level is RiskLevel.SCAM  # the worst of its parts
    assert result.card.level is RiskLevel.SCAM


async def test_a_bare_link_is_not_also_checked_as_text(services: Services) -> None:
    result = await services.checks.legit_message("https://a.example/job", language="en")
    assert result.url == "https://a.example/job" and result.parts == ()


def test_find_links_caps_and_dedupes() -> None:
    assert find_links("see (https://x.example/a), https://x.example/a.") == ["https://x.example/a"]


async def test_why_and_back_render_the_stored_check(services: Services) -> None:
    result = await services.checks.legit(url=None, text=SCAM_TEXT, language="en")
    why = await services.checks.why(result.check_id, "en")
    back = await services.checks.card(result.check_id, "en")
    assert why is not None and why.title == "Why this verdict"
    assert back is not None and back.title == result.card.title
    assert await services.checks.why(999_999, "en") is None


async def test_one_report_per_user_per_subject(services: Services, db: Database) -> None:
    first = await services.checks.legit(url=None, text=SCAM_TEXT, language="en")
    again = await services.checks.legit(url=None, text=SCAM_TEXT, language="en")
    assert await services.reports.report(first.check_id, user="u1", kind=ReportKind.SCAM)
    assert not await services.reports.report(again.check_id, user="u1", kind=ReportKind.FINE)
    assert await services.reports.report(first.check_id, user="u2", kind=ReportKind.SCAM)
    check = await postings_store.get_check(db, first.check_id)
    assert check is not None
    assert await reports_store.report_counts(db, check.subject) == {"fine": 1, "scam": 1}


async def test_subscriptions_lifecycle(services: Services) -> None:
    chat = ChatRef("telegram", "-100")
    sub = await services.subscriptions.subscribe(chat, Filter(keywords=("rlhf",)), language="es")
    assert [s.id for s in await services.subscriptions.of_chat(chat)] == [sub.id]
    assert await services.subscriptions.set_paused(chat, True) == 1
    assert (await services.subscriptions.of_chat(chat))[0].paused
    assert await services.subscriptions.set_language(chat, "en") == 1
    assert await services.subscriptions.chat_language(chat) == "en"
    assert await services.subscriptions.migrate_chat(chat, ChatRef("telegram", "-100200")) == 1
    assert await services.subscriptions.chat_language(ChatRef("telegram", "-100200")) == "en"
    assert await services.subscriptions.unsubscribe(ChatRef("telegram", "-100200")) == 1


async def test_a_private_chat_keeps_its_language_without_subscriptions(services: Services) -> None:
    chat = ChatRef("telegram", "42")
    assert await services.subscriptions.chat_language(chat) is None
    assert await services.subscriptions.set_language(chat, "en") == 0
    assert await services.subscriptions.chat_language(chat) == "en"


async def test_preview_shows_the_latest_matching_postings(services: Services, db: Database) -> None:
    titles = ["RLHF Rater", "Accountant", "RLHF Evaluator", "RLHF Tutor"]
    postings = [
        Posting("greenhouse:acme", str(index), f"https://x.example/{index}", title)
        for index, title in enumerate(titles)
    ]
    await store_postings(db, postings, Verdict(0, RiskLevel.OK))
    items = await services.subscriptions.preview(Filter(keywords=("rlhf",)), limit=2)
    assert [i.posting.title for i in items] == ["RLHF Tutor", "RLHF Evaluator"]


async def test_sources_lists_configured_sources_before_their_first_poll(services: Services) -> None:
    (health,) = await services.sources.health()
    assert (health.name, health.last_poll, health.consecutive_failures) == (
        "greenhouse:acme",
        None,
        0,
    )


SCRIPT = (
    "Hello dear candidate, our agency recruits remote product reviewers for the AI rating "
    "project. Each day you rate 40 products in two task sets and earn commission on every "
    "task. To unlock the premium task level you recharge your account with a small deposit "
    "which is returned at the end of the set together with your earnings."
)


async def test_an_admin_confirmed_report_flags_near_copies_even_after_a_restart(
    services: Services, db: Database
) -> None:
    first = await services.checks.legit(url=None, text=SCRIPT, language="en")
    assert first.verdict.matched_script is None

    await services.reports.report(first.check_id, user="member", kind=ReportKind.SCAM)
    reworded = SCRIPT.replace("Hello dear candidate", "Hi friend").replace("40", "38")
    assert (
        await services.checks.legit(url=None, text=reworded, language="en")
    ).verdict.matched_script is None

    await services.reports.report(first.check_id, user="admin", kind=ReportKind.SCAM, admin=True)
    matched = await services.checks.legit(url=None, text=reworded, language="en")
    assert matched.verdict.matched_script is not None

    # A new process: a fresh checker learns the confirmed script from the store.
    from bot.store import scripts as scripts_store

    fresh = ScamChecker()
    for script in await scripts_store.confirmed_scripts(db):
        fresh.add_script(script.id, script.text, script.label)
    posting = Posting("user", "x", "", "", description=reworded)
    assert fresh.check(posting).matched_script is not None

    await services.reports.report(first.check_id, user="admin", kind=ReportKind.FINE, admin=True)
    assert (
        await services.checks.legit(url=None, text=reworded, language="en")
    ).verdict.matched_script is None
    assert await scripts_store.confirmed_scripts(db) == []


async def test_a_flood_of_checks_from_one_person_is_refused_and_changes_nothing(
    services: Services, db: Database
) -> None:
    from bot.services.ratelimit import TooManyRequests

    for _ in range(10):
        await services.checks.legit(url=None, text=SCAM_TEXT, language="en", requester="telegram:9")
    before = await db.fetchval("SELECT COUNT(*) FROM checks")
    with pytest.raises(TooManyRequests):
        await services.checks.legit_message(SCAM_TEXT, language="en", requester="telegram:9")
    assert await db.fetchval("SELECT COUNT(*) FROM checks") == before
    await services.checks.legit(url=None, text=SCAM_TEXT, language="en", requester="telegram:10")
