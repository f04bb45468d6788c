"""A scam family: its cues, how its hits add up, and the one reason it gives.

Each family is one kind of scheme (advance fees, task scams, fake cheques…) and gives at most
one `Signal`: its strongest cue, quoted, plus a little for every further distinct cue, since
a scheme shows in several of its words together ("VIP level", "task set", "recharge").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.models import Signal
from bot.scam.cues import Cue, find
from bot.scam.textview import TextView

__all__ = ["Family", "Hit"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One cue of a family that showed: its weight and the words that showed it."""

    cue: str
    weight: float
    evidence: str
    message_key: str | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    id: str
    message_key: str
    cues: tuple[Cue, ...]
    #: Added for each further distinct cue that shows, up to `max_weight`.
    per_extra_cue: float = 0.0
    max_weight: float = 100.0
    #: Detection that is not a word pattern (pay figures, for pay lures).
    detect: Callable[[TextView], list[Hit]] | None = None

    @functools.cached_property
    def _openers(self) -> int:
        """The concepts any of this family's cues starts with."""
        bits = 0
        for cue in self.cues:
            bits |= cue.slots[0].any
        return bits

    def hits(self, view: TextView) -> list[Hit]:
        found: list[Hit] = []
        union = view.union
        if not self._openers & union and self.detect is None:
            return found
        for cue in self.cues:
            # Most cues have a word that is nowhere in the text: skipped here, without a call.
            every = cue.every_bit  # `Cue.may_show`, without a call a cue
            if union & every != every or (
                cue.any_of_bits and not all(map(union.__and__, cue.any_of_bits))
            ):
                continue
            span = find(view, cue)
            if span is not None:
                first, last = span
                # A multi-word entry ending the match ("gift card", "nivel VIP") is quoted whole.
                wanted = cue.slots[-1].any
                tokens = view.tokens
                while (
                    last + 1 < len(tokens)
                    and tokens[last + 1].bits & wanted
                    and tokens[last + 1].index == tokens[last].index + 1
                ):
                    last += 1
                found.append(Hit(cue.name, cue.weight, view.quote(first, last), cue.message_key))
        if self.detect is not None:
            found.extend(self.detect(view))
        return found

    def signal(self, view: TextView) -> Signal | None:
        """This family's reason for `view`, or None when none of its cues shows."""
        hits = self.hits(view)
        if not hits:
            return None
        strongest = max(hits, key=lambda hit: hit.weight)
        distinct = len({hit.cue for hit in hits})
        weight = min(self.max_weight, strongest.weight + self.per_extra_cue * (distinct - 1))
        return Signal(
            self.id,
            weight,
            strongest.evidence,
            strongest.message_key or self.message_key,
            {"count": str(distinct), **strongest.params},
        )
