"""The shape of a text rule: a signal id, its weight, and the patterns that fire it.

Kept apart from both the engine (`rules`) and the definitions (`rule_patterns*`) so that the
definitions are plain data that import nothing but this shape, and the engine can be read
without scrolling past hundreds of lines of regular expressions.

Patterns are regular expressions over folded text (lower case, no accents: see `textnorm`) and
must stay within the syntax RE2 accepts, since the engine runs them all in one RE2 set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way a rule fires. `weight` overrides the rule's weight for this pattern."""

    regex: str
    weight: float | None = None
    veto: str | None = None  # searched in the clause around the hit: a match cancels it
    needs: str | None = None  # searched within `needs_window` chars of the hit: required
    needs_window: int = 250
    hit_veto: str | None = None  # searched in the matched words themselves
    after_veto: str | None = None  # matched right after the hit ("WhatsApp Business API")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    weight: float
    message_key: str
    patterns: tuple[Pattern, ...]
    negatable: bool = True  # a negation just before, or a warning about scams, cancels it
    subject_veto: bool = False  # "we"/"the company" just before cancels it (who pays)
    veto: str | None = None  # clause veto shared by every pattern
