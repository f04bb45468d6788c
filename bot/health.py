"""What each running part says about itself: the state behind `/healthz` and `python -m bot
health`.

A supervisor needs one answer ("is the bot doing its job?") made of many small ones: is the
scheduler running, did the outbox drain lately, is each chat platform connected, are the
store's workers alive. No part knows about the others, so each one reports into a
`HealthRegistry` that the runner creates and hands out:

    health.report("drain", up=False, detail="OperationalError")      # pushed when it changes
    health.probe("telegram", lambda: PartState(up=updater.running))  # read when asked

A part is `required` unless it says otherwise: any required part that is down makes the whole
bot unhealthy (HTTP 503, exit 1). Optional parts are shown but never fail the check. Details
are short and never hold secrets or user text: they are served to whoever can reach the
endpoint.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HealthRegistry", "HealthSnapshot", "PartState"]

log = logging.getLogger("vigia.health")
#: A detail longer than this is cut: it is a hint for an operator, not a log.
MAX_DETAIL_CHARS = 200


@dataclass(frozen=True, slots=True)
class PartState:
    up: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PartView:
    """One part as the endpoint shows it."""

    up: bool
    detail: str
    required: bool
    since: float | None  # when a reported part last changed; None for probed parts

    def to_dict(self) -> dict[str, Any]:
        view: dict[str, Any] = {"up": self.up, "required": self.required}
        if self.detail:
            view["detail"] = self.detail
        if self.since is not None:
            view["since"] = round(self.since, 3)
        return view


@dataclass(frozen=True, slots=True)
class HealthSnapshot:
    parts: Mapping[str, PartView] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(part.up for part in self.parts.values() if part.required)

    @property
    def down(self) -> list[str]:
        return sorted(name for name, part in self.parts.items() if part.required and not part.up)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "down",
            "parts": {name: part.to_dict() for name, part in sorted(self.parts.items())},
        }


@dataclass(slots=True)
class _Reported:
    state: PartState
    required: bool
    since: float


class HealthRegistry:
    """The parts' states. Single-threaded, like the event loop that owns it."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._reported: dict[str, _Reported] = {}
        self._probes: dict[str, tuple[Callable[[], PartState], bool]] = {}

    def report(self, part: str, *, up: bool, detail: str = "", required: bool = True) -> None:
        """Set a part's state; a change of up/down is logged once, not every report."""
        state = PartState(up, detail[:MAX_DETAIL_CHARS])
        previous = self._reported.get(part)
        if previous is not None and previous.state == state and previous.required == required:
            return
        since = self._clock() if previous is None or previous.state.up != up else previous.since
        self._reported[part] = _Reported(state, required, since)
        if previous is not None and previous.state.up != up:
            level = logging.INFO if up else logging.WARNING
            log.log(level, "%s is %s%s", part, "up" if up else "down", f": {detail}" * bool(detail))

    def probe(self, part: str, probe: Callable[[], PartState], *, required: bool = True) -> None:
        """Register a function that tells a part's state when asked (it must be cheap and must
        not block: it runs inside the event loop for every health request)."""
        self._probes[part] = (probe, required)

    def forget(self, part: str) -> None:
        """The part is gone on purpose (stopped by the operator): no longer shown."""
        self._reported.pop(part, None)
        self._probes.pop(part, None)

    def snapshot(self) -> HealthSnapshot:
        parts: dict[str, PartView] = {
            name: PartView(r.state.up, r.state.detail, r.required, r.since)
            for name, r in self._reported.items()
        }
        for name, (probe, required) in self._probes.items():
            try:
                state = probe()
            except Exception as error:  # a broken probe says "down", it does not break /healthz
                state = PartState(False, f"probe failed: {type(error).__name__}")
            parts[name] = PartView(state.up, state.detail[:MAX_DETAIL_CHARS], required, None)
        return HealthSnapshot(parts)
