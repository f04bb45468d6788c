"""Text for a terminal: what posting text may not do to it.

A terminal obeys some characters instead of showing them. Posting text is written by
strangers, so before it reaches `poll --once`, `sources`, `check` or the console chat:

- C0 and C1 controls (ESC starts the sequences that move the cursor, rewrite earlier lines,
  recolour the screen or set the window title; NUL, backspace and carriage return hide text)
  and DEL;
- bidirectional marks, embeddings, overrides and isolates (U+200E, U+202E...), which reorder
  what follows them ("Trojan Source"), and the Arabic letter mark;
- line and paragraph separators, which some terminals break lines on;

are shown as their escape (`\\x1b`, `\\u202e`) and do nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["inert", "json_line"]

_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_KEEPING_NEWLINES = re.compile(f"[{_UNSAFE}\t]")
_UNSAFE_ON_ONE_LINE = re.compile(f"[{_UNSAFE}\t\n]")
_UNSAFE_IN_JSON = re.compile(f"[{_UNSAFE}]")


def _escaped(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


def inert(text: str, *, one_line: bool = False) -> str:
    """`text` with every character a terminal would obey shown escaped instead; newlines
    are kept unless `one_line`."""
    pattern = _UNSAFE_ON_ONE_LINE if one_line else _UNSAFE_KEEPING_NEWLINES
    return pattern.sub(_escaped, text)


def json_line(value: Any) -> str:
    """One JSON line, non-ASCII text kept readable, but the characters above written as
    `\\uXXXX` escapes (still the same JSON string once parsed)."""
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
