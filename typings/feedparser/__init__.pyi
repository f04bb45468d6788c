"""feedparser: the API Vigia uses. A parsed feed is a dict with attribute access."""

from typing import IO, Any

class FeedParserDict(dict[str, Any]):
    def __getattr__(self, name: str) -> Any: ...

class ThingsNobodyCaresAboutButMe(Exception): ...
class CharacterEncodingOverride(ThingsNobodyCaresAboutButMe): ...
class CharacterEncodingUnknown(ThingsNobodyCaresAboutButMe): ...
class NonXMLContentType(ThingsNobodyCaresAboutButMe): ...
class UndeclaredNamespace(Exception): ...

def parse(
    url_file_stream_or_string: str | bytes | IO[bytes],
    etag: str | None = ...,
    modified: str | None = ...,
    agent: str | None = ...,
    referrer: str | None = ...,
    handlers: list[Any] | None = ...,
    request_headers: dict[str, str] | None = ...,
    response_headers: dict[str, str] | None = ...,
    resolve_relative_uris: bool | None = ...,
    sanitize_html: bool | None = ...,
) -> FeedParserDict: ...
