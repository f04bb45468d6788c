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
- the body is streamed with a running count and abandoned at `max_bytes`;
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
import ipaddress
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from bot.errors import FetchFailed, FetchRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

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
_LOOPBACK_NETS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


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


class Resolver(Protocol):
    """Turns a host name into the addresses it points at. Injectable so tests never use DNS."""

    async def resolve(self, host: str, port: int) -> Sequence[str]: ...


class SystemResolver:
    """The operating system's resolver, through the event loop (non-blocking)."""

    async def resolve(self, host: str, port: int) -> Sequence[str]:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        addresses: list[str] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            address = str(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        return addresses


def _refused(url: str, reason: str, **params: str) -> FetchRefused:
    error = FetchRefused(url, reason)
    error.params.update(params)
    return error


def _failed(url: str, reason: str, **params: str) -> FetchFailed:
    error = FetchFailed(url, reason)
    error.params.update(params)
    return error


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True only for a global unicast address: not loopback, private, link-local (which holds
    the 169.254.169.254 metadata service), CGNAT, multicast, reserved or unspecified, and for
    IPv6 not a wrapper around an IPv4 address (mapped, 6to4, Teredo, NAT64), which would let a
    private IPv4 target through in disguise."""
    if isinstance(ip, ipaddress.IPv6Address) and (
        _embedded_ipv4(ip) is not None or ip.is_site_local
    ):
        return False
    return bool(
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_unspecified
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_private
    )


def _is_loopback(ip: IPAddress) -> bool:
    return any(ip in net for net in _LOOPBACK_NETS if ip.version == net.version)


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
        self._resolver: Resolver = resolver or SystemResolver()
        self._allow_loopback = allow_loopback
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
            headers={"User-Agent": user_agent, "Accept": _ACCEPT},
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
        try:
            parsed = httpx.URL(url.strip())
        except (httpx.InvalidURL, TypeError, ValueError):
            raise _refused(url, "invalid_url") from None
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise _refused(url, "scheme", scheme=parsed.scheme or "-")
        if parsed.userinfo:
            raise _refused(url, "credentials")
        if not parsed.host:
            raise _refused(url, "invalid_url")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        if self._allowed_ports is not None and port not in self._allowed_ports:
            raise _refused(url, "port", port=str(port))
        return parsed

    async def _checked_addresses(self, url: httpx.URL) -> list[IPAddress]:
        """Every address the host stands for, each one checked; any bad one refuses the URL
        (a name that answers with one public and one private address is an attack)."""
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        literal = _ip_literal(host)
        if literal is not None:
            raw: Sequence[str] = [str(literal)]
        else:
            try:
                raw = await self._resolver.resolve(url.raw_host.decode("ascii"), port)
            except (OSError, UnicodeError):
                raise _failed(str(url), "dns", host=host) from None
            if not raw:
                raise _failed(str(url), "dns", host=host)
        addresses: list[IPAddress] = []
        for text in raw:
            ip = _ip_literal(text)
            if ip is None or not self._address_allowed(ip):
                raise _refused(str(url), "private_address", host=host)
            addresses.append(ip)
        return addresses

    def _address_allowed(self, ip: IPAddress) -> bool:
        return is_public_address(ip) or (self._allow_loopback and _is_loopback(ip))

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
        chunks: list[bytes] = []
        size = 0
        try:
            # aiter_bytes yields decoded bytes, so a small gzip bomb is counted at full size.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.limits.max_bytes:
                    raise _failed(str(url), "too_large", max_mb=max_mb)
                chunks.append(chunk)
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


def _ip_literal(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


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
