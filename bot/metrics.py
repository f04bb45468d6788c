"""The bot's counters and gauges, in Prometheus' model (prometheus-client).

One registry for the process, so `/metrics` (when enabled, `bot.observability`) and the tests
read the same numbers. Names start with `vigia_`; labels stay few and bounded (a configured
source's name, a platform, an outcome, a level), never a posting id, a chat id or user text.

The parts count as they go (`count_poll`, `count_send`, ...); what lives in the store (the
outbox's depth and its oldest pending row) is read when `/metrics` is asked
(`refresh_outbox`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "LINK_CHECKS",
    "OUTBOX_DEPTH",
    "OUTBOX_OLDEST_PENDING",
    "POLLS",
    "POSTINGS",
    "POSTING_FAILURES",
    "RATE_LIMITS",
    "RATE_LIMIT_WAIT",
    "REGISTRY",
    "SENDS",
    "VERDICTS",
    "count_link_check",
    "count_poll",
    "count_posting_failure",
    "count_rate_limit",
    "count_send",
    "set_outbox",
]

REGISTRY = CollectorRegistry(auto_describe=True)

#: Postings whose normalising or scoring failed inside: each is kept (unscored, or with the
#: failed field left unknown) and the rest of its poll goes on.
POSTING_FAILURES = Counter(
    "vigia_posting_failures",
    "Postings that an unexpected error hit while being normalised or scored, by stage.",
    ["stage"],
    registry=REGISTRY,
)
POLLS = Counter(
    "vigia_polls",
    "Polls of a source, by outcome: ok (new content), unchanged (304 or same body), error.",
    ["source", "outcome"],
    registry=REGISTRY,
)
POSTINGS = Counter(
    "vigia_postings",
    "New postings a source's polls found (a posting counts once, when first seen).",
    ["source"],
    registry=REGISTRY,
)
VERDICTS = Counter(
    "vigia_verdicts",
    "Scam verdicts given to new relevant postings, by level (ok, caution, scam, unscored).",
    ["level"],
    registry=REGISTRY,
)
SENDS = Counter(
    "vigia_sends",
    "Alerts and digest pages sent to a chat, by platform and outcome (sent, rate_limited, "
    "chat_gone, chat_moved, rejected, transient, lost_claim).",
    ["platform", "outcome"],
    registry=REGISTRY,
)
RATE_LIMITS = Counter(
    "vigia_rate_limits",
    "429 answers from a chat platform (each pauses sends for its wait).",
    ["platform"],
    registry=REGISTRY,
)
RATE_LIMIT_WAIT = Counter(
    "vigia_rate_limit_wait_seconds",
    "Seconds of pause the chat platforms' 429 answers asked for.",
    ["platform"],
    registry=REGISTRY,
)
LINK_CHECKS = Histogram(
    "vigia_link_check_seconds",
    "Link checks (is this legit?) and how long each took, by outcome (read, unread, cached, "
    "error).",
    ["outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0),
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "vigia_outbox_rows",
    "Outbox rows by status (pending, sending, held, sent, failed, digested).",
    ["status"],
    registry=REGISTRY,
)
OUTBOX_OLDEST_PENDING = Gauge(
    "vigia_outbox_oldest_pending_age_seconds",
    "Age of the oldest alert waiting to be sent (0 when none waits).",
    registry=REGISTRY,
)

_OUTBOX_STATUSES = ("pending", "sending", "held", "sent", "failed", "digested")


def count_posting_failure(stage: str) -> None:
    POSTING_FAILURES.labels(stage=stage).inc()


def count_poll(source: str, outcome: str, *, new: int = 0, levels: Iterable[str] = ()) -> None:
    """One poll's outcome, the new postings it found and their verdicts' levels."""
    POLLS.labels(source=source, outcome=outcome).inc()
    if new:
        POSTINGS.labels(source=source).inc(new)
    for level in levels:
        VERDICTS.labels(level=level).inc()


def count_send(platform: str, outcome: str) -> None:
    SENDS.labels(platform=platform, outcome=outcome).inc()


def count_rate_limit(platform: str, wait_s: float) -> None:
    RATE_LIMITS.labels(platform=platform).inc()
    RATE_LIMIT_WAIT.labels(platform=platform).inc(max(0.0, wait_s))


def count_link_check(outcome: str, seconds: float) -> None:
    LINK_CHECKS.labels(outcome=outcome).observe(seconds)


def set_outbox(counts: Mapping[str, int], oldest_pending_age_s: float) -> None:
    for status in sorted(set(_OUTBOX_STATUSES) | set(counts)):
        OUTBOX_DEPTH.labels(status=status).set(counts.get(status, 0))
    OUTBOX_OLDEST_PENDING.set(max(0.0, oldest_pending_age_s))
