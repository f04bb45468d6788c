"""Digests drawn for Discord and Telegram: every page within the platform's limits, as few
pages as those limits allow, and posting text as inert as in any card."""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest

from adapters.chat.discord_digest import (
    EMBEDS_MAX,
    DiscordDigestPager,
    digest_embeds,
    digest_line,
    digest_text,
    fits_one_message,
)
from adapters.chat.discord_render import CONTENT_MAX, EMBED_TOTAL_MAX, embed_length, text_length
from adapters.chat.telegram_digest import (
    TelegramDigestPager,
    digest_html,
    digest_plain,
    page_fits,
)
from adapters.chat.telegram_render import MAX_MESSAGE_UTF16, utf16_len
from bot.models import Digest, DigestEntry, Posting, RiskLevel, Verdict
from tests.telegram_emulator import ALLOWED_TAGS, TelegramHTML

HOSTILE = "@everyone <b>PAY</b> [bank](https://evil.example) **now** @here"


def entry(
    n: int, *, title: str = "", url: str = "", level: RiskLevel = RiskLevel.OK
) -> DigestEntry:
    posting = Posting(
        source="greenhouse:acme",
        native_id=str(n),
        url=url or f"https://boards.greenhouse.io/acme/jobs/{n}?utm_source=vigia",
        title=title or f"AI Trainer {n} — Spanish, English and Portuguese evaluation work",
        company=f"Company number {n}",
    )
    return DigestEntry(posting, Verdict(n % 60, level), seen_at=1_800_000_000.0 + n)


def digest(entries: list[DigestEntry]) -> Digest:
    return Digest(
        delivery="daily 08:00",
        timezone="Europe/Madrid",
        since_at=1_800_000_000.0,
        slot_at=1_800_086_400.0,
        page=1,
        pages=1,
        total=len(entries),
        entries=tuple(entries),
    )


def pages_of(whole: Digest, sizes: list[int]) -> list[Digest]:
    pages, start = [], 0
    for number, size in enumerate(sizes, start=1):
        part = whole.entries[start : start + size]
        pages.append(dataclasses.replace(whole, entries=part, page=number, pages=len(sizes)))
        start += size
    assert start == len(whole.entries)
    return pages


@pytest.mark.parametrize("count", [1, 12, 40, 250])
def test_discord_pages_fit_one_message_each_and_are_as_few_as_fit(count: int) -> None:
    whole = digest([entry(n) for n in range(count)])
    sizes = DiscordDigestPager().pages(whole, "en")
    pages = pages_of(whole, sizes)
    for page in pages:
        embeds = digest_embeds(page, "en")
        assert fits_one_message(embeds)
        assert len(embeds) <= EMBEDS_MAX
        assert sum(embed_length(e) for e in embeds) <= EMBED_TOTAL_MAX
        assert all(text_length(e.description or "") <= 4096 for e in embeds)
    for page, next_page in itertools.pairwise(pages):
        # Each page is full: one more posting would not have fitted.
        grown = dataclasses.replace(page, entries=page.entries + next_page.entries[:1])
        assert not fits_one_message(digest_embeds(grown, "en"))
    if count <= 12:
        assert sizes == [count]


@pytest.mark.parametrize("count", [1, 30, 90, 250])
def test_telegram_pages_fit_one_message_each_and_are_as_few_as_fit(count: int) -> None:
    whole = digest([entry(n) for n in range(count)])
    sizes = TelegramDigestPager().pages(whole, "es")
    pages = pages_of(whole, sizes)
    for page in pages:
        assert page_fits(page, "es")
        parsed = TelegramHTML(digest_html(page, "es"))
        assert set(parsed.tags) <= ALLOWED_TAGS
        assert utf16_len(parsed.visible) <= MAX_MESSAGE_UTF16
        assert parsed.tags.count("a") + parsed.tags.count("b") + parsed.tags.count("i") <= 100
    for page, next_page in itertools.pairwise(pages):
        grown = dataclasses.replace(page, entries=page.entries + next_page.entries[:1])
        assert not page_fits(grown, "es")
    assert pages[0].pages == len(sizes)


def test_pages_of_random_lengths_always_fit() -> None:
    rng = random.Random(13)
    for _ in range(20):
        entries = [
            entry(
                n,
                title="x" * rng.randint(1, 300) + " 🧪" * rng.randint(0, 40),
                url="https://example.org/" + "p" * rng.randint(1, 700),
            )
            for n in range(rng.randint(1, 120))
        ]
        whole = digest(entries)
        for page in pages_of(whole, DiscordDigestPager().pages(whole, "en")):
            assert fits_one_message(digest_embeds(page, "en"))
        for page in pages_of(whole, TelegramDigestPager().pages(whole, "en")):
            assert page_fits(page, "en")


def test_discord_lines_are_inert() -> None:
    line = digest_line(entry(1, title=HOSTILE, url="https://x.example/a(b)c"), "en")
    assert "@everyone" not in line and "@here" not in line  # mentions broken
    assert "bank](" not in line  # no link inside the title: its brackets are gone
    assert line.count("](") == 1  # the posting's own link, and nothing else
    assert "(https://x.example/a%28b%29c)" in line  # the posting's own link cannot break out
    long_link = digest_line(entry(2, url="https://x.example/" + "a" * 600), "en")
    assert "https://x.example/aaa" not in long_link  # too long to link: the title alone
    fallback = digest_text(digest([entry(n, title=HOSTILE) for n in range(60)]), "en")
    assert text_length(fallback) <= CONTENT_MAX and "@everyone" not in fallback


def test_telegram_lines_are_inert() -> None:
    page = digest([entry(1, title=HOSTILE, url="javascript:alert(1)")])
    parsed = TelegramHTML(digest_html(page, "en"))
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert "<b>PAY</b>" in parsed.visible  # shown as typed, not as markup
    assert "javascript:" not in " ".join(parsed.links)
    assert "@everyone" in parsed.visible  # visible (the word joiner keeps it from notifying)
    assert "@\u2060everyone" in digest_html(page, "en")
    plain = digest_plain(page, "en")
    assert "<b>PAY</b>" in plain and "@\u2060everyone" in plain


def test_a_digest_reads_in_the_subscriptions_language() -> None:
    page = digest([entry(1, level=RiskLevel.CAUTION)])
    spanish = TelegramHTML(digest_html(page, "es")).visible
    assert spanish.startswith("📋 Resumen diario\n1 oferta nueva desde el ")
    assert "Entrega: un resumen cada día a las 08:00 · Europe/Madrid" in spanish
    english = digest_embeds(page, "en")
    assert english[0].title == "📋 Daily digest"
    assert english[-1].footer.text == "Delivery: a digest every day at 08:00 · Europe/Madrid"
    numbered = dataclasses.replace(page, page=2, pages=3)
    assert digest_embeds(numbered, "en")[0].title == "📋 Daily digest (2/3)"


@pytest.mark.parametrize(
    ("language", "credit"), [("en", "via Remotive"), ("es", "vía Remotive")]
)
def test_a_digest_line_credits_remotive_with_a_link_back_as_an_alert_does(
    language: str, credit: str
) -> None:
    link = "https://remotive.com/remote-jobs/ai/501"
    posting = Posting(
        source="remotive:ai", native_id="501", url=link, title="AI Trainer", company="Acme"
    )
    credited = DigestEntry(
        posting, Verdict(5, RiskLevel.OK), seen_at=1_800_000_000.0, kind="remotive"
    )
    # A source the store no longer knows is credited by its link's host.
    by_host = DigestEntry(
        dataclasses.replace(posting, source="old", url="https://remoteok.com/remote-jobs/7"),
        Verdict(5, RiskLevel.OK),
        seen_at=1_800_000_001.0,
    )
    page = digest([credited, by_host, entry(3)])

    assert digest_line(credited, language).endswith(f" · [{credit}]({link})")
    assert "Remote OK](https://remoteok.com/remote-jobs/7)" in digest_line(by_host, language)
    assert "via" not in digest_line(entry(3), language).lower()
    html_lines = digest_html(page, language).split("\n")
    assert any(line.endswith(f' · <a href="{link}">{credit}</a>') for line in html_lines)
    assert TelegramHTML(digest_html(page, language)).visible.count("Remot") == 2
    assert f"AI Trainer — Acme · {credit}" in digest_plain(page, language)
    assert f"AI Trainer · {credit}" in digest_text(page, language)
    assert page_fits(page, language)
