"""The bot's counters and gauges, in Prometheus' model (prometheus-client).

One registry for the process, so `/metrics` (when enabled, `bot.observability`) and the tests
read the same numbers. Names start with `vigia_`; labels stay few and bounded (a configured
source's name, a platform, an outcome, a level), never a posting id, a chat id or user text.

The parts count as they go (`count_poll`, `count_send`, ...); what lives in the store (the
outbox's depth and its oldest pending row) is read when `/metrics` is asked
(`refresh_outbox`).
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

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
    "LabelledCounter",
    "count_link_check",
    "count_poll",
    "count_posting_failure",
    "count_rate_limit",
    "count_send",
    "set_outbox",
]

REGISTRY = CollectorRegistry(auto_describe=True)


class LabelledCounter(Collector):
    """A counter with many label series (one or more per configured source), exposed as
    prometheus-client's `Counter` exposes one (`NAME_total` and `NAME_created`), but each
    series held as a dict entry (labels → its number) and two doubles in two arrays instead
    of a child object with two locked values (about 560 bytes a series; 10,000 sources are
    20,000–30,000 series), or two dicts of float objects (~200 bytes a series). Counted
    from the event loop's thread only; `/metrics` copies them before it reads them."""

    def __init__(
        self, name: str, documentation: str, labels: tuple[str, ...], *, registry: CollectorRegistry
    ) -> None:
        self._name = name
        self._documentation = documentation
        self._labels = labels
        #: labels → the series' index in `_values` and `_created`
        self._series: dict[tuple[str, ...], int] = {}
        self._values = array("d")
        self._created = array("d")
        registry.register(self)

    def inc(self, labels: tuple[str, ...], amount: float = 1.0) -> None:
        """Add `amount` to the series of `labels` (values in the order of the label names)."""
        index = self._series.get(labels)
        if index is None:
            index = self._series[labels] = len(self._values)
            self._values.append(0.0)
            self._created.append(time.time())
        self._values[index] += amount

    def value(self, labels: tuple[str, ...]) -> float:
        index = self._series.get(labels)
        return 0.0 if index is None else self._values[index]

    def describe(self) -> Iterator[Metric]:
        yield CounterMetricFamily(self._name, self._documentation, labels=self._labels)

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self._name, self._documentation, labels=self._labels)
        series, values, created = list(self._series.items()), self._values[:], self._created[:]
        for labels, index in series:
            family.add_metric(list(labels), values[index], created=created[index])
        yield family


#: Postings whose normalising or scoring failed inside: each is kept (unscored, or with the
#: failed field left unknown) and the rest of its poll goes on.
POSTING_FAILURES = Counter(
    "vigia_posting_failures",
    "Postings that an unexpected error hit while being normalised or scored, by stage.",
    ["stage"],
    registry=REGISTRY,
)
POLLS = LabelledCounter(
    "vigia_polls",
    "Polls of a source, by outcome: ok (new content), unchanged (304 or same body), error.",
    ("source", "outcome"),
    registry=REGISTRY,
)
POSTINGS = LabelledCounter(
    "vigia_postings",
    "New postings a source's polls found (a posting counts once, when first seen).",
    ("source",),
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
    POLLS.inc((source, outcome))
    if new:
        POSTINGS.inc((source,), new)
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
