"""A big JSON body is decoded a piece at a time (so the event loop keeps turning), into
exactly what `json.loads` gives, and refused with exactly its errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.sources.payload import load_json
from bot.errors import SourceFormatError
from bot.polling.json_pieces import PIECES_MIN_BYTES, loads_in_pieces
from tests.sources_helpers import greenhouse_board_payload

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


def outcome(decode: Any, text: str) -> tuple[str, Any]:
    try:
        return "value", decode(text)
    except json.JSONDecodeError as error:
        return "error", (error.msg, error.pos)


@settings(max_examples=150, deadline=None)
@given(value=json_values, indent=st.sampled_from([None, 0, 2]))
def test_any_json_reads_back_as_json_loads_reads_it(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert loads_in_pieces(text) == json.loads(text)
    assert loads_in_pieces(f" \n{text}\t\r\n") == json.loads(text)
    assert loads_in_pieces(text.encode("utf-8")) == json.loads(text)


@settings(max_examples=150, deadline=None)
@given(
    value=json_values,
    cut=st.integers(min_value=0),
    junk=st.sampled_from(["", ",", "]", "}", "x", " 1", ":"]),
)
def test_damaged_json_fails_with_json_loads_own_error(value: Any, cut: int, junk: str) -> None:
    text = json.dumps(value)
    damaged = text[: cut % (len(text) + 1)] + junk
    assert outcome(loads_in_pieces, damaged) == outcome(json.loads, damaged)


@pytest.mark.parametrize(
    "text",
    ['[1,]', '{"a":1,}', '{"a" 1}', '[1 2]', '{"a":[1,2] x', " [] x", "{1:2}", "[", "", "{}", "[]",
     '{"a": {"b": [1, 2,]}}', '{"a": 1, "a": 2}', "[NaN, Infinity]", '"\\ud800"'],
)  # fmt: skip
def test_edge_cases_match_json_loads(text: str) -> None:
    assert outcome(loads_in_pieces, text) == outcome(json.loads, text)


def response(body: bytes) -> httpx.Response:
    request = httpx.Request("GET", "https://boards.example/jobs")
    headers = {"Content-Type": "application/json"}
    return httpx.Response(200, content=body, headers=headers, request=request)


def test_a_big_board_reads_as_it_did_and_a_damaged_one_is_refused_the_same() -> None:
    body = greenhouse_board_payload("big", 1600)
    assert len(body) >= PIECES_MIN_BYTES  # read a piece at a time
    assert load_json("greenhouse:big", response(body)) == json.loads(body)

    damaged = body[:-2] + b",}"
    with pytest.raises(SourceFormatError) as big:
        load_json("greenhouse:big", response(damaged))
    with pytest.raises(json.JSONDecodeError) as plain:
        json.loads(damaged)
    assert str(plain.value)[:100] in str(big.value)
