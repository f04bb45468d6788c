"""The text path one fuzz input goes through; shared by the fuzzer and its regression test."""

from __future__ import annotations

import functools

from adapters.chat.discord_render import card_to_embed
from adapters.chat.telegram_render import render_card
from bot.delivery.render import alert_card, verdict_card
from bot.delivery.render_text import card_to_text
from bot.models import Alert, ChatRef, Filter, Subscription
from bot.postings.build import build_posting
from bot.postings.pay import find_pay, parse_pay_floor
from bot.scam import ScamChecker


@functools.cache
def _checker() -> ScamChecker:
    return ScamChecker()


def run_text_path(title: str, description: str) -> None:
    """Normalise, read pay, score and render one posting; raises AssertionError when a step
    gives an answer outside its contract (an unscored verdict means a check failed inside)."""
    find_pay(description, any_period=True)
    parse_pay_floor(title)
    posting = build_posting(
        source="fuzz",
        native_id="1",
        url=title,
        title=title,
        company=title,
        description=description,
        location=title,
    )
    verdict = _checker().check(posting, extra_text=description)
    assert verdict.scored, "a scam check failed inside"
    for language in ("es", "en"):
        subscription = Subscription(1, ChatRef("console", ""), Filter(), language)
        alert = Alert(1, posting, verdict, subscription, check_id=1)
        answer = verdict_card(verdict, 1, language, subject=title, url=title)
        for card in (alert_card(alert), answer):
            card_to_embed(card)
            render_card(card)
            card_to_text(card)
