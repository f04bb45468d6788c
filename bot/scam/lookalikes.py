"""Look-alike domains: a domain that imitates a registered brand it does not belong to, by a
TLD swap, a typo, a homoglyph or punycode, the brand among job words ("appen-jobs"), or the
brand in a subdomain of another domain.

Apart from `bot.scam.domains` (which weighs a link against the claimed employer) because
telling what a name looks like (skeletons, edit distance, job-word splits) is a job of its own.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import Levenshtein

from bot.models import Signal
from bot.scam.employers import Employer, EmployerRegistry
from bot.scam.link_parts import Link
from bot.scam.textnorm import word_set
from bot.text import fold_aligned

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


class BrandLookalikes:
    """Finds the registered brand a domain imitates, over one registry; remembers each answer
    per host and claimed employer (a board's postings share one host)."""

    def __init__(self, registry: EmployerRegistry) -> None:
        self.registry = registry
        keys: list[tuple[str, str, Employer]] = []
        for employer in registry.employers:
            for key in employer.brand_keys:
                keys.append((key, skeleton(key), employer))
        self._brand_keys = tuple(keys)
        self._found: dict[tuple[str, str | None], list[Signal]] = {}

    def signals(self, link: Link, claimed: Employer | None) -> list[Signal]:
        """Signals for a domain that imitates a registered brand it does not belong to
        (remembered per host and claimed employer: a board's postings share one host)."""
        if link.registered in self.registry.ats_domains:
            return []
        key = (link.host, claimed.name if claimed else None)
        found = self._found.get(key)
        if found is None:
            found = self._find(link, claimed)
            if len(self._found) >= 10_000:
                self._found.clear()
            self._found[key] = found
        return list(found)

    def _find(self, link: Link, claimed: Employer | None) -> list[Signal]:
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
