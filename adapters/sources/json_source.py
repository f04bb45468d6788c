"""Shared bases of the JSON source kinds: one employer's board, or an aggregator searched.

Every JSON kind requests, checks and reads its payload the same way and differs only in the
shape of one item, so the common steps live in `JsonSource`; `BoardSource` and
`AggregatorSource` add how each kind is configured (a board slug, or an optional search).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypedDict
from urllib.parse import urlsplit

import httpx

from adapters.sources.base import JSON_ACCEPT, conditional_get, with_query
from adapters.sources.payload import load_json, map_items
from bot.errors import ItemError, SourceFormatError
from bot.models import Posting
from bot.polling.source import Page, SourceState
from bot.postings.build import default_company

__all__ = ["AggregatorSource", "BoardSource", "JsonSource", "SourceOptions"]


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
        """A later page: no validators, which only describe the first page.

        Its address is built from the payload (a cursor, a page number, a posting id), so an
        address httpx refuses (too long, say) is the payload's fault: a SourceFormatError.
        """
        try:
            return conditional_get(url, SourceState(), accept=self.accept)
        except httpx.InvalidURL as exc:
            raise self.format_error(f"the next page's address is not valid: {exc}") from None

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
