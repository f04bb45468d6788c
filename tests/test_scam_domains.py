"""Check 2: the link against the claimed employer; look-alike domains; offline PSL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.scam.domains import DomainChecker
from bot.scam.employers import EmployerRegistry
from bot.scam.link_parts import board_of, parse_link


@pytest.fixture(scope="module")
def registry() -> EmployerRegistry:
    return EmployerRegistry.load()


@pytest.fixture(scope="module")
def links(registry: EmployerRegistry) -> DomainChecker:
    return DomainChecker(registry)


def signal_ids(links: DomainChecker, url: str, company: str = "") -> set[str]:
    claimed = links.registry.by_name(company) if company else None
    return {signal.id for signal in links.check_link(url, claimed).signals}


def test_registry_is_built_from_the_research_table(registry: EmployerRegistry) -> None:
    names = {employer.name for employer in registry.employers}
    assert {"DataAnnotation", "Outlier", "Scale AI", "Appen", "Mercor", "Handshake AI"} <= names
    scale = registry.by_name("Scale AI, Inc.")
    assert scale is not None and ("greenhouse", "scaleai") in scale.boards


@pytest.mark.parametrize(
    ("company", "expected"),
    [
        ("Scale AI", "Scale AI"),
        ("Appen Recruiting Team", "Appen"),
        ("TELUS International AI", "TELUS Digital"),
        ("character.ai", "Character.AI"),
        ("Turing School of Software", None),
        ("Outlier Ventures Partners", None),
        ("Nova Digital", None),
    ],
)
def test_claimed_employer_by_name(
    registry: EmployerRegistry, company: str, expected: str | None
) -> None:
    found = registry.by_name(company)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize(
    ("url", "company", "verified"),
    [
        ("https://job-boards.greenhouse.io/scaleai/jobs/4600001005", "Scale AI", "Scale AI"),
        ("https://boards.greenhouse.io/scaleai/jobs/1", "", "Scale AI"),
        ("https://boards.greenhouse.io/embed/job_app?for=labelbox&token=1", "", "Labelbox"),
        ("https://jobs.ashbyhq.com/handshake/2c6a8e1f", "Handshake AI", "Handshake AI"),
        ("https://jobs.lever.co/superannotate/abc", "SuperAnnotate", "SuperAnnotate"),
        ("https://work.mercor.com/jobs/list_AAA", "Mercor", "Mercor"),
        ("https://www.telusdigital.com/careers/x", "TELUS Digital", "TELUS Digital"),
        ("https://job-boards.greenhouse.io/scaleai/jobs/1", "Outlier", "Scale AI"),  # same group
    ],
)
def test_official_domain_or_matching_board_is_verified(
    links: DomainChecker, url: str, company: str, verified: str
) -> None:
    claimed = links.registry.by_name(company) if company else None
    result = links.check_link(url, claimed)
    assert result.verified is not None and result.verified.name == verified
    assert result.signals == ()


def test_board_is_verified_only_for_the_matching_slug(links: DomainChecker) -> None:
    result = links.check_link(
        "https://jobs.lever.co/scale-ai-hiring/123", links.registry.by_name("Scale AI")
    )
    assert result.verified is None
    assert {signal.id for signal in result.signals} == {"link.impersonation"}
    assert board_of(parse_link("https://apply.workable.com/acme/j/1")) == ("workable", "acme")  # type: ignore[arg-type]


def test_registered_employer_linking_elsewhere_is_impersonation(links: DomainChecker) -> None:
    assert "link.impersonation" in signal_ids(links, "https://careers-portal.com/appen", "Appen")
    # a job aggregator reposting the job is not impersonation, nor an agency's ATS board
    assert signal_ids(links, "https://www.linkedin.com/jobs/view/123", "Appen") == set()
    assert signal_ids(links, "https://jobs.lever.co/talent-agency/123", "Appen") == set()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://dataannotation.cc/tutor", "domain.lookalike"),  # TLD swap
        ("https://dataanotation.tech/x", "domain.lookalike"),  # typo
        ("https://0utlier.ai/x", "domain.lookalike"),  # digit for letter
        ("https://remotasks-pay.com/x", "domain.lookalike"),  # brand + job words
        ("https://scale-ai-careers.net/x", "domain.lookalike"),
        ("https://xn--ppen-43d.com/jobs", "domain.lookalike"),  # Cyrillic а in punycode
        ("https://outlier.ai.jobs-apply.com/w", "domain.brand_subdomain"),
        ("https://tinyurl.com/abc", "domain.shortener"),
        ("http://203.0.113.9/apply", "domain.ip"),
        ("https://great-jobs.xyz/apply", "domain.tld"),
        ("https://t.me/recruiter_bot", "chat_move"),
    ],
)
def test_suspicious_links(links: DomainChecker, url: str, kind: str) -> None:
    assert kind in signal_ids(links, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://scaleway.com/jobs",
        "https://happening.com/careers",
        "https://outlier-ventures.com/team",
        "https://turing-school.edu/jobs",
        "https://example.co.uk/careers",
    ],
)
def test_ordinary_domains_near_brand_words_are_not_lookalikes(
    links: DomainChecker, url: str
) -> None:
    assert signal_ids(links, url) == set()


def test_punycode_host_is_flagged(links: DomainChecker) -> None:
    assert "domain.punycode" in signal_ids(links, "https://xn--e1afmkfd.xn--p1ai/")


def test_emails_webmail_and_mismatch(links: DomainChecker) -> None:
    appen = links.registry.by_name("Appen")
    found = {s.id for s in links.check_emails(["hr.appen@gmail.com", "jobs@appen-hr.com"], appen)}
    assert found == {"email.webmail", "domain.lookalike"}
    assert links.check_emails(["recruiting@appen.com"], appen) == []
    assert {s.id for s in links.check_emails(["x@acme.com"], appen)} == {"email.mismatch"}


def test_parse_link_uses_the_public_suffix_list(registry: EmployerRegistry) -> None:
    link = parse_link("https://careers.example.co.uk/jobs")
    assert link is not None and link.registered == "example.co.uk" and link.label == "example"
    assert parse_link("") is None and parse_link("mailto:") is None


def test_domain_parsing_never_touches_the_network_or_writes_a_cache(tmp_path: Path) -> None:
    """A fresh interpreter with sockets disabled and an empty HOME still parses domains."""
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from bot.scam.link_parts import parse_link\n"
        "assert parse_link('https://a.b.example.com.au/x').registered == 'example.com.au'\n"
        "print('ok')\n"
    )
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TLDEXTRACT_CACHE": str(tmp_path / "tld"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert list(tmp_path.iterdir()) == []  # no cache directory written anywhere under HOME
    assert socket.socket.connect is not None
