"""The guarded HTTP client for every URL a user hands the bot.

A user's link is hostile input: it may point at the bot's own machine, the cloud metadata
service or a private network (SSRF), redirect there after a harmless first hop, hang forever
or stream gigabytes. So every hop is checked before a byte is sent to it:

- only `http` and `https`, no credentials in the URL, only web ports;
- the host is resolved once, *every* address it resolves to must be public, and the connection
  goes to that checked address (the request URL is rewritten to the IP; the `Host` header and
  the TLS server name stay the hostname, so certificates are still verified for the hostname).
  Connecting to the checked address is what defeats DNS rebinding: the name is never looked
  up a second time by a lower layer;
- redirects are followed by hand (at most `max_redirects`), each one re-validated;
- the body is streamed with a running count and abandoned at `max_bytes`, counted raw and
  again after every Content-Encoding layer as it is decoded (`bot.links.decoding`), so a
  few kilobytes of nested gzip cannot unpack into gigabytes;
- one deadline covers the whole fetch, resolution and redirects included;
- only HTML, JSON and text are read.

A refusal raises `FetchRefused` (nothing was sent to the refused address); anything that goes
wrong once the request is allowed raises `FetchFailed`. Both carry a short `reason` code whose
translated text is `fetch.reason.<code>` in the `linkcheck` catalogs; extra message data (the
HTTP status, the limit) sits in the error's `params`.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import ssl
import zlib
from dataclasses import dataclass

import httpx

from bot.errors import FetchFailed, FetchRefused
from bot.links.addresses import (
    AddressGuard,
    IPAddress,
    Resolver,
    SystemResolver,
    is_public_address,
)
from bot.links.decoding import (
    ACCEPT_ENCODING,
    BoundedDecoder,
    DecodedTooLarge,
    UnsupportedEncoding,
    parse_encodings,
)
from bot.postings.normalize import MAX_URL_CHARS

__all__ = [
    "FetchLimits",
    "FetchedPage",
    "Resolver",
    "SafeFetcher",
    "SystemResolver",
    "is_public_address",
]

DEFAULT_USER_AGENT = "Vigia/0.1 (job-offer scam checker; +https://github.com/vigia-bot)"
#: Ports a job page is served on. Other ports are where internal services listen.
WEB_PORTS: frozenset[int] = frozenset({80, 443, 8000, 8080, 8443})
ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Media types worth reading for a job posting; everything else (images, archives, PDFs,
#: executables) is refused before its body is read.
READABLE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/json",
        "application/ld+json",
        "text/plain",
    }
)
_ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.8"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int = 2_000_000
    total_timeout_s: float = 10.0
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # the final URL, after redirects
    status: int
    content_type: str  # the media type only, lower case (`text/html`), parameters dropped
    body: bytes
    redirects: tuple[str, ...] = ()  # every URL that redirected, in order
    charset: str | None = None  # from the Content-Type header, when given


def _refused(url: str, reason: str, **params: str) -> FetchRefused:
    error = FetchRefused(url, reason)
    error.params.update(params)
    return error


def _failed(url: str, reason: str, **params: str) -> FetchFailed:
    error = FetchFailed(url, reason)
    error.params.update(params)
    return error


class SafeFetcher:
    """Fetches one user-supplied URL under the guards above; see the module docstring.

    `allow_loopback` lets tests read a local server on 127.0.0.1; production never sets it,
    and it opens nothing else. `allowed_ports=None` lifts the port rule (tests, again).
    """

    def __init__(
        self,
        *,
        limits: FetchLimits = FetchLimits(),
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_loopback: bool = False,
        allowed_ports: frozenset[int] | None = WEB_PORTS,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.limits = limits
        self._guard = AddressGuard(
            resolver=resolver or SystemResolver(), allow_loopback=allow_loopback
        )
        self._allowed_ports = allowed_ports
        # trust_env=False: a proxy from the environment would resolve the name itself and
        # undo the address pinning. retries=0: one deadline, no hidden second attempts.
        # No keep-alive: connections are pooled by (scheme, IP, port), so a kept TLS
        # connection verified for one host name could otherwise carry another name's request.
        self._client = httpx.AsyncClient(
            transport=transport
            or httpx.AsyncHTTPTransport(
                retries=0, limits=httpx.Limits(max_keepalive_connections=0)
            ),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(limits.total_timeout_s),
            headers={
                "User-Agent": user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            cookies=_no_cookies(),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def fetch(self, url: str) -> FetchedPage:
        """The page at `url`, or `FetchRefused` / `FetchFailed` saying why not."""
        try:
            async with asyncio.timeout(self.limits.total_timeout_s):
                return await self._fetch_chain(url)
        except TimeoutError:
            raise _failed(url, "timeout", seconds=f"{self.limits.total_timeout_s:g}") from None

    # -- the redirect chain ------------------------------------------------------------------

    async def _fetch_chain(self, url: str) -> FetchedPage:
        redirects: list[str] = []
        current = self._parse(url)
        while True:
            addresses = await self._checked_addresses(current)
            response = await self._send(current, addresses)
            try:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise _failed(str(current), "http_status", status=str(response.status_code))
                    if len(redirects) >= self.limits.max_redirects:
                        raise _failed(
                            str(current),
                            "too_many_redirects",
                            max=str(self.limits.max_redirects),
                        )
                    redirects.append(str(current))
                    current = self._parse(_join(current, location))
                    continue
                return await self._read(current, response, tuple(redirects))
            finally:
                await response.aclose()

    def _parse(self, url: str) -> httpx.URL:
        """The URL, if its form is acceptable: scheme, no credentials, a host, a web port."""
        url = url.strip()
        if len(url) > MAX_URL_CHARS:
            raise _refused(url[:80] + "…", "too_long", max=str(MAX_URL_CHARS))
        try:
            parsed = httpx.URL(url)
            host = parsed.host  # decodes the IDNA form: `xn--a.com` is no valid name
        except (httpx.InvalidURL, TypeError, ValueError):  # UnicodeError (idna) is a ValueError
            raise _refused(url, "invalid_url") from None
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise _refused(url, "scheme", scheme=parsed.scheme or "-")
        if parsed.userinfo:
            raise _refused(url, "credentials")
        if not host:
            raise _refused(url, "invalid_url")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        if self._allowed_ports is not None and port not in self._allowed_ports:
            raise _refused(url, "port", port=str(port))
        return parsed

    async def _checked_addresses(self, url: httpx.URL) -> list[IPAddress]:
        """Every address the host stands for, each one checked (`AddressGuard`)."""
        port = url.port or (443 if url.scheme == "https" else 80)
        host = url.raw_host.decode("ascii")
        return await self._guard.addresses(host, port, url=str(url))

    async def _send(self, url: httpx.URL, addresses: list[IPAddress]) -> httpx.Response:
        """Send to the checked addresses in turn until one connects."""
        host_header = url.netloc.decode("ascii")
        last_error: FetchFailed | None = None
        for ip in addresses:
            request = self._client.build_request(
                "GET",
                url.copy_with(host=str(ip)),
                headers={"Host": host_header},
                extensions={"sni_hostname": url.raw_host.decode("ascii")},
            )
            try:
                return await self._client.send(request, stream=True)
            except httpx.ConnectError as exc:
                reason = "tls" if _is_tls_error(exc) else "connect"
                last_error = _failed(str(url), reason, host=url.host)
            except httpx.TimeoutException:
                raise _failed(
                    str(url), "timeout", seconds=f"{self.limits.total_timeout_s:g}"
                ) from None
            except httpx.HTTPError:
                raise _failed(str(url), "protocol") from None
        assert last_error is not None  # addresses is never empty
        raise last_error

    async def _read(
        self, url: httpx.URL, response: httpx.Response, redirects: tuple[str, ...]
    ) -> FetchedPage:
        if not 200 <= response.status_code < 300:
            raise _failed(str(url), "http_status", status=str(response.status_code))
        media_type, charset = _media_type(response.headers.get("content-type", ""))
        if media_type not in READABLE_TYPES:
            raise _failed(str(url), "content_type", content_type=media_type or "-")
        max_mb = f"{self.limits.max_bytes / 1_000_000:g}"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise _failed(str(url), "too_large", max_mb=max_mb)
        try:
            decoder = BoundedDecoder(
                parse_encodings(response.headers.get("content-encoding", "")),
                max_bytes=self.limits.max_bytes,
            )
        except UnsupportedEncoding as error:
            raise _failed(str(url), "encoding", encoding=error.encoding[:40]) from None
        chunks: list[bytes] = []
        try:
            # The raw bytes, decoded here a bounded piece at a time: httpx's own decoding
            # would inflate a whole chunk at once, however large it grows.
            async for raw in response.aiter_raw():
                chunks.extend(decoder.feed(raw))
            chunks.extend(decoder.finish())
        except DecodedTooLarge:
            raise _failed(str(url), "too_large", max_mb=max_mb) from None
        except zlib.error:
            raise _failed(str(url), "protocol") from None
        except httpx.TimeoutException:
            raise _failed(str(url), "timeout", seconds=f"{self.limits.total_timeout_s:g}") from None
        except httpx.HTTPError:
            raise _failed(str(url), "protocol") from None
        return FetchedPage(
            url=str(url),
            status=response.status_code,
            content_type=media_type,
            body=b"".join(chunks),
            redirects=redirects,
            charset=charset,
        )


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing: one client serves every user, and one user's page must not
    set cookies that ride along with another user's fetch."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _join(base: httpx.URL, location: str) -> str:
    """The absolute redirect target; an unparsable one is left for `_parse` to refuse."""
    try:
        return str(base.join(location))
    except (httpx.InvalidURL, ValueError):
        return location


def _media_type(header: str) -> tuple[str, str | None]:
    """(`text/html`, `utf-8`) from `text/html; charset=UTF-8`."""
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.lower(), charset


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
