"""JSON decoded a piece at a time, so a big payload does not hold the interpreter in one call.

`json.loads` is one call into C that holds the interpreter throughout: on the worker thread,
a 14 MB payload (20,000 postings) stopped the event loop for 0.8-1.2 s. Decoding the
members of the top-level object or array, and the items of the arrays inside it, one
`raw_decode` call each gives the loop the interpreter back between them (each is well
under a millisecond), with the very same result and errors as `json.loads`.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["PIECES_MIN_BYTES", "loads_in_pieces"]

#: JSON bodies from this size are decoded a member at a time (`loads_in_pieces`).
PIECES_MIN_BYTES = 1_000_000

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: Levels decoded piece by piece: the top-level value and the arrays directly inside it.
_PIECE_DEPTH = 2


def loads_in_pieces(body: bytes | str) -> Any:
    """`json.loads(body)`, decoded a member (or an array item) at a time."""
    if isinstance(body, str):
        text = body
    else:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    value, index = _value(text, _skip(text, 0), 0)
    end = _skip(text, index)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _value(text: str, index: int, depth: int) -> tuple[Any, int]:
    opening = text[index : index + 1]
    if depth < _PIECE_DEPTH and opening == "[":
        return _array(text, index, depth)
    if depth < _PIECE_DEPTH - 1 and opening == "{":
        return _object(text, index, depth)
    value, end = _DECODER.raw_decode(text, index)
    return value, end


def _array(text: str, index: int, depth: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    index = _skip(text, index + 1)
    if text[index : index + 1] == "]":
        return items, index + 1
    while True:
        item, index = _value(text, index, depth + 1)
        items.append(item)
        index = _skip(text, index)
        delimiter = text[index : index + 1]
        if delimiter == "]":
            return items, index + 1
        if delimiter != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = _skip(text, index + 1)


def _object(text: str, index: int, depth: int) -> tuple[dict[str, Any], int]:
    members: dict[str, Any] = {}
    index = _skip(text, index + 1)
    if text[index : index + 1] == "}":
        return members, index + 1
    while True:
        if text[index : index + 1] != '"':
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, index
            )
        key, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index : index + 1] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
        members[key], index = _value(text, _skip(text, index + 1), depth + 1)
        index = _skip(text, index)
        delimiter = text[index : index + 1]
        if delimiter == "}":
            return members, index + 1
        if delimiter != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = _skip(text, index + 1)
