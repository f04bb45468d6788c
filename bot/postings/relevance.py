"""Is a posting about AI-training work? Only those reach subscribers; the rest are counted.

Keywords match on word boundaries over accent-folded text, so "anotación" matches
"anotacion" and "rater" does not match "operater" or "generated".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.models import Posting
from bot.text import fold


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation over all keywords, bounded by non-word characters; None when empty."""
    words = sorted({fold(k).strip() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternation = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


class RelevanceFilter:
    def __init__(
        self, keywords: Iterable[str], exclude: Iterable[str] = (), *, enabled: bool = True
    ):
        self.enabled = enabled
        self._include = keyword_pattern(keywords)
        self._exclude = keyword_pattern(exclude)

    def is_relevant(self, posting: Posting) -> bool:
        if not self.enabled:
            return True
        text = fold(f"{posting.title}\n{posting.description}")
        if self._exclude and self._exclude.search(fold(posting.title)):
            return False
        # The title decides when it speaks; a long description that mentions "evaluation" once
        # in passing should not make an accountant's job relevant, so the body needs two hits.
        if self._include is None:
            return True
        if self._include.search(fold(posting.title)):
            return True
        return len(self._include.findall(text)) >= 2
