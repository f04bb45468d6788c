"""Which network addresses the bot may connect to for a URL someone else chose.

A user's link and a job source's redirect are both outside the bot's control: either may
point at the bot's own machine, the cloud metadata service (169.254.169.254) or a private
network. The `AddressGuard` is the one decision for both: a host name is resolved once,
*every* address it stands for must be public, and the caller connects to exactly those
checked addresses, so that a name cannot be looked up again and answer differently (DNS
rebinding). `bot.links.safefetch` pins them by rewriting the request; the job sources'
aiohttp transport (`adapters.http.aiohttp_transport`) uses the guard as its resolver.

`allow_loopback` opens 127.0.0.0/8 and ::1 and nothing else: for tests against local
servers, and set in a config only by an operator who means it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from typing import Protocol

from bot.errors import FetchFailed, FetchRefused

__all__ = [
    "AddressGuard",
    "IPAddress",
    "Resolver",
    "SystemResolver",
    "ip_literal",
    "is_loopback",
    "is_public_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_LOOPBACK_NETS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


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


def is_loopback(ip: IPAddress) -> bool:
    return any(ip in net for net in _LOOPBACK_NETS if ip.version == net.version)


def ip_literal(text: str) -> IPAddress | None:
    """The address `text` spells (`[::1]`, `fe80::1%eth0` included), or None for a name."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


class AddressGuard:
    """The addresses a host may be reached at, or a refusal. Raises `FetchRefused` with
    reason `private_address` (nothing was sent) and `FetchFailed` with reason `dns` (the name
    does not resolve); `url` in both is what the caller passes, for the message."""

    def __init__(self, *, resolver: Resolver | None = None, allow_loopback: bool = False) -> None:
        self._resolver: Resolver = resolver or SystemResolver()
        self.allow_loopback = allow_loopback

    def allowed(self, ip: IPAddress) -> bool:
        return is_public_address(ip) or (self.allow_loopback and is_loopback(ip))

    async def addresses(self, host: str, port: int, *, url: str = "") -> list[IPAddress]:
        """Every address `host` stands for, each one checked: one bad address refuses the
        host (a name answering with one public and one private address is an attack)."""
        url = url or host
        literal = ip_literal(host)
        if literal is not None:
            raw: Sequence[str] = [str(literal)]
        else:
            try:
                raw = await self._resolver.resolve(host, port)
            except (OSError, UnicodeError):
                raise _failed(url, "dns", host=host) from None
            if not raw:
                raise _failed(url, "dns", host=host)
        checked: list[IPAddress] = []
        for text in raw:
            ip = ip_literal(text)
            if ip is None or not self.allowed(ip):
                raise _refused(url, "private_address", host=host)
            checked.append(ip)
        return checked


def _refused(url: str, reason: str, **params: str) -> FetchRefused:
    error = FetchRefused(url, reason)
    error.params.update(params)
    return error


def _failed(url: str, reason: str, **params: str) -> FetchFailed:
    error = FetchFailed(url, reason)
    error.params.update(params)
    return error
