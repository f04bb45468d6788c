"""Check 1: the engine that runs the text rules, in English and Spanish, over a posting.

The rules themselves are data in `rule_patterns` (see `rule_schema` for their shape); this
module only decides when a pattern's hit counts and turns hits into signals. All patterns run
in one pass through an RE2 set, so a posting costs one scan however many rules there are; only
the patterns that fire are then run again to find the words to quote and to check their context:

* negation just before the trigger ("we never charge a fee", "sin cuota de inscripción");
* a clause veto ("the company reimburses the certification fee", "direct deposit");
* for rules about what the applicant must pay, the subject ("we pay for your training").

Weights are points of risk on the 0–100 scale (see `score`): a fee or a crypto deposit weighs
enough alone to make a verdict of scam, a weak signal (urgency, "no experience") never does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import re2

from bot.models import Signal
from bot.scam.rule_patterns import RULES
from bot.scam.rule_schema import Pattern, Rule
from bot.scam.textnorm import clause_bounds, clip, fold

__all__ = [
    "RULES",
    "Hit",
    "Pattern",
    "Rule",
    "RuleEngine",
    "default_engine",
    "signals_from_hits",
    "text_signals",
]

_NEGATION = re.compile(
    r"\b(?:never|not|no|don't|dont|doesn't|won't|will\W+not|without|nor|neither|zero|"
    r"nunca|jamas|ni|sin|tampoco|free\W+of)\b"
)
_SUBJECT = re.compile(
    r"\b(?:we|we'll|we'd|we've|us|our\W+(?:company|team|client)|the\W+company|company|employer"
    r"|nosotros|empresa|customers|users|clients|clientes|usuarios|they|cubrimos|pagamos)\b"
)
_FREE_AFTER = re.compile(
    r"\W*(?:\w+\W+){0,3}?(?:is|are|will\W+be|es|son|sera|seran)?\W*(?:free|gratis|gratuit[oa]s?"
    r"|waived|covered|reimbursed|provided|not\W+required|cubiert[oa]s?|reembolsad[oa]s?)\b"
)
_WINDOW_WORDS = 6
#: A warning about scams quotes their words: "scammers ask you to buy a starter kit".
_WARNING = re.compile(
    r"\b(?:scam\w*|fraud\w*|beware|impostors?|impersonat\w*|phishing|estafa\w*|fraude\w*"
    r"|cuidado|suplanta\w*|engano\w*|timo\w*)\b"
)
_WARNING_WINDOW = 200


_RULE_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True, slots=True)
class Hit:
    """One accepted match: its rule and pattern, its weight, and where it is in the text."""

    rule: Rule
    pattern_index: int
    weight: float
    start: int
    end: int


class RuleEngine:
    """Every rule's patterns in one RE2 set; context checks only for what fired."""

    def __init__(self, rules: Iterable[Rule] = RULES) -> None:
        self.rules = tuple(rules)
        self._entries: list[tuple[Rule, int, Pattern, re.Pattern[str]]] = []
        self._set = re2.Set.SearchSet()
        for rule in self.rules:
            for index, pattern in enumerate(rule.patterns):
                self._set.Add(pattern.regex)
                self._entries.append((rule, index, pattern, re.compile(pattern.regex)))
        self._set.Compile()
        self._vetoes: dict[str, re.Pattern[str]] = {}

    def _compiled(self, regex: str) -> re.Pattern[str]:
        compiled = self._vetoes.get(regex)
        if compiled is None:
            compiled = self._vetoes[regex] = re.compile(regex)
        return compiled

    def hits(self, folded: str) -> list[Hit]:
        """Every hit that survives its context checks, in text order within each pattern."""
        matched = self._set.Match(folded)
        if not matched:
            return []
        found: list[Hit] = []
        for entry_index in sorted(matched):
            rule, index, pattern, compiled = self._entries[entry_index]
            for match in compiled.finditer(folded):
                if self._accepts(rule, pattern, folded, match.start(), match.end()):
                    weight = pattern.weight if pattern.weight is not None else rule.weight
                    found.append(Hit(rule, index, weight, match.start(), match.end()))
                    break  # one quote per pattern is enough
        return found

    def _accepts(self, rule: Rule, pattern: Pattern, folded: str, start: int, end: int) -> bool:
        if pattern.hit_veto and self._compiled(pattern.hit_veto).search(folded, start, end):
            return False
        if pattern.after_veto and self._compiled(pattern.after_veto).match(folded, end):
            return False
        if pattern.needs:
            window = folded[max(0, start - pattern.needs_window) : end + pattern.needs_window]
            if not self._compiled(pattern.needs).search(window):
                return False
        clause_start, clause_end = clause_bounds(folded, start, end)
        before_words = folded[clause_start:start].split()[-_WINDOW_WORDS:]
        before = " ".join(before_words)
        if rule.negatable and (
            _NEGATION.search(before)
            or _FREE_AFTER.match(folded, end, clause_end)
            or _WARNING.search(folded, max(0, start - _WARNING_WINDOW), clause_end)
        ):
            return False
        if rule.subject_veto and _SUBJECT.search(before):
            return False
        clause = folded[clause_start:clause_end]
        for veto in (rule.veto, pattern.veto):
            if veto and self._compiled(veto).search(clause):
                return False
        return True


def signals_from_hits(hits: list[Hit], original: str) -> list[Signal]:
    """Hits to signals: one per rule, the task-scheme words counted together."""
    by_rule: dict[str, list[Hit]] = {}
    for hit in hits:
        by_rule.setdefault(hit.rule.id, []).append(hit)
    if "crypto.payment" in by_rule:
        by_rule.pop("crypto.mention", None)
    signals: list[Signal] = []
    for rule_id, rule_hits in by_rule.items():
        rule = _RULE_BY_ID.get(rule_id) or rule_hits[0].rule
        rule_hits.sort(key=lambda hit: hit.start)
        quotes = [clip(original[hit.start : hit.end], 60) for hit in rule_hits]
        if rule_id == "task.scheme":
            # One odd word ("task set") is weak; the scheme shows in several together.
            distinct = len({hit.pattern_index for hit in rule_hits})
            weight = min(70.0, rule.weight + 20.0 * (distinct - 1))
            evidence = "; ".join(dict.fromkeys(quotes))
            signals.append(
                Signal(
                    rule_id, weight, clip(evidence, 120), rule.message_key, {"count": str(distinct)}
                )
            )
            continue
        heaviest = max(rule_hits, key=lambda hit: hit.weight)
        signals.append(
            Signal(rule_id, heaviest.weight, quotes[rule_hits.index(heaviest)], rule.message_key)
        )
    return signals


@functools.cache
def default_engine() -> RuleEngine:
    """The shared engine: compiling the RE2 set once per process."""
    return RuleEngine()


def text_signals(text: str, engine: RuleEngine | None = None) -> list[Signal]:
    """The rule signals of one text (title, company, description and extras joined)."""
    folded = fold(text)
    return signals_from_hits((engine or default_engine()).hits(folded), text)
