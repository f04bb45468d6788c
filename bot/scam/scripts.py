"""Check 3: near-copies of known scam texts.

Scammers reuse their messages with small edits (another company name, another figure), so a
posting that nearly copies a confirmed scam is strong evidence. Texts are compared as sets of
word 3-shingles (figures folded to `#`, so "$55" and "$65" agree). Candidates come from a
MinHash LSH index; each candidate is then confirmed on the exact shingle sets, so the index
can err towards recall without producing false matches.

A posting may wrap a script in other text, so the posting is also looked up window by window
(32, 64 and 128 shingles); a script counts as matched when most of its shingles are in the
posting (containment), not only when the two texts are the same size.

The MinHash (multiply-shift permutations) and the LSH banding are computed with numpy here
rather than with datasketch, because building one datasketch `MinHash` per window and querying
its `MinHashLSH` band by band costs more than the whole per-posting budget (about 0.5 ms); all
bands share one sorted array of keys, so a posting's lookups are one `searchsorted` call.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.scam.textview import words_in
from bot.text import fold_aligned

_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(32)
_FIGURE = re.compile(r"\d")
SHINGLE_WORDS = 3
BLOCK = 32  # shingles per window block
RETRACT_LABELS = frozenset({"legit", "ok", "not_scam", "fine"})

U64 = npt.NDArray[np.uint64]


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
    band_keys: U64  # one key per band, already offset by the band (see `_band_keys`)


class ScriptLibrary:
    """Known scam scripts, matched by near-duplicate detection.

    `min_containment` is the share of a script's shingles a posting must contain to match;
    `min_shingles` keeps very short texts (a phrase, not a script) out of the library.
    """

    def __init__(
        self,
        *,
        num_perm: int = 60,
        bands: int = 20,
        min_containment: float = 0.6,
        min_shingles: int = 8,
        seed: int = 1,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self.min_containment = min_containment
        self.min_shingles = min_shingles
        generator = np.random.RandomState(seed)
        # Multiply-shift hashing: h(x) = (a*x + b) mod 2^64, top 32 bits; a is odd.
        self._a = generator.randint(1, 1 << 63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = generator.randint(0, 1 << 63, size=num_perm, dtype=np.uint64)
        # Odd multipliers fold a band's rows into one integer key; an offset per band keeps
        # equal rows in different bands apart, so all bands share one sorted index.
        self._band_mix = generator.randint(1, 1 << 62, size=self.rows, dtype=np.uint64) | 1
        self._band_offset = generator.randint(1, 1 << 62, size=bands, dtype=np.uint64)
        self._scripts: dict[str, _Script] = {}
        self._token_hashes: dict[str, int] = {}
        # The LSH index: every script's band keys, sorted, with the script each belongs to.
        # Rebuilt on the first match after a change (admins add scripts rarely).
        self._index_keys: U64 = np.zeros(0, dtype=np.uint64)
        self._index_owners: list[str] = []
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
        keys = self._band_keys(self._signatures(hashes, whole_only=True))[0]
        self._scripts[script_id] = _Script(script_id, label, frozenset(hashes.tolist()), keys)
        self._index_dirty = True
        return True

    def remove(self, script_id: str) -> None:
        if self._scripts.pop(script_id, None) is not None:
            self._index_dirty = True

    def _rebuild_index(self) -> None:
        scripts = list(self._scripts.values())
        if not scripts:
            self._index_keys, self._index_owners = np.zeros(0, dtype=np.uint64), []
        else:
            keys = np.concatenate([script.band_keys for script in scripts])
            owners = [script.script_id for script in scripts for _ in range(self.bands)]
            order = np.argsort(keys, kind="stable")
            self._index_keys = keys[order]
            self._index_owners = [owners[position] for position in order.tolist()]
        self._index_dirty = False

    def __len__(self) -> int:
        return len(self._scripts)

    def __contains__(self, script_id: object) -> bool:
        return script_id in self._scripts

    # -- matching ----------------------------------------------------------------------------

    def match(self, folded: str, words: list[str] | None = None) -> ScriptMatch | None:
        """The known script this (folded) text nearly copies, if any: the best-contained one.
        `words` are the text's words when the caller has them (`bot.scam.textview`)."""
        if not self._scripts:
            return None
        hashes = self._shingle_hashes(folded, words)
        if len(hashes) < self.min_shingles:
            return None
        if self._index_dirty:
            self._rebuild_index()
        # Sorted, the lookups walk the index in one direction (far fewer cache misses).
        queries = np.sort(self._band_keys(self._signatures(hashes)), axis=None)
        index_keys = self._index_keys
        size = index_keys.shape[0]
        if size == 0:
            return None
        positions = np.searchsorted(index_keys, queries)
        inside = positions < size
        hits = positions[inside][index_keys[positions[inside]] == queries[inside]]
        if hits.size == 0:
            return None
        candidates: set[str] = set()
        for position in set(hits.tolist()):
            key = index_keys[position]
            while position < size and index_keys[position] == key:
                candidates.add(self._index_owners[position])
                position += 1
        posting = set(hashes.tolist())
        best: ScriptMatch | None = None
        for script_id in candidates:
            script = self._scripts[script_id]
            containment = len(script.shingles & posting) / len(script.shingles)
            if containment >= self.min_containment and (
                best is None or containment > best.containment
            ):
                best = ScriptMatch(script_id, script.label, containment)
        return best

    # -- hashing -----------------------------------------------------------------------------

    def _shingle_hashes(self, folded: str, words: list[str] | None = None) -> U64:
        """32-bit hashes of the word 3-shingles, in text order, figures folded to '#'."""
        cache = self._token_hashes
        tokens = words_in(folded) if words is None else words
        for token in set(tokens).difference(cache):
            if len(cache) >= 200_000:
                cache.clear()
            cache[token] = zlib.crc32(_FIGURE.sub("#", token).encode())
        token_hashes = [cache[token] for token in tokens]
        if len(token_hashes) < SHINGLE_WORDS:
            return np.zeros(0, dtype=np.uint64)
        hashed = np.asarray(token_hashes, dtype=np.uint64)
        combined = (
            hashed[:-2] * np.uint64(0x9E3779B1) + hashed[1:-1] * np.uint64(0x85EBCA77) + hashed[2:]
        )
        return combined & _MAX_HASH

    def _signatures(self, hashes: U64, *, whole_only: bool = False) -> U64:
        """MinHash signatures: the whole text, then windows of 1, 2 and 4 blocks."""
        permuted: U64 = (
            self._a[:, np.newaxis] * hashes[np.newaxis, :] + self._b[:, np.newaxis]
        ) >> _SHIFT
        whole: U64 = permuted.min(axis=1)
        count = hashes.shape[0]
        if whole_only or count <= BLOCK:
            return whole[np.newaxis, :]
        starts = np.arange(0, count, BLOCK)
        blocks = np.minimum.reduceat(permuted, starts, axis=1).T  # (blocks, num_perm)
        windows = [whole[np.newaxis, :], blocks]
        if blocks.shape[0] > 2:
            pairs = np.minimum(blocks[:-1], blocks[1:])
            windows.append(pairs)
            if pairs.shape[0] > 3:
                windows.append(np.minimum(pairs[:-2], pairs[2:]))
        return np.concatenate(windows)

    def _band_keys(self, signatures: U64) -> U64:
        """One integer per (signature, band): the band's rows mixed, plus the band's offset."""
        shaped = signatures.reshape(signatures.shape[0], self.bands, self.rows)
        keys: U64 = (shaped * self._band_mix).sum(axis=2, dtype=np.uint64) + self._band_offset
        return keys
