"""Text folding shared by relevance, matching and posting identity."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents ("Anotación" → "anotacion"): the form keywords and text are
    compared in. ASCII text, most of what job boards send, skips the Unicode decomposition."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
