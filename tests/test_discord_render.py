"""Alerts and verdicts drawn as Discord embeds: hostile posting text stays inert, limits hold."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from adapters.chat.discord_buttons import TEMPLATE, ActionButton, card_view
from adapters.chat.discord_render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    TITLE_MAX,
    card_to_embed,
    embed_length,
    escape_text,
    fit,
    safe_url,
)
from adapters.chat.discord_translator import CatalogTranslator, localized
from bot.delivery.cards import LEVEL_COLOURS, Card, Field
from bot.delivery.render import alert_card, verdict_card
from bot.models import Alert, ChatRef, Pay, PayPeriod, RiskLevel, Signal, Verdict
from tests.chat_helpers import chat_alert

FEE = Signal("fee", 40, "pay $50 for the training kit", "signal.fee")
TELEGRAM = Signal("contact_move", 25, "Telegram @hr_jobs", "signal.contact_move")


def make_alert(
    *,
    title: str = "AI Trainer (Spanish)",
    description: str = "",
    company: str = "Scale AI",
    url: str = "https://boards.greenhouse.io/scaleai/jobs/123",
    language: str = "en",
    verdict: Verdict | None = None,
) -> Alert:
    """A job paying 20–35 USD an hour, posted 2025-01-14, for a Discord channel; check 42."""
    return chat_alert(
        ChatRef("discord", "700000000000000200"),
        verdict or Verdict(risk=55, level=RiskLevel.CAUTION, reasons=(FEE, TELEGRAM)),
        title=title,
        company=company,
        url=url,
        description=description,
        language=language,
        subscription_id=7,
        check_id=42,
    )


def all_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    for field in embed.fields:
        parts += [field.name or "", field.value or ""]
    return "\n".join(parts)


def test_alert_embed_shows_posting_and_risk_with_colour_by_level() -> None:
    embed = card_to_embed(alert_card(make_alert()))
    values = {field.name: field.value for field in embed.fields}
    assert embed.title == "AI Trainer (Spanish)"
    assert embed.url == "https://boards.greenhouse.io/scaleai/jobs/123"
    assert embed.colour is not None and embed.colour.value == LEVEL_COLOURS[RiskLevel.CAUTION]
    assert values["Company"] == "Scale AI"
    assert "20–35 USD" in (values["Pay"] or "")
    assert values["Posted"] == "Jan 14, 2025"
    assert "55/100" in (values["Risk"] or "")
    assert "pay $50 for the training kit" in all_text(embed)  # the top reason with its evidence
    assert "Telegram @hr" in all_text(embed)  # and the next one
    assert "more: see Why?" not in all_text(embed)  # nothing hidden


def test_an_alert_shows_the_strongest_reasons_and_counts_the_rest() -> None:
    urgency = Signal("pressure", 10, "act now", "signal.pressure")
    many = Verdict(risk=75, level=RiskLevel.SCAM, reasons=(FEE, TELEGRAM, urgency))
    text = all_text(card_to_embed(alert_card(make_alert(verdict=many))))
    assert text.index("pay $50") < text.index("Telegram @hr")
    assert "act now" not in text and "+1 more: see Why?" in text


def test_alert_in_spanish_for_a_spanish_subscription() -> None:
    embed = card_to_embed(alert_card(make_alert(language="es")))
    names = [field.name for field in embed.fields]
    assert "Empresa" in names and "Company" not in names


@pytest.mark.parametrize(
    "hostile",
    [
        "@everyone click here",
        "@here urgent hiring",
        "<@&700000000000000999> role ping",
        "<@700000000000000300> user ping",
        "[Apply at Scale AI](https://scale-ai.evil.example/login)",
        "Apply [now](https://a.example) or [later](https://evil.example)",
        "[[Scale AI](https://evil.example)",
        "\\[Scale](https://evil.example)",
    ],
)
def test_posting_text_pings_no_one_and_hides_no_link(hostile: str) -> None:
    alert = make_alert(title=hostile, company=hostile)
    embed = card_to_embed(alert_card(alert))
    text = all_text(embed)
    assert not re.search(r"@(everyone|here)", text)
    assert not re.search(r"<@[!&]?\d", text)
    # A masked link needs an unescaped "[": every "[" left is preceded by an odd run of "\".
    for match in re.finditer(r"(\\*)\[", text):
        assert len(match.group(1)) % 2 == 1, text


def test_markdown_in_posting_text_is_shown_literally() -> None:
    assert escape_text("**FREE** _money_ ||secret|| `x`") == (
        "\\*\\*FREE\\*\\* \\_money\\_ \\|\\|secret\\|\\| \\`x\\`"
    )
    assert escape_text("# Hiring now") == "\\# Hiring now"
    assert escape_text("evil\u202egnp.exe") == "evilgnp.exe"  # direction override removed


def test_long_text_is_cut_with_an_ellipsis_within_every_limit() -> None:
    long = "Entrenador de IA " * 500
    card = Card(
        title=long,
        url="https://example.com/job",
        level=RiskLevel.OK,
        description=long,
        fields=tuple(Field(f"Field {i} " * 40, long) for i in range(30)),
        footer=long,
    )
    embed = card_to_embed(card)
    assert len(embed.title or "") <= TITLE_MAX and (embed.title or "").endswith("…")
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert len(embed.fields) == 25
    assert all(len(field.value or "") <= FIELD_VALUE_MAX for field in embed.fields)
    assert embed_length(embed) <= EMBED_TOTAL_MAX


def test_cut_never_splits_an_escape() -> None:
    text = fit("_" * 1000, 256)
    assert len(text) <= 256 and text.endswith("…")
    body = text.removesuffix("…")
    trailing = len(body) - len(body.rstrip("\\"))
    assert trailing % 2 == 0  # no lone backslash escaping the ellipsis


def test_lengths_count_utf16_units_like_discord() -> None:
    text = fit("🙂" * 300, 256)
    assert len(text.encode("utf-16-le")) // 2 <= 256


def test_a_link_discord_would_refuse_is_dropped_not_the_alert() -> None:
    for url in ("javascript:alert(1)", "https://exa mple.com/x", "ftp://x.example/a", ""):
        alert = make_alert(url=url)
        card = alert_card(alert)
        assert card_to_embed(card).url is None
        view = card_view(card)
        assert view is not None
        links = [item for item in view.children if getattr(item, "url", None)]
        assert links == []
    assert safe_url("https://example.com/" + "a" * 600, max_length=512) is None


def test_buttons_carry_the_stable_payloads_of_bot_render() -> None:
    card = alert_card(make_alert(language="es"))
    view = card_view(card)
    assert view is not None and view.timeout is None
    rows = view.to_components()[0]["components"]
    link = [c for c in rows if c.get("url")]
    custom = [c["custom_id"] for c in rows if c.get("custom_id")]
    assert [c["label"] for c in link] == ["Abrir"]
    assert custom == ["vigia:why:42", "vigia:report:42", "vigia:fine:42"]
    assert all(TEMPLATE.match(custom_id) for custom_id in custom)
    dispatched = [item for item in view.children if not getattr(item, "url", None)]
    assert all(isinstance(item, ActionButton) for item in dispatched)


def test_verdict_embed_names_the_verified_employer() -> None:
    verdict = Verdict(risk=5, level=RiskLevel.OK, verified_employer="Scale AI")
    card = verdict_card(
        verdict,
        9,
        "en",
        subject="https://boards.greenhouse.io/scaleai/jobs/1",
        url="https://boards.greenhouse.io/scaleai/jobs/1",
    )
    embed = card_to_embed(card)
    assert embed.colour is not None and embed.colour.value == LEVEL_COLOURS[RiskLevel.OK]
    assert any("Scale AI" in (field.value or "") for field in embed.fields)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (discord.Locale.spain_spanish, "alertas"),
        (discord.Locale.latin_american_spanish, "alertas"),
        (discord.Locale.american_english, "alerts"),
        (discord.Locale.french, None),
    ],
)
async def test_translator_names_commands_in_the_readers_language(
    locale: discord.Locale, expected: str | None
) -> None:
    translator = CatalogTranslator()
    context: discord.app_commands.TranslationContext[Any, None] = (
        discord.app_commands.TranslationContext(
            discord.app_commands.TranslationContextLocation.other, None
        )
    )
    name = localized("discord.cmd.alerts.name")
    assert await translator.translate(name, locale, context) == expected


@pytest.mark.parametrize(
    ("language", "pay", "shown"),
    [
        ("es", Pay(15.5, 15.5, "USD", PayPeriod.HOUR), "15,5 USD por hora"),
        ("en", Pay(15.5, 15.5, "USD", PayPeriod.HOUR), "15.5 USD per hour"),
        ("es", Pay(1500, 2500, "EUR", PayPeriod.MONTH), "1.500–2.500 EUR al mes"),
        ("en", Pay(1500, 2500, "EUR", PayPeriod.MONTH), "1,500–2,500 EUR per month"),
    ],
)
def test_pay_and_the_posting_day_are_written_as_the_channel_s_language_writes_them(
    language: str, pay: Pay, shown: str
) -> None:
    alert = chat_alert(
        ChatRef("discord", "700000000000000200"),
        Verdict(risk=5, level=RiskLevel.OK),
        pay=pay,
        posted_at=datetime(2025, 1, 14, 9, 30, tzinfo=UTC),
        language=language,
    )
    values = {field.name: field.value for field in card_to_embed(alert_card(alert)).fields}
    if language == "es":
        assert values["Pago"] == shown and values["Publicada"] == "14 ene 2025"
    else:
        assert values["Pay"] == shown and values["Posted"] == "Jan 14, 2025"
