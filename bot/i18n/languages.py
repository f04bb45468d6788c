"""The languages Vigia speaks, and how a platform's locale code maps to one of them."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("es", "en")
DEFAULT_LANGUAGE = "es"


def normalize_language(code: str | None) -> str:
    """Map a platform locale (`es-419`, `en_US`, `es-ES`) to a catalog language."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"
