"""The bot's counters and gauges, in Prometheus' model (prometheus-client).

One registry for the process, so `/metrics` (when enabled) and the tests read the same
numbers. Names start with `vigia_`; labels stay few and bounded (a stage, a platform, an
outcome), never a posting id or a chat id.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

__all__ = ["POSTING_FAILURES", "REGISTRY", "count_posting_failure"]

REGISTRY = CollectorRegistry(auto_describe=True)

#: Postings whose normalising or scoring failed inside: each is kept (unscored, or with the
#: failed field left unknown) and the rest of its poll goes on.
POSTING_FAILURES = Counter(
    "vigia_posting_failures",
    "Postings that an unexpected error hit while being normalised or scored, by stage.",
    ["stage"],
    registry=REGISTRY,
)


def count_posting_failure(stage: str) -> None:
    POSTING_FAILURES.labels(stage=stage).inc()
