"""A URL taken apart for the scam checks: its host, registrable domain and label (by the
Public Suffix List), whether the host is an IP address, and the public job board and employer
slug it is on (Greenhouse, Lever, Ashby, Workable).

Domain parsing uses the Public Suffix List snapshot bundled with `tldextract`: no download,
no cache directory, ever (`suffix_list_urls=()`, `cache_dir=None`).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from bot.suffixes import PUBLIC_SUFFIXES

_EXTRACT = PUBLIC_SUFFIXES


@dataclass(frozen=True, slots=True)
class Link:
    """A URL taken apart. `registered` is the registrable domain ("" for an IP host)."""

    url: str
    host: str
    registered: str
    label: str  # the registrable label: "scale" in careers.scale.com
    suffix: str
    subdomain: str
    path: str
    query: str
    is_ip: bool


_OTHER_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)
def _split_host(host: str) -> tuple[str, str, str]:
    """Cached: one board's postings share one host, and the public-suffix walk is not free."""
    parts = _EXTRACT(host)
    return parts.subdomain, parts.domain, parts.suffix


#: An IP address starts with a figure (IPv4, most IPv6) or holds a colon (IPv6).
_MAY_BE_IP = re.compile(r"[0-9]|.*:").match

#: The longest a DNS name can be (RFC 1035).
MAX_HOST_CHARS = 253


def parse_link(url: str) -> Link | None:
    """`url` taken apart, or None when it has no host (a bare path, a `mailto:`)."""
    raw = url.strip()
    if not raw:
        return None
    if "://" not in raw:
        if _OTHER_SCHEME.match(raw):
            return None  # mailto:, tel:, javascript: name no host
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if not host or len(host) > MAX_HOST_CHARS:
        return None  # no name is longer: a megabyte "host" is hostile, not a link
    if _MAY_BE_IP(host):  # an exception per ordinary name is most of this function's cost
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return Link(url, host, "", "", "", "", parts.path, parts.query, True)
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        ascii_host = host
    subdomain, label, suffix = _split_host(ascii_host)
    registered = f"{label}.{suffix}" if label and suffix else (label or ascii_host)
    return Link(
        url, ascii_host, registered, label, suffix, subdomain, parts.path, parts.query, False
    )


#: Job-board hosts and where each keeps the employer's slug.
_BOARD_HOSTS: dict[str, tuple[str, int]] = {
    "boards.greenhouse.io": ("greenhouse", 0),
    "job-boards.greenhouse.io": ("greenhouse", 0),
    "boards.eu.greenhouse.io": ("greenhouse", 0),
    "job-boards.eu.greenhouse.io": ("greenhouse", 0),
    "boards-api.greenhouse.io": ("greenhouse", 2),  # /v1/boards/{slug}/jobs
    "jobs.lever.co": ("lever", 0),
    "jobs.eu.lever.co": ("lever", 0),
    "api.lever.co": ("lever", 2),  # /v0/postings/{slug}
    "jobs.ashbyhq.com": ("ashby", 0),
    "api.ashbyhq.com": ("ashby", 2),  # /posting-api/job-board/{slug}
    "apply.workable.com": ("workable", 0),
}


def board_of(link: Link) -> tuple[str, str] | None:
    """(platform, slug) when the link is on a public job board, else None."""
    segments = [segment for segment in link.path.split("/") if segment]
    entry = _BOARD_HOSTS.get(link.host)
    if entry is not None:
        platform, index = entry
        if platform == "greenhouse" and segments[:1] == ["embed"]:
            slug = parse_qs(link.query).get("for", [""])[0]
            return (platform, slug.lower()) if slug else None
        if platform == "workable" and segments[:3] == ["api", "v2", "accounts"]:
            index = 3
        if len(segments) > index:
            return platform, segments[index].lower()
        return None
    if link.registered == "workable.com" and link.subdomain not in ("", "www", "apply", "jobs"):
        return "workable", link.subdomain.split(".")[-1].lower()
    return None
