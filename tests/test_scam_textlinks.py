"""Links written without a scheme are still links: scam messages write "bit.ly/…" or
"wa.me/…" bare so that chat apps show them and filters looking for "http" pass them by."""

from __future__ import annotations

import pytest

from bot.models import Posting
from bot.scam import ScamChecker
from bot.scam.textlinks import MAX_TEXT_LINKS, text_links


@pytest.fixture(scope="module")
def rules_only() -> ScamChecker:
    return ScamChecker(model=None)


def reasons(checker: ScamChecker, text: str) -> set[str]:
    posting = Posting(source="test", native_id="1", url="", title="", company="", description=text)
    return {reason.id for reason in checker.check(posting).reasons}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Gana 300 dólares al día. Regístrate aquí: bit.ly/empleo-vip", "domain.shortener"),
        ("Earn $300 a day from home. Sign up here: bit.ly/job-vip", "domain.shortener"),
        ("Escríbeme a wa.me/5215512345678 y te explico el trabajo.", "chat_move"),
        ("Message me at wa.me/15551234567 and I will explain the job.", "chat_move"),
    ],
)
def test_a_bare_address_is_checked_as_a_link(
    rules_only: ScamChecker, text: str, reason: str
) -> None:
    assert reason in reasons(rules_only, text)


def test_file_names_addresses_and_versions_are_not_links() -> None:
    text = (
        "Run setup.py, read README.md and install.sh; write to hr@scale-jobs.com; needs"
        " Node.js 1.2.3 on 10.0.0.1."
    )
    assert text_links(text) == []


def test_links_are_listed_once_in_order_and_capped() -> None:
    text = "See https://a.example/x, www.b.example/y and c-jobs.net/apply, then a.example/x."
    assert text_links(text) == [
        "https://a.example/x",
        "www.b.example/y",
        "http://c-jobs.net/apply",
    ]
    many = " ".join(f"site{index}.com" for index in range(20))
    assert len(text_links(many)) == MAX_TEXT_LINKS + 1
