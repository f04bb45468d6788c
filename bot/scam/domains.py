"""Check 2: the link and the claimed employer.

A link on the employer's own domain, or on its board at Greenhouse, Lever, Ashby or Workable
(the matching slug only), earns the "verified employer" mark. A posting that names a registered
employer but links elsewhere is impersonation. Independently of any claim, a domain that
imitates a registered brand (TLD swap, typo, homoglyph or punycode, brand plus job words,
brand in a subdomain of another domain), a URL shortener, a raw IP host or a throw-away TLD is
a signal of its own.

A link is taken apart in `bot.scam.link_parts`; what makes a domain a look-alike of a brand
is `bot.scam.lookalikes`. This module weighs them against the claimed employer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Signal
from bot.scam.employers import Employer, EmployerRegistry
from bot.scam.link_parts import Link, board_of, parse_link
from bot.scam.lookalikes import BrandLookalikes
from bot.scam.textnorm import clip


@dataclass(frozen=True, slots=True)
class LinkVerdict:
    signals: tuple[Signal, ...]
    verified: Employer | None  # the employer whose domain or board the link is on


class DomainChecker:
    """The link checks over one registry. Pure and cheap: no network."""

    def __init__(self, registry: EmployerRegistry) -> None:
        self.registry = registry
        self._lookalikes = BrandLookalikes(registry)

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
        signals.extend(self._lookalikes.signals(link, claimed))
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
            lookalike = self._lookalikes.signals(link, claimed)
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
