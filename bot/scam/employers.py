"""The registry of employers that hire AI trainers, and the domain lists the link checks use.

Shipped as `data/employers.json` (built from the employer table in the research notes), so a
new employer or board is a data change, not a code change. A registry answers three
questions: which employer does a posting claim to be from (by name), which employer owns a
domain, and which employer owns a job board (platform + slug).
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bot.scam.textnorm import word_set
from bot.text import fold_aligned

#: Words around a company name that do not change who the company is.
_GENERIC_NAME_WORDS = word_set(
    "inc llc ltd limited co corp corporation company sa sl srl gmbh plc the careers career jobs "
    "job recruiting recruitment recruiter recruiters hiring team hr rrhh talent acquisition "
    "official global group empleos empleo trabajo staffing by de la of"
)


def name_tokens(name: str) -> list[str]:
    """A company name as comparable tokens: folded, punctuation and legal suffixes dropped."""
    return [
        token
        for token in re.findall(r"[a-z0-9]+", fold_aligned(name))
        if token not in _GENERIC_NAME_WORDS
    ]


@dataclass(frozen=True, slots=True)
class Employer:
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]  # registrable domains; their subdomains belong to the employer
    boards: tuple[tuple[str, str], ...]  # (platform, slug), slug lower case
    brand_keys: tuple[str, ...]  # what a look-alike domain would spell
    common_word: bool = False  # brand keys are ordinary words: need job words to count
    family: str = ""  # employers of one group vouch for each other's links

    def same_family(self, other: Employer) -> bool:
        return self.name == other.name or bool(self.family and self.family == other.family)


@dataclass(frozen=True, slots=True)
class EmployerRegistry:
    employers: tuple[Employer, ...]
    aggregators: frozenset[str] = frozenset()  # job sites that repost any employer's jobs
    shorteners: frozenset[str] = frozenset()
    throwaway_tlds: frozenset[str] = frozenset()
    webmail: frozenset[str] = frozenset()
    ats_domains: frozenset[str] = frozenset()  # applicant-tracking hosts: boards of many firms
    _by_alias: dict[str, Employer] = field(default_factory=dict, repr=False, compare=False)
    _by_distinctive_alias: dict[str, Employer] = field(
        default_factory=dict, repr=False, compare=False
    )
    _by_domain: dict[str, Employer] = field(default_factory=dict, repr=False, compare=False)
    _by_board: dict[tuple[str, str], Employer] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: The first word of every alias: a text naming no such word names no employer.
    alias_starts: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        for employer in self.employers:
            for alias in (employer.name, *employer.aliases):
                key = "".join(name_tokens(alias))
                if not key:
                    continue
                self._by_alias.setdefault(key, employer)
                self.alias_starts.add(name_tokens(alias)[0])
                if not employer.common_word and len(key) >= 4:
                    self._by_distinctive_alias.setdefault(key, employer)
            for domain in employer.domains:
                self._by_domain[domain.lower()] = employer
            for board in employer.boards:
                self._by_board[board] = employer

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmployerRegistry:
        employers = tuple(
            Employer(
                name=str(entry["name"]),
                aliases=tuple(entry.get("aliases", ())),
                domains=tuple(domain.lower() for domain in entry.get("domains", ())),
                boards=tuple(_parse_board(board) for board in entry.get("boards", ())),
                brand_keys=tuple(key.lower() for key in entry.get("brand_keys", ())),
                common_word=bool(entry.get("common_word", False)),
                family=str(entry.get("family", "")),
            )
            for entry in data.get("employers", ())
        )

        def lower_set(key: str) -> frozenset[str]:
            return frozenset(item.lower() for item in data.get(key, ()))

        return cls(
            employers,
            aggregators=lower_set("aggregators"),
            shorteners=lower_set("shorteners"),
            throwaway_tlds=lower_set("throwaway_tlds"),
            webmail=lower_set("webmail"),
            ats_domains=lower_set("ats_domains"),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> EmployerRegistry:
        """The registry in `path`, or the one shipped with the package."""
        if path is None:
            text = resources.files("bot.scam").joinpath("data/employers.json").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        return cls.from_dict(json.loads(text))

    # -- lookups -----------------------------------------------------------------------------

    def by_name(self, company: str) -> Employer | None:
        """The registered employer a company name claims to be, if any.

        The whole name must be an alias ("Scale AI, Inc." is Scale AI); a distinctive alias may
        also sit among other words ("Appen Recruiting Team"), an ordinary word may not
        ("Turing School of Software" is not Turing).
        """
        tokens = name_tokens(company)
        if not tokens:
            return None
        exact = self._by_alias.get("".join(tokens))
        if exact is not None:
            return exact
        for start in range(len(tokens)):
            for stop in range(start + 1, min(len(tokens), start + 4) + 1):
                found = self._by_distinctive_alias.get("".join(tokens[start:stop]))
                if found is not None:
                    return found
        return None

    def named_in(
        self, words: list[str], capitalised: Container[int], candidates: list[int] | None = None
    ) -> Employer | None:
        """The first registered employer a text names among its `words` (folded tokens):
        "soy reclutadora de Outlier", "Empresa: Welo Data". A brand that is an ordinary word
        ("Outlier", "Scale", "Turing") counts only written with a capital, not opening a
        sentence (`capitalised` holds the indices of the words that are). `candidates`: the
        indices of the words that start an alias, in order, when the caller has them."""
        if candidates is None:
            candidates = [i for i, word in enumerate(words) if word in self.alias_starts]
        by_alias = self._by_alias
        for start in candidates:
            # The keys of the names of 1 to 4 words from `start`, built once each and tried
            # longest first (generic words such as "inc", "team" are no part of a key).
            keys: list[str] = []
            key = ""
            for word in words[start : start + 4]:
                if word not in _GENERIC_NAME_WORDS:
                    key += word
                keys.append(key)
            for size in range(len(keys), 0, -1):
                employer = by_alias.get(keys[size - 1])
                if employer is None:
                    continue
                if not employer.common_word or size > 1 or start in capitalised:
                    return employer
        return None

    def by_domain(self, registered_domain: str) -> Employer | None:
        return self._by_domain.get(registered_domain.lower())

    def by_board(self, platform: str, slug: str) -> Employer | None:
        return self._by_board.get((platform, slug.lower()))


def _parse_board(value: str) -> tuple[str, str]:
    platform, _, slug = value.partition(":")
    if not slug:
        raise ValueError(f"board {value!r} is not platform:slug")
    return platform.lower(), slug.lower()
