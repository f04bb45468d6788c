"""Reading a source's payload: the JSON body, its items, typed fields and dates.

Payloads are other people's JSON and change without notice, so every read is checked: a
body that is not JSON, or a payload none of whose items can be read, is a
`SourceFormatError` (the source is backed off); one bad item is an `ItemError`, and only that
item is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from adapters.sources.base import check_status
from bot.errors import ItemError, SourceFormatError
from bot.failures import posting_failed
from bot.models import Posting
from bot.polling.handover import handing_over
from bot.polling.json_pieces import PIECES_MIN_BYTES, loads_in_pieces

__all__ = [
    "ItemError",
    "as_list",
    "as_mapping",
    "as_number",
    "load_json",
    "map_items",
    "optional_str",
    "parse_datetime",
    "require_str",
]


def load_json(source: str, response: httpx.Response) -> Any:
    """The JSON body of a 2xx response, or SourceFormatError naming what was wrong."""
    check_status(source, response)
    body = response.content
    if not body.strip():
        raise SourceFormatError(source, "empty body")
    try:
        # A big body a piece at a time, so the event loop is not stopped while it decodes.
        return json.loads(body) if len(body) < PIECES_MIN_BYTES else loads_in_pieces(body)
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, a 5000-digit number
        # The error is shown in `sources` and the chats' /sources: it names the body's type
        # and size, never its bytes (which may be an internal page's).
        content_type = response.headers.get("Content-Type", "?")[:60]
        raise SourceFormatError(
            source,
            f"body is not JSON ({content_type}, {len(body)} bytes): {str(exc)[:120]}",
        ) from exc


_Item = TypeVar("_Item")


def map_items(
    source: str, items: Iterable[_Item], to_posting: Callable[[_Item], Posting | None]
) -> list[Posting]:
    """Postings from `items`, skipping single bad items (ItemError, wrong types).

    When every item is bad the payload is not what this source kind sends (a renamed field,
    another API version), so that is a SourceFormatError rather than a silent empty poll.
    `to_posting` returns None for items that are fine but not wanted (Ashby's unlisted jobs).
    A posting whose id or title is blank once cleaned (a title of control characters) is a
    bad item too: nothing downstream can show or tell apart such a posting.
    """
    postings: list[Posting] = []
    seen = 0
    errors: list[str] = []
    # Off the event loop's thread (a big payload), the loop gets the interpreter often.
    for item in handing_over(items):
        seen += 1
        try:
            posting = to_posting(item)
        except (ItemError, KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        except Exception as exc:  # a bug one odd item reaches: skip it, keep the rest
            posting_failed("normalise", source, _item_id(item, seen), exc)
            errors.append(type(exc).__name__)
            continue
        if posting is None:
            continue
        if not (posting.native_id.strip() and posting.title.strip()):
            errors.append("ItemError: blank id or title once cleaned")
            continue
        if not posting.url:
            # Every alert links to its posting; build_posting leaves out a link longer than
            # any page's, and the item is then as unusable as one without a link.
            errors.append("ItemError: no usable link")
            continue
        postings.append(posting)
    if seen and len(errors) == seen:
        raise SourceFormatError(
            source, f"none of the {seen} items could be read; first problem: {errors[0]}"
        )
    return postings


def _item_id(item: object, position: int) -> str:
    """The item's own id when it has one, else its position in the payload."""
    if isinstance(item, Mapping):
        for key in ("id", "guid", "jobId", "shortcode", "slug"):
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)[:120]
    return f"#{position}"


def require_str(item: Mapping[str, Any], key: str) -> str:
    """A required non-empty text field (ids may arrive as numbers, so those are accepted)."""
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ItemError(f"missing or non-text field {key!r}")
    text = str(value).strip()
    if not text:
        raise ItemError(f"empty field {key!r}")
    return text


def optional_str(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if number == number and number not in {float("inf"), float("-inf")} else None


def parse_datetime(value: Any, *, epoch_unit_s: float = 1.0) -> datetime | None:
    """A timezone-aware UTC datetime from what sources send, or None.

    ISO 8601 with or without offset (no offset is read as UTC, as Remotive's dates are; a
    trailing " UTC", as Recruitee writes "2023-07-25 17:53:46 UTC", is an offset too), a bare
    date (midnight UTC), RFC 822 ("Wed, 04 Dec 2024 21:54:27 GMT"), or an epoch number in
    units of `epoch_unit_s` seconds (Lever sends milliseconds: 0.001).
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value) * epoch_unit_s, tz=UTC)
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        if text.isdigit():
            return datetime.fromtimestamp(int(text) * epoch_unit_s, tz=UTC)
        iso = text.replace("Z", "+00:00").replace("z", "+00:00")
        if iso.endswith(" UTC"):
            iso = iso[:-4] + "+00:00"
        try:
            result = datetime.fromisoformat(iso)
        except ValueError:
            try:
                result = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    except (OverflowError, OSError, ValueError):
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    return result.astimezone(UTC)
