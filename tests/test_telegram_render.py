"""Cards drawn as Telegram HTML: hostile posting text stays inert, cards fit one message."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from adapters.chat.telegram_render import (
    MAX_MESSAGE_UTF16,
    card_html,
    render_card,
    safe_link,
    utf16_len,
)
from bot.delivery.cards import Card, Field
from bot.delivery.render import alert_card, verdict_card
from bot.models import Alert, ChatRef, Pay, PayPeriod, RiskLevel, Signal, Verdict
from tests.chat_helpers import chat_alert
from tests.telegram_emulator import ALLOWED_TAGS, TelegramHTML

HOSTILE_TITLE = '<b>Earn $500/day</b> & <a href="https://evil.example">apply</a>'


def hostile_alert(language: str = "en", url: str = "https://jobs.example.com/1?a=1&b=2") -> Alert:
    """A job whose text is HTML, paying 20–30 USD an hour, posted 2026-01-02; check 9."""
    verdict = Verdict(
        72, RiskLevel.SCAM, (Signal("fee", 40, "pay a <b>fee</b>", "signal.upfront_fee"),)
    )
    return chat_alert(
        ChatRef("telegram", "5"),
        verdict,
        title=HOSTILE_TITLE,
        company="Acme <script>alert(1)</script>",
        url=url,
        description="<i>ignored</i>",
        pay=Pay(20, 30, "USD", PayPeriod.HOUR),
        posted_at=datetime(2026, 1, 2, tzinfo=UTC),
        source="greenhouse:acme",
        native_id="1",
        language=language,
        check_id=9,
    )


def test_posting_html_reaches_the_reader_as_text() -> None:
    drawn = render_card(alert_card(hostile_alert()))
    parsed = TelegramHTML(drawn.html)
    visible = parsed.visible
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert parsed.links == ["https://jobs.example.com/1?a=1&b=2"]  # only the posting's own link
    assert HOSTILE_TITLE in visible
    assert "Acme <script>alert(1)</script>" in visible
    assert "pay a <b>fee</b>" in visible


def test_alert_shows_title_link_company_pay_date_badge_and_top_reason() -> None:
    parsed = TelegramHTML(render_card(alert_card(hostile_alert())).html)
    visible = parsed.visible
    for expected in ("Acme", "Madrid", "20–30 USD per hour", "Jan 2, 2026", "🔴", "72/100", "fee"):
        assert expected in visible


def test_a_spanish_chat_reads_pay_and_day_as_spanish_writes_them() -> None:
    visible = TelegramHTML(render_card(alert_card(hostile_alert("es"))).html).visible
    assert "20–30 USD por hora" in visible
    assert "2 ene 2026" in visible
    assert "2026-01-02" not in visible and "Jan" not in visible


def test_alert_keyboard_opens_the_posting_and_carries_the_check_buttons() -> None:
    keyboard = render_card(alert_card(hostile_alert())).keyboard
    assert keyboard is not None
    rows = [[(b.text, b.url, b.callback_data) for b in row] for row in keyboard.inline_keyboard]
    assert rows == [
        [("Open", "https://jobs.example.com/1?a=1&b=2", None), ("Why?", None, "vigia:why:9")],
        [("Report as scam", None, "vigia:report:9"), ("Looks fine", None, "vigia:fine:9")],
    ]


def test_spanish_alert_has_spanish_labels() -> None:
    keyboard = render_card(alert_card(hostile_alert("es"))).keyboard
    assert keyboard is not None
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert labels[0] != "Open" and labels[1] != "Why?"


def test_a_javascript_link_is_neither_linked_nor_a_button() -> None:
    drawn = render_card(alert_card(hostile_alert(url="javascript:alert(1)")))
    assert TelegramHTML(drawn.html).links == []
    assert drawn.keyboard is not None
    assert all(button.url is None for row in drawn.keyboard.inline_keyboard for button in row)


def test_safe_link_accepts_only_web_links() -> None:
    assert safe_link("https://example.com/x") == "https://example.com/x"
    assert safe_link("http://example.com") == "http://example.com"
    assert safe_link("tg://resolve?domain=x") is None
    assert safe_link("https://") is None
    assert safe_link("http://[::1") is None
    assert safe_link(None) is None


def test_a_huge_pasted_offer_is_cut_to_one_message_keeping_the_verdict() -> None:
    verdict = Verdict(65, RiskLevel.SCAM, (Signal("fee", 40, "fee", "signal.upfront_fee"),))
    pasted = ("Pay the 🙂 <b>training</b> fee & start today. " * 400).strip()
    card = verdict_card(verdict, 3, "en", subject=pasted, url=None)
    text = card_html(card)
    parsed = TelegramHTML(text)
    visible = parsed.visible
    assert utf16_len(visible) <= MAX_MESSAGE_UTF16
    assert "65/100" in visible  # the verdict survives; the pasted text gave way
    assert visible.count("…") >= 1


def test_long_field_values_are_clipped_not_dropped() -> None:
    card = Card(title="t", url=None, level=None, fields=(Field("Company", "x" * 5000),))
    visible = html.unescape(card_html(card))
    assert "Company:" in visible
    assert utf16_len(visible) < MAX_MESSAGE_UTF16


def test_card_without_buttons_has_no_keyboard() -> None:
    assert render_card(Card(title="t", url=None, level=None)).keyboard is None


def test_a_handle_in_posting_text_does_not_mention_anyone() -> None:
    card = Card(
        title="Write to @recruiter_bob",
        url=None,
        level=RiskLevel.SCAM,
        description="DM @laura_rrhh or mail jobs@acme.com",
        fields=(Field("Company", "@acme_hr"),),
    )
    text = card_html(card)
    for handle in ("recruiter_bob", "laura_rrhh", "acme_hr"):
        assert f"@{handle}" not in text  # Telegram would turn it into a mention
        assert f"@{handle}" in TelegramHTML(text).visible  # yet the reader sees it as typed
    assert "jobs@acme.com" in text  # an address is not a mention and stays intact


def test_many_long_fields_share_one_message() -> None:
    fields = tuple(Field(f"Field {n}", "🙂" * 2000) for n in range(8))
    card = Card(title="t", url=None, level=None, fields=fields, footer="f" * 2000)
    visible = TelegramHTML(card_html(card)).visible
    assert utf16_len(visible) <= MAX_MESSAGE_UTF16
    assert all(f"Field {n}:" in visible for n in range(8))  # every field kept, each cut
    assert visible.count("…") >= 8
