"""The source-adapter contract and the small helpers every adapter shares.

A source builds requests and parses responses, and never sends anything itself: the pipeline
owns the HTTP client, timeouts, retries and status handling. Keeping `parse` pure (a response
in, postings out) lets every adapter be tested on recorded payloads, and lets the pipeline
treat all sources alike. Anything a payload gets wrong becomes a `SourceFormatError`, the one
error `parse` raises, so the scheduler backs off that source and the others go on.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Protocol, TypedDict, TypeVar, runtime_checkable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import tldextract

from bot.errors import SourceFormatError
from bot.models import Pay, Posting
from bot.normalize import canonical_url, detect_language, detect_remote, parse_pay

__all__ = [
    "USER_AGENT",
    "AggregatorSource",
    "BoardSource",
    "JsonSource",
    "Page",
    "Source",
    "SourceOptions",
    "SourceState",
    "build_posting",
    "check_status",
    "conditional_get",
    "default_company",
    "domain_of",
    "load_json",
    "map_items",
    "parse_datetime",
    "with_query",
]

USER_AGENT = "Vigia/0.1 (+https://github.com/vigia-bot/vigia)"
JSON_ACCEPT = "application/json"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the last successful response told us, replayed as validators on the next poll."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_response(cls, response: httpx.Response) -> SourceState:
        """The validators a 2xx response carries, for the pipeline to store."""
        return cls(response.headers.get("ETag"), response.headers.get("Last-Modified"))


@dataclass(frozen=True, slots=True)
class Page:
    postings: list[Posting]
    next_request: httpx.Request | None = None  # next page, or None


@runtime_checkable
class Source(Protocol):
    kind: ClassVar[str]
    name: str  # unique config name, default f"{kind}:{board}" (rss: f"rss:{host}")

    def first_request(self, state: SourceState) -> httpx.Request: ...

    def parse(self, response: httpx.Response) -> Page: ...


# -- requests --------------------------------------------------------------------------------


def conditional_get(url: str, state: SourceState, *, accept: str = JSON_ACCEPT) -> httpx.Request:
    """A GET of `url` with Vigia's User-Agent, and the validators `state` holds.

    A server that honours them answers 304 when nothing changed, which saves it and us the
    whole board.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return httpx.Request("GET", url, headers=headers)


# -- responses -------------------------------------------------------------------------------


def check_status(source: str, response: httpx.Response) -> None:
    """Refuse a non-2xx response: statuses are the pipeline's job, never parsed as a payload."""
    if not 200 <= response.status_code < 300 or response.status_code == 204:
        raise SourceFormatError(
            source, f"parse() was given HTTP {response.status_code}; only 2xx bodies are parsed"
        )


def load_json(source: str, response: httpx.Response) -> Any:
    """The JSON body of a 2xx response, or SourceFormatError naming what was wrong."""
    check_status(source, response)
    body = response.content
    if not body.strip():
        raise SourceFormatError(source, "empty body")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, a 5000-digit number
        content_type = response.headers.get("Content-Type", "?")
        raise SourceFormatError(
            source, f"body is not JSON ({content_type}): {exc}; starts {body[:60]!r}"
        ) from exc


_Item = TypeVar("_Item")


class ItemError(ValueError):
    """One item of a payload lacks a required field; that item is skipped, not the payload."""


def map_items(
    source: str, items: Iterable[_Item], to_posting: Callable[[_Item], Posting | None]
) -> list[Posting]:
    """Postings from `items`, skipping single bad items (ItemError, wrong types).

    When every item is bad the payload is not what this source kind sends (a renamed field,
    another API version), so that is a SourceFormatError rather than a silent empty poll.
    `to_posting` returns None for items that are fine but not wanted (Ashby's unlisted jobs).
    """
    postings: list[Posting] = []
    seen = 0
    errors: list[str] = []
    for item in items:
        seen += 1
        try:
            posting = to_posting(item)
        except (ItemError, KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        if posting is not None:
            postings.append(posting)
    if seen and len(errors) == seen:
        raise SourceFormatError(
            source, f"none of the {seen} items could be read; first problem: {errors[0]}"
        )
    return postings


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


def build_posting(
    *,
    source: str,
    native_id: str,
    url: str,
    title: str,
    company: str,
    description: str,
    location: str = "",
    remote: bool | None = None,
    pay: Pay | None = None,
    pay_text: str = "",
    posted_at: datetime | None = None,
    company_domain: str | None = None,
) -> Posting:
    """A Posting from mapped fields; what the payload left out is read from the text.

    Structured values win: `remote` and `pay` are only inferred (remote from the location,
    title and description; pay from `pay_text`, the title, then the description) when the
    source gave none. Language comes from the title
    and description.
    """
    if remote is None:
        remote = detect_remote(location, description, title=title)
    if pay is None:
        pay = parse_pay(pay_text) if pay_text else None
        pay = pay or parse_pay(title) or parse_pay(description)
    return Posting(
        source=source,
        native_id=native_id,
        url=canonical_url(url),
        title=" ".join(title.split()),
        company=" ".join(company.split()),
        company_domain=company_domain,
        location=" ".join(location.split()),
        remote=remote,
        pay=pay,
        description=description,
        posted_at=posted_at,
        language=detect_language(f"{title}\n{description}"),
    )


# -- dates -----------------------------------------------------------------------------------


def parse_datetime(value: Any, *, epoch_unit_s: float = 1.0) -> datetime | None:
    """A timezone-aware UTC datetime from what sources send, or None.

    ISO 8601 with or without offset (no offset is read as UTC, as Remotive's dates are),
    a bare date (midnight UTC), RFC 822 ("Wed, 04 Dec 2024 21:54:27 GMT"), or an epoch
    number in units of `epoch_unit_s` seconds (Lever sends milliseconds: 0.001).
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
        try:
            result = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
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


# -- companies -------------------------------------------------------------------------------

# The bundled public-suffix snapshot only: looking a domain up must never touch the network.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def domain_of(url: str) -> str | None:
    """The registered domain of `url` ("jobs.acme.co.uk" → "acme.co.uk"), or None."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return _registered_domain(host) if host else None


@functools.lru_cache(maxsize=4096)
def _registered_domain(host: str) -> str | None:
    """Cached: a board repeats one host in every posting, and the suffix walk is not free."""
    extracted = _EXTRACT(host)
    if not extracted.domain or not extracted.suffix:
        return None
    return f"{extracted.domain}.{extracted.suffix}".lower()


def company_domain(url: str, board_domains: frozenset[str]) -> str | None:
    """The company's own domain when a job link points off the job board (a careers site)."""
    domain = domain_of(url)
    if domain is None or domain in board_domains:
        return None
    return domain


def default_company(board: str) -> str:
    """A display name from a board slug when the payload names none: "scale-ai" → "Scale Ai"."""
    return " ".join(part.capitalize() for part in board.replace("_", "-").split("-") if part)


# -- common bases for JSON sources ------------------------------------------------------------


def with_query(url: str, **params: str | int) -> str:
    """`url` with `params` set in its query string, other parameters kept in their order."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query.extend((key, str(value)) for key, value in params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class JsonSource:
    """A source whose endpoint answers one JSON document per page.

    The request, the status and body checks, the outer shape (an object holding an
    `items_key` list, unless `items_of` says otherwise) and skipping single bad items are
    the same for every JSON kind, so they live here; a subclass maps one item in
    `posting_from`, and a paged API names its next page in `next_request`.
    """

    kind: ClassVar[str]
    default_url: ClassVar[str]
    board_domains: ClassVar[frozenset[str]] = frozenset()
    accept: ClassVar[str] = JSON_ACCEPT
    items_key: ClassVar[str] = "jobs"
    item_noun: ClassVar[str] = "job"

    url: str
    name: str

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, url={self.url!r})"

    def first_request(self, state: SourceState) -> httpx.Request:
        return conditional_get(self.url, state, accept=self.accept)

    def parse(self, response: httpx.Response) -> Page:
        payload = load_json(self.name, response)
        return Page(self.postings_from(payload), self.next_request(response, payload))

    def postings_from(self, payload: Any) -> list[Posting]:
        return map_items(self.name, self.items_of(payload), self._checked_posting)

    def items_of(self, payload: Any) -> list[Any]:
        """The list of items in a payload; SourceFormatError when the payload has another shape."""
        if not isinstance(payload, Mapping) or not isinstance(payload.get(self.items_key), list):
            raise self.format_error(f"expected an object with a {self.items_key!r} list")
        items: list[Any] = payload[self.items_key]
        return items

    def _checked_posting(self, item: Any) -> Posting | None:
        return self.posting_from(self.as_item(item))

    def as_item(self, item: Any) -> Mapping[str, Any]:
        """`item` if it is a JSON object; else an ItemError, which skips just that item."""
        if not isinstance(item, Mapping):
            raise ItemError(f"{self.item_noun} is not an object")
        return item

    def posting_from(self, item: Mapping[str, Any]) -> Posting | None:
        """One item as a Posting; None for an item that is fine but not wanted."""
        raise NotImplementedError

    def next_request(self, response: httpx.Response, payload: Any) -> httpx.Request | None:
        """The request for the page after this one; None (the default) when there is none."""
        return None

    def request_url(self, response: httpx.Response) -> str:
        """The URL `response` answered, which a paged API's next page is built from."""
        try:
            return str(response.request.url)
        except RuntimeError as exc:
            raise self.format_error("a paged response must carry its request") from exc

    def page_request(self, url: str) -> httpx.Request:
        """A later page: no validators, which only describe the first page."""
        return conditional_get(url, SourceState(), accept=self.accept)

    def format_error(self, message: str) -> SourceFormatError:
        return SourceFormatError(self.name, message)


class SourceOptions(TypedDict, total=False):
    """The optional keyword arguments of a board source, for subclasses that add their own."""

    url: str | None
    name: str | None
    company: str | None


class BoardSource(JsonSource):
    """One employer's board from a JSON endpoint (Greenhouse, Lever, Ashby, Workable).

    Subclasses set `kind`, `default_url` (formatted with the board) and `board_domains`, and
    implement `posting_from(item)`.
    """

    def __init__(
        self,
        board: str,
        *,
        url: str | None = None,
        name: str | None = None,
        company: str | None = None,
    ) -> None:
        if not board or not board.strip():
            raise ValueError(f"a {self.kind} source needs a board")
        self.board = board.strip()
        self.url = url or self.default_url.format(board=self.board)
        self.name = name or f"{self.kind}:{self.board}"
        self.company = company or default_company(self.board)


class AggregatorSource(JsonSource):
    """A job board that lists many employers' remote jobs (Remote OK, Remotive, Himalayas).

    Each item names its own company, so no company is configured. Kinds with a
    `search_param` take an optional search term (the config entry's `board`, e.g. "ai
    trainer"), sent as that query parameter so the site returns only matching jobs; the
    name is then f"{kind}:{search}", else f"{kind}:{host}".
    """

    search_param: ClassVar[str | None] = None

    def __init__(
        self, *, search: str | None = None, url: str | None = None, name: str | None = None
    ) -> None:
        search = " ".join(search.split()) if search else None
        if search and self.search_param is None:
            raise ValueError(f"a {self.kind} source takes no search term")
        self.search = search
        base_url = url or self.default_url
        self.url = (
            with_query(base_url, **{self.search_param: search})
            if search and self.search_param
            else base_url
        )
        self.name = name or f"{self.kind}:{search or urlsplit(base_url).hostname}"
