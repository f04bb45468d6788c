"""Check 3: near-copies of known scam texts.

Scammers reuse their messages with small edits (another company name, another figure), so a
posting that nearly copies a confirmed scam is strong evidence. Texts are compared as sets of
word 3-shingles (figures folded to `#`, so "$55" and "$65" agree). A script counts as matched
when most of its shingles are in the posting (containment), so a script wrapped in a longer
posting matches as well as a bare copy.

Containment is counted exactly, for every script at once, from an inverted index: each
shingle of the library with the scripts that hold it (their places, packed as 32-bit integers
in one `bytes`). A posting's shingles first pass a bitmap of the library's shingle hashes
(one numpy step drops most of a posting's shingles, which no script holds), the rest are
found in the library's sorted shingles with one `searchsorted`, the owners of the hits
joined into one array and counted with one `bincount`, and only the scripts whose count
reaches their least matching count (an integer per script, worked out when the index is
built) have their share worked out: most postings have none. A text's token hashes are
read from a column by word number (`bot.scam.wordids`), one numpy step a text. Few numpy
calls a posting: their fixed cost, not the arithmetic, was most of what matching took. (A
MinHash LSH index did the same job approximately: it could miss a match, and computing a
posting's signatures cost more than counting. Prefix filtering, listing each script under
only its rarest shingles, counted fewer owners but in Python, and cost more.)
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.scam.textview import words_in
from bot.scam.wordids import WORDS, Column
from bot.text import fold_aligned

#: The bitmap's size, as bits of a shingle hash: 2**20 flags (1 MB), a few per cent of them
#: set by a library of 5,000 scripts, so few shingles that no script holds get past it.
_FILTER_BITS = 20
_FILTER_MASK = np.uint32((1 << _FILTER_BITS) - 1)
_FIGURE = re.compile(r"\d")
SHINGLE_WORDS = 3
RETRACT_LABELS = frozenset({"legit", "ok", "not_scam", "fine"})

U32 = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class ScriptMatch:
    script_id: str
    label: str
    containment: float  # share of the script's shingles found in the posting, 0–1


@dataclass(frozen=True, slots=True)
class _Script:
    script_id: str
    label: str
    shingles: frozenset[int]


class ScriptLibrary:
    """Known scam scripts, matched by near-duplicate detection.

    `min_containment` is the share of a script's shingles a posting must contain to match;
    `min_shingles` keeps very short texts (a phrase, not a script) out of the library.
    """

    def __init__(
        self,
        *,
        min_containment: float = 0.6,
        min_shingles: int = 8,
    ) -> None:
        self.min_containment = min_containment
        self.min_shingles = min_shingles
        self._scripts: dict[str, _Script] = {}
        # The inverted index: the library's distinct shingles, sorted, and for each its
        # scripts' places in `_ids`, as native 32-bit integers in one `bytes`; and a bitmap of
        # the shingles' low bits that most shingles of a posting fail. Rebuilt on the first
        # match after a change (admins add scripts rarely).
        self._keys: U32 = np.zeros(0, dtype=np.uint32)
        self._owners: list[bytes] = []
        self._maybe: npt.NDArray[np.bool_] = np.zeros(1 << _FILTER_BITS, dtype=np.bool_)
        self._sizes: npt.NDArray[np.float64] = np.zeros(0, dtype=np.float64)
        #: Per script, the fewest shared shingles whose share reaches `min_containment`.
        self._least: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._ids: list[str] = []
        self._index_dirty = False

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_jsonl(cls, lines: Iterable[str], **options: float | int) -> ScriptLibrary:
        library = cls(**options)  # type: ignore[arg-type]
        for line in lines:
            if line.strip():
                entry = json.loads(line)
                library.add(str(entry["id"]), str(entry["text"]), str(entry.get("label", "scam")))
        return library

    @classmethod
    def load_seed(cls, path: str | Path | None = None) -> ScriptLibrary:
        """The library seeded from `path`, or from the seed shipped with the package.

        The shipped seed was written from the scam patterns in the research notes (task
        scams, fees, cheques, chat interviews, identity theft, crypto, money mules), in English
        and Spanish; it deliberately shares no text with the labelled evaluation cases.
        """
        if path is None:
            text = (
                resources.files("bot.scam").joinpath("data/known_scripts.jsonl").read_text("utf-8")
            )
        else:
            text = Path(path).read_text("utf-8")
        return cls.from_jsonl(text.splitlines())

    def add(self, script_id: str, text: str, label: str) -> bool:
        """Add (or replace) a script; a retracting label ("legit") removes it instead.

        Returns whether the script is now in the library: a text too short to be a script is
        refused, since a phrase would match half the postings that use it innocently.
        """
        self.remove(script_id)
        if label.strip().lower() in RETRACT_LABELS:
            return False
        hashes = self._shingle_hashes(fold_aligned(text))
        if len(hashes) < self.min_shingles:
            return False
        self._scripts[script_id] = _Script(script_id, label, frozenset(hashes.tolist()))
        self._index_dirty = True
        return True

    def remove(self, script_id: str) -> None:
        if self._scripts.pop(script_id, None) is not None:
            self._index_dirty = True

    def _rebuild_index(self) -> None:
        scripts = list(self._scripts.values())
        sizes = np.array([len(script.shingles) for script in scripts], dtype=np.int64)
        shingles = np.fromiter(
            itertools.chain.from_iterable(script.shingles for script in scripts),
            dtype=np.uint32,
            count=int(sizes.sum()),
        )
        owners = np.repeat(np.arange(len(scripts), dtype=np.int32), sizes)
        order = np.argsort(shingles, kind="stable")
        ordered = shingles[order]
        keys, starts = np.unique(ordered, return_index=True)
        bounds = np.append(starts, ordered.shape[0]).tolist()
        packed = owners[order].tobytes()
        width = owners.itemsize
        self._keys = keys
        self._owners = [
            packed[width * begin : width * end] for begin, end in itertools.pairwise(bounds)
        ]
        self._maybe = np.zeros(1 << _FILTER_BITS, dtype=np.bool_)
        self._maybe[keys & _FILTER_MASK] = True
        self._sizes = sizes.astype(np.float64)
        self._least = np.array([self._least_shared(size) for size in sizes.tolist()], np.int64)
        self._ids = [script.script_id for script in scripts]
        self._index_dirty = False

    def _least_shared(self, size: int) -> int:
        """The fewest shingles of a script of `size` whose share, as `match` divides, reaches
        `min_containment` (size + 1 when none does)."""
        count = max(0, int(self.min_containment * size) - 1)  # at most the answer
        while count <= size and (size == 0 or count / size < self.min_containment):
            count += 1
        return count

    def __len__(self) -> int:
        return len(self._scripts)

    def __contains__(self, script_id: object) -> bool:
        return script_id in self._scripts

    # -- matching ----------------------------------------------------------------------------

    def match(
        self,
        folded: str,
        words: list[str] | None = None,
        vocabulary: set[str] | None = None,
        numbers: npt.NDArray[np.int32] | None = None,
    ) -> ScriptMatch | None:
        """The known script this (folded) text nearly copies, if any: the best-contained one.
        `words` are the text's words when the caller has them (`bot.scam.textview`),
        `vocabulary` their set and `numbers` their numbers (`bot.scam.wordids`)."""
        if not self._scripts:
            return None
        hashes = self._shingle_hashes(folded, words, vocabulary, numbers)
        if len(hashes) < self.min_shingles:
            return None
        if self._index_dirty:
            self._rebuild_index()
        # The shingles that some script may hold, their places among the library's, and the
        # scripts behind each distinct one.
        keys = self._keys
        maybe = hashes[self._maybe[hashes & _FILTER_MASK]]
        places = np.searchsorted(keys, maybe)
        places[places == keys.shape[0]] = 0
        places = places[keys[places] == maybe]
        hits = list(map(self._owners.__getitem__, set(places.tolist())))
        # No script can reach `min_containment` with fewer shared shingles than this.
        if len(hits) < math.ceil(self.min_containment * self.min_shingles):
            return None
        owners = np.frombuffer(b"".join(hits), dtype=np.int32)
        shared = np.bincount(owners, minlength=len(self._ids))
        # The shares of the scripts that reach `min_containment` (most postings have none),
        # the first of equal shares winning, as an `argmax` over every script's share would.
        reaching = np.flatnonzero(shared >= self._least)
        if reaching.shape[0] == 0:
            return None
        containment = shared[reaching] / self._sizes[reaching]
        best = int(np.argmax(containment))
        script = self._scripts[self._ids[int(reaching[best])]]
        return ScriptMatch(script.script_id, script.label, float(containment[best]))

    # -- hashing -----------------------------------------------------------------------------

    def _shingle_hashes(
        self,
        folded: str,
        words: list[str] | None = None,
        vocabulary: set[str] | None = None,
        numbers: npt.NDArray[np.int32] | None = None,
    ) -> U32:
        """32-bit hashes of the word 3-shingles, in text order, figures folded to '#'."""
        tokens = words_in(folded) if words is None else words
        if len(tokens) < SHINGLE_WORDS:
            return np.zeros(0, dtype=np.uint32)
        if numbers is None:
            numbers = WORDS.numbers_of(tokens, vocabulary if words is not None else None)
        hashed: U32 = _TOKEN_HASH.of(numbers)
        # Products and sums wrap modulo 2**32: the low 32 bits of the same sum in 64 bits.
        return hashed[:-2] * _FIRST + hashed[1:-1] * _SECOND + hashed[2:]


#: Each numbered word's hash, figures folded to "#" ("$55" and "$65" agree).
_TOKEN_HASH = Column(
    lambda words: [zlib.crc32(_FIGURE.sub("#", word).encode()) for word in words], np.uint32
)
_FIRST = np.uint32(0x9E3779B1)
_SECOND = np.uint32(0x85EBCA77)
