"""The per-source counters (`vigia_polls_total`, `vigia_postings_total`) read on `/metrics`
exactly as prometheus-client's own `Counter` writes them: same families, samples, labels and
help, while each series costs a fraction of a `Counter` child."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, generate_latest

from bot.metrics import LabelledCounter


def _without_created(text: str) -> list[str]:
    """The exposition's lines, `_created` values left out (they are times of creation)."""
    return [line for line in text.splitlines() if not line.startswith("x_polls_created{")]


def test_exposition_matches_prometheus_counter() -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    mine = LabelledCounter("x_polls", "Polls, by outcome.", ("source", "outcome"), registry=ours)
    reference = Counter("x_polls", "Polls, by outcome.", ["source", "outcome"], registry=theirs)
    for source, outcome, amount in [("a", "ok", 1), ("a", "ok", 2), ("b:c", "unchanged", 1)]:
        mine.inc((source, outcome), amount)
        reference.labels(source=source, outcome=outcome).inc(amount)
    assert _without_created(generate_latest(ours).decode()) == _without_created(
        generate_latest(theirs).decode()
    )
    assert ours.get_sample_value("x_polls_total", {"source": "a", "outcome": "ok"}) == 3
    assert ours.get_sample_value("x_polls_created", {"source": "a", "outcome": "ok"}) is not None
    assert mine.value(("b:c", "unchanged")) == 1
    assert mine.value(("nobody", "ok")) == 0
