"""Check 2: the link and the claimed employer.

A link on the employer's own domain, or on its board at Greenhouse, Lever, Ashby or Workable
(the matching slug only), earns the "verified employer" mark. A posting that names a registered
employer but links elsewhere is impersonation. Independently of any claim, a domain that
imitates a registered brand (TLD swap, typo, homoglyph or punycode, brand plus job words,
brand in a subdomain of another domain), a URL shortener, a raw IP host or a throw-away TLD is
a signal of its own.

Domain parsing uses the Public Suffix List snapshot bundled with `tldextract`: no download,
no cache directory, ever (`suffix_list_urls=()`, `cache_dir=None`).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from rapidfuzz.distance import Levenshtein

from bot.models import Signal
from bot.scam.employers import Employer, EmployerRegistry
from bot.scam.textnorm import clip, word_set
from bot.suffixes import PUBLIC_SUFFIXES
from bot.text import fold_aligned

_EXTRACT = PUBLIC_SUFFIXES

#: Words a look-alike domain puts next to a brand ("appen-jobs", "scale-ai-careers").
JOB_WORDS = word_set(
    "jobs job careers career hiring hire work works apply recruit recruiting recruitment team "
    "hr rrhh empleos empleo trabajo trabajos vacantes onboarding tasks task remote official "
    "portal login signin support help pay payment payments ai annotation annotator labeling "
    "labelling training trainer online app group global inc us usa en es mx talent staff "
    "connect verify verification secure account hq net web site tutor tutors workers"
)

#: Letters that look alike, to a reader, mapped to the letter they imitate.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ԁ": "d", "ɡ": "g", "ӏ": "l", "ѕ": "s", "ԛ": "q", "ԝ": "w", "ο": "o",
        "α": "a", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "ρ": "p", "ε": "e", "ı": "i",
        "ł": "l", "0": "o", "1": "l", "3": "e", "5": "s", "4": "a", "@": "a", "$": "s",
    }
)  # fmt: skip


def skeleton(label: str) -> str:
    """What a label looks like: homoglyphs and look-alike digits to letters, rn to m."""
    return fold_aligned(label).translate(_CONFUSABLES).replace("rn", "m").replace("vv", "w")


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


@functools.lru_cache(maxsize=4096)
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


@dataclass(frozen=True, slots=True)
class LinkVerdict:
    signals: tuple[Signal, ...]
    verified: Employer | None  # the employer whose domain or board the link is on


class DomainChecker:
    """The link checks over one registry. Pure and cheap: no network."""

    def __init__(self, registry: EmployerRegistry) -> None:
        self.registry = registry
        keys: list[tuple[str, str, Employer]] = []
        for employer in registry.employers:
            for key in employer.brand_keys:
                keys.append((key, skeleton(key), employer))
        self._brand_keys = tuple(keys)
        self._lookalikes: dict[tuple[str, str | None], list[Signal]] = {}

    def owner(self, link: Link) -> Employer | None:
        """The registered employer whose domain or board this link is on."""
        if link.is_ip:
            return None
        employer = self.registry.by_domain(link.registered)
        if employer is not None:
            return employer
        board = board_of(link)
        return self.registry.by_board(*board) if board else None

    def check_link(
        self, url: str, claimed: Employer | None, *, primary: bool = True
    ) -> LinkVerdict:
        """Signals for one link. `primary` is the posting's own URL (impersonation applies)."""
        link = parse_link(url)
        if link is None:
            return LinkVerdict((), None)
        signals: list[Signal] = []
        owner = self.owner(link)
        if owner is not None:
            if claimed is not None and not claimed.same_family(owner) and primary:
                signals.append(_impersonation(claimed, link))
            return LinkVerdict(tuple(signals), owner)
        if link.is_ip:
            signals.append(
                Signal("domain.ip", 40, link.host, "signal.domain_ip", {"host": link.host})
            )
            if claimed is not None and primary:
                signals.append(_impersonation(claimed, link))
            return LinkVerdict(tuple(signals), None)
        if link.registered in self.registry.shorteners or link.host in self.registry.shorteners:
            signals.append(
                Signal(
                    "domain.shortener",
                    25,
                    link.host,
                    "signal.domain_shortener",
                    {"host": link.host},
                )
            )
            return LinkVerdict(tuple(signals), None)
        if link.registered in ("t.me", "telegram.me", "wa.me", "whatsapp.com", "signal.me"):
            signals.append(Signal("chat_move", 35, clip(link.url, 60), "signal.chat_move", {}))
            return LinkVerdict(tuple(signals), None)
        signals.extend(self._lookalike(link, claimed))
        if "xn--" in link.host:
            signals.append(
                Signal(
                    "domain.punycode", 20, link.host, "signal.domain_punycode", {"host": link.host}
                )
            )
        tld = link.suffix.rsplit(".", 1)[-1]
        if tld in self.registry.throwaway_tlds:
            signals.append(
                Signal("domain.tld", 20, link.host, "signal.domain_tld", {"tld": "." + tld})
            )
        # A job site or an applicant-tracking host reposts or hosts any employer's jobs (an
        # agency's Lever board can carry a real brand's role): the brand's name there is no
        # claim to be elsewhere, unless the board itself wears the brand's name without
        # being its registered board ("jobs.lever.co/scale-ai-hiring").
        is_repost = link.registered in self.registry.aggregators or (
            link.registered in self.registry.ats_domains
            and not (claimed is not None and _board_wears_brand(link, claimed))
        )
        if claimed is not None and primary and not is_repost:
            signals.append(_impersonation(claimed, link))
        return LinkVerdict(tuple(signals), None)

    def _lookalike(self, link: Link, claimed: Employer | None) -> list[Signal]:
        """Signals for a domain that imitates a registered brand it does not belong to
        (remembered per host and claimed employer: a board's postings share one host)."""
        if link.registered in self.registry.ats_domains:
            return []
        key = (link.host, claimed.name if claimed else None)
        found = self._lookalikes.get(key)
        if found is None:
            found = self._find_lookalike(link, claimed)
            if len(self._lookalikes) >= 10_000:
                self._lookalikes.clear()
            self._lookalikes[key] = found
        return list(found)

    def _find_lookalike(self, link: Link, claimed: Employer | None) -> list[Signal]:
        label = _unpuny(link.label)
        compact = label.replace("-", "")
        shape = skeleton(compact)
        tokens = [token for token in re.split(r"[-\d]+", label) if token]
        for key, key_shape, employer in self._brand_keys:
            if claimed is not None and claimed.same_family(employer):
                relaxed = True
            else:
                relaxed = not employer.common_word
            official = employer.domains[0]
            how = ""
            if shape == key_shape:
                how = "tld" if compact == key else "homoglyph"
            elif relaxed and len(key) >= 6 and _close(shape, key_shape, len(key)):
                how = "typo"
            elif _has_brand(compact, tokens, key, strict=not relaxed):
                how = "words"
            if how:
                return [
                    Signal(
                        "domain.lookalike",
                        50,
                        f"{link.host} ≈ {official}",
                        "signal.domain_lookalike",
                        {"domain": link.host, "brand": employer.name, "official": official},
                    )
                ]
        sub = _unpuny(link.subdomain)
        if sub:
            sub_tokens = [token for token in re.split(r"[-.\d]+", sub) if token]
            for employer in self.registry.employers:
                in_sub = any(
                    sub == domain or sub.endswith("." + domain) or f".{domain}." in f".{sub}."
                    for domain in employer.domains
                )
                strong_key = any(
                    key in sub_tokens and (not employer.common_word or claimed is employer)
                    for key in employer.brand_keys
                )
                if in_sub or strong_key:
                    return [
                        Signal(
                            "domain.brand_subdomain",
                            50,
                            link.host,
                            "signal.domain_brand_subdomain",
                            {
                                "domain": link.host,
                                "brand": employer.name,
                                "official": employer.domains[0],
                            },
                        )
                    ]
        return []

    def check_emails(self, emails: list[str], claimed: Employer | None) -> list[Signal]:
        """Recruiter addresses: personal webmail, or a domain that is not the employer's."""
        signals: list[Signal] = []
        for address in emails:
            domain = address.rsplit("@", 1)[-1].lower().rstrip(".")
            if domain in self.registry.webmail:
                weight = 40 if claimed is not None else 30
                signals.append(
                    Signal(
                        "email.webmail",
                        weight,
                        address,
                        "signal.email_webmail",
                        {"address": address},
                    )
                )
                continue
            link = parse_link(domain)
            if link is None:
                continue
            owner = self.owner(link)
            if owner is not None:
                if claimed is not None and not claimed.same_family(owner):
                    signals.append(_email_mismatch(address, claimed))
                continue
            lookalike = self._lookalike(link, claimed)
            signals.extend(lookalike)
            if claimed is not None and not lookalike:
                signals.append(_email_mismatch(address, claimed))
        return signals


def _board_wears_brand(link: Link, claimed: Employer) -> bool:
    board = board_of(link)
    if board is None:
        return False
    slug = board[1].replace("-", "").replace("_", "")
    return any(key in slug for key in claimed.brand_keys)


def _impersonation(claimed: Employer, link: Link) -> Signal:
    return Signal(
        "link.impersonation",
        45,
        link.host,
        "signal.link_impersonation",
        {"employer": claimed.name, "domain": link.host, "official": claimed.domains[0]},
    )


def _email_mismatch(address: str, claimed: Employer) -> Signal:
    return Signal(
        "email.mismatch",
        30,
        address,
        "signal.email_mismatch",
        {"address": address, "employer": claimed.name, "official": claimed.domains[0]},
    )


def _unpuny(label: str) -> str:
    if "xn--" not in label:
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label


def _close(shape: str, key_shape: str, key_length: int) -> bool:
    limit = 1 if key_length < 10 else 2
    return Levenshtein.distance(shape, key_shape, score_cutoff=limit) <= limit


def _has_brand(compact: str, tokens: list[str], key: str, *, strict: bool) -> bool:
    """The brand spelled out among other words of the label.

    `strict` (for brands that are ordinary words) needs the other words to be job words:
    "outlier-careers" imitates Outlier, "outlier-ventures" need not.
    """
    if compact == key:
        return False
    for start in range(len(tokens)):
        joined = ""
        for stop in range(start, len(tokens)):
            joined += tokens[stop]
            if joined == key:
                rest = tokens[:start] + tokens[stop + 1 :]
                if not strict or (rest and all(word in JOB_WORDS for word in rest)):
                    return True
            if len(joined) >= len(key):
                break
    for remainder in (compact.removeprefix(key), compact.removesuffix(key)):
        if remainder != compact and remainder and _all_job_words(remainder):
            return True
    return not strict and len(key) >= 8 and key in compact


@functools.lru_cache(maxsize=1024)
def _all_job_words(rest: str) -> bool:
    """Whether `rest` splits entirely into job words ("jobsportal" → jobs + portal)."""
    if not rest:
        return True
    return any(rest.startswith(word) and _all_job_words(rest[len(word) :]) for word in JOB_WORDS)
