"""Scam checks: text rules, the link against the claimed employer, known scam scripts, and an
optional online reputation, combined into a `bot.models.Verdict` (see `score`)."""

from bot.scam.employers import Employer, EmployerRegistry
from bot.scam.evaluate import EvalReport, evaluate, run_eval, run_score, score_line
from bot.scam.reputation import Reputation
from bot.scam.score import ScamChecker
from bot.scam.scripts import ScriptLibrary, ScriptMatch
from bot.scam.verdicts import combine

__all__ = [
    "Employer",
    "EmployerRegistry",
    "EvalReport",
    "Reputation",
    "ScamChecker",
    "ScriptLibrary",
    "ScriptMatch",
    "combine",
    "evaluate",
    "run_eval",
    "run_score",
    "score_line",
]
