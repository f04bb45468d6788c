"""Alerts for the chat renderers' tests, built the same way for Discord and Telegram.

Both renderers draw `bot.delivery.render.alert_card` from an `Alert`: one posting, the
subscription it goes to and the check behind its buttons. Building that alert in one place
keeps the two test files about what differs, the platform and the hostile text, not about how
an alert is made.
The defaults are a plain AI-trainer job: Scale AI, Madrid and remote, 20–35 USD an hour,
posted 2025-01-14.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Alert, ChatRef, Filter, Pay, PayPeriod, Posting, Subscription, Verdict


def chat_alert(
    chat: ChatRef,
    verdict: Verdict,
    *,
    title: str = "AI Trainer (Spanish)",
    company: str = "Scale AI",
    url: str = "https://boards.greenhouse.io/scaleai/jobs/123",
    description: str = "",
    pay: Pay | None = None,
    posted_at: datetime | None = None,
    source: str = "greenhouse:scaleai",
    native_id: str = "123",
    language: str = "en",
    subscription_id: int = 1,
    check_id: int = 1,
) -> Alert:
    """The alert `chat` gets for one posting, in `language`, with the buttons of `check_id`."""
    posting = Posting(
        source=source,
        native_id=native_id,
        url=url,
        title=title,
        company=company,
        location="Madrid",
        remote=True,
        pay=pay or Pay(20, 35, "USD", PayPeriod.HOUR),
        description=description,
        posted_at=posted_at or datetime(2025, 1, 14, 9, 30, tzinfo=UTC),
    )
    subscription = Subscription(subscription_id, chat, Filter(), language)
    return Alert(1, posting, verdict, subscription, check_id=check_id)
