"""When two postings are one job: the keys a posting is matched on across sources.

The same job shows up on the employer's board, on aggregators and on the big job sites, each
with its own id, its own link and its own spelling of the company and the place. Two postings
are one job when

- their apply links are the same once tracking parameters are gone (`canonical_url`, applied
  when the posting is built: `utm_*`, `gh_src`, `ref`, `source`, …);
- or the company, the title and the place are the same once normalised: case, accents and
  punctuation folded, legal suffixes dropped ("Scale AI, Inc." is "Scale AI"), and every way of
  saying remote ("Remote", "Remoto", "Anywhere", "Worldwide") one place;
- or their descriptions are near-copies (a MinHash estimate of the Jaccard similarity of their
  word 4-shingles of at least `NEAR_COPY`) and the titles say the same job: equal, or close
  under rapidfuzz for the same company. A title must agree, because one employer often posts
  one text for several jobs ("AI Trainer - Spanish", "AI Trainer - French").

Apart from the link, the postings must come from two sources and their places must agree
(equal, or one unknown): the same opening in two cities stays two jobs, and one board's
twin openings stay two postings.

Everything here is pure and computed once per new posting, outside the store's transaction;
the store keeps the keys (`bot.store.sightings`) and compares candidates with `same_job`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from bot.models import Posting
from bot.postings.normalize import names_remote
from bot.text import fold

__all__ = [
    "NEAR_COPY",
    "JobKeys",
    "band_keys",
    "description_similarity",
    "job_keys",
    "normal_company",
    "normal_place",
    "same_job",
]

#: Estimated Jaccard similarity of two descriptions' shingles above which they are one text.
NEAR_COPY = 0.7
#: A description needs this many words to be compared: boilerplate-sized texts say little.
MIN_WORDS = 30
#: Closest two titles of one company may be (rapidfuzz token sort ratio, 0–100) and still be
#: one job when their descriptions are near-copies.
TITLE_CLOSE = 88
SHINGLE_WORDS = 4
NUM_PERM = 64
BAND_ROWS = 4

_WORD = re.compile(r"[0-9a-z]+")
_LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "gmbh",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "sa",
        "sl",
        "slu",
        "srl",
        "sas",
        "sac",
        "spa",
        "bv",
        "nv",
        "ag",
        "ab",
        "oy",
        "as",
        "pty",
        "lp",
        "llp",
        "ug",
        "kg",
    ]
)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(32)
_generator = np.random.RandomState(20261203)
# Multiply-shift hashing: h(x) = (a*x + b) mod 2^64, top 32 bits; `a` odd. Fixed seed: the
# signatures are stored, so they must be the same in every process and release.
_A = _generator.randint(1, 1 << 63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _generator.randint(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class JobKeys:
    """What a posting is matched on; every text key is normalised ("" when unknown)."""

    url: str
    company: str
    title: str
    place: str
    #: The description's MinHash, base64; None when it is too short to compare.
    signature: str | None
    #: Company, title and place as one key (hashed) for an indexed lookup; "" when the
    #: company or the title is unknown.
    ident: str = ""
    #: The signature's LSH band keys (`band_keys`).
    bands: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, *, url: str, company: str, title: str, place: str, signature: str | None
    ) -> JobKeys:
        """The keys with their derived lookups (ident, bands) computed once."""
        ident = ""
        if company and title:
            key = f"{company}|{title}|{place}"
            ident = hashlib.sha256(key.encode()).hexdigest()[:32]
        return cls(url, company, title, place, signature, ident, tuple(band_keys(signature)))


def _words(text: str) -> list[str]:
    """The folded text's runs of ASCII letters and digits (everything else separates them),
    found at once rather than by blanking the rest and splitting (a quarter faster)."""
    return _WORD.findall(fold(text))


def normal_company(company: str) -> str:
    """The company without case, accents, punctuation or legal suffixes ("Scale AI, Inc."
    and "scale ai" are "scale ai")."""
    words = _words(company)
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def normal_place(location: str, remote: bool | None) -> str:
    """ "remote" for every way of saying it; else the place's folded words; "" unknown."""
    if names_remote(location) or (not location.strip() and remote):
        return "remote"
    return " ".join(_words(location))


def _signature(description: str) -> str | None:
    words = _words(description)
    if len(words) < MIN_WORDS:
        return None
    # Each shingle is the bytes of its words joined by spaces, as ever (signatures are
    # stored), but read as a slice of the whole text joined once, not joined and encoded
    # anew per shingle (half the time). Words are ASCII: `_words` keeps only [0-9a-z].
    text = memoryview(" ".join(words).encode("ascii"))
    starts = list(itertools.accumulate([len(word) + 1 for word in words], initial=0))
    shingles = {
        zlib.crc32(text[starts[i] : starts[i + SHINGLE_WORDS] - 1])
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    values = np.fromiter(shingles, dtype=np.uint64, count=len(shingles))
    # The multiply-shift hash wraps by design: numpy's integer arrays wrap silently (no
    # `errstate` needed, whose enter and exit cost as much as the hashing of a short text).
    hashed = ((values[:, None] * _A + _B) >> _SHIFT) & _MAX_HASH
    return base64.b64encode(hashed.min(axis=0).astype("<u4").tobytes()).decode("ascii")


def job_keys(posting: Posting) -> JobKeys:
    """The keys of `posting` (its URL is already canonical: `build_posting` made it so)."""
    return JobKeys.of(
        url=posting.url,
        company=normal_company(posting.company),
        title=" ".join(_words(posting.title)),
        place=normal_place(posting.location, posting.remote),
        signature=_signature(posting.description),
    )


def description_similarity(first: str | None, second: str | None) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is missing)."""
    if not first or not second:
        return 0.0
    a, b = _rows(first), _rows(second)
    if a.shape != b.shape:
        return 0.0
    return int(np.count_nonzero(a == b)) / a.size


@functools.lru_cache(maxsize=8192)
def _rows(signature: str) -> npt.NDArray[np.uint32]:
    """A signature's MinHash rows, decoded once: a big poll compares one signature with
    thousands, and decoding it each time was most of a comparison."""
    return np.frombuffer(base64.b64decode(signature), dtype="<u4")


def _places_agree(first: str, second: str) -> bool:
    return first == second or not first or not second


def band_keys(signature: str | None) -> list[str]:
    """LSH band keys of a signature: two descriptions near `NEAR_COPY` share one almost
    surely (16 bands of 4 rows: 0.99 at 0.7, 0.12 at 0.3), so only postings sharing a band
    are compared."""
    if not signature:
        return []
    raw = base64.b64decode(signature)
    step = 4 * BAND_ROWS
    return [f"{i}:{raw[i : i + step].hex()}" for i in range(0, len(raw), step)]


def same_job(new: JobKeys, seen: JobKeys, *, same_source: bool) -> str | None:
    """Why `new` is the job `seen` already is ("url", "identity", "description"), or None.

    On one source only the link decides: the same link under a new id is the posting edited
    or re-listed, while the same company, title and place, even with the same text, may be
    twin openings (a board lists each seat)."""
    if new.url and new.url == seen.url:
        return "url"
    if same_source or not _places_agree(new.place, seen.place):
        return None
    if new.ident and new.ident == seen.ident:
        return "identity"
    same_title = bool(new.title) and new.title == seen.title
    if not same_title and not (new.company and new.company == seen.company):
        return None  # a near-copy needs the same title, or the same company (cheap first)
    if description_similarity(new.signature, seen.signature) < NEAR_COPY:
        return None
    if same_title or fuzz.token_sort_ratio(new.title, seen.title) >= TITLE_CLOSE:
        return "description"
    return None
