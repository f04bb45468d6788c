"""Small text helpers of the scam checks: quotes short enough for a chat line, word lists.

The folds the checks compare text in are `bot.text.fold` and `bot.text.fold_aligned`."""

from __future__ import annotations

__all__ = ["clip", "word_set"]


def clip(text: str, limit: int = 80) -> str:
    """Evidence short enough for a chat line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string, for readable word lists."""
    return frozenset(words.split())
