"""Every distinct word the scam checks have read, numbered once per process.

A posting has a few hundred words, and several checks need a fact about each one: the
language of a stop word, the concepts a word belongs to, whether a multi-word entry starts
there, its hash for the known scripts, its weight in the wording model. Looked up one fact at
a time, that was a dictionary hit per word per fact, most of what reading a text cost. Here
a text's words are looked up once and become an array of numbers (`numbers_of`); each fact
is a `Column` of values by number, read for every word of the text in one numpy step.

A column is filled for the numbers it has not seen when it is first read after they were
given, so a new word costs each fact's computation once per process. One read fills the words
it asks for and at most `FILL_SLICE` more of those numbered before (in order): a big poll
parsed on the CPU thread numbers tens of thousands of words, and the next "is this legit?" on
the event loop, filling all of them for every fact, held the loop for ~200 ms. When more than
`MAX_WORDS` words have been numbered, the numbering starts over (a new `generation`) and
every column with it, so memory stays bounded on any input.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["FILL_SLICE", "MAX_WORDS", "WORDS", "Column", "WordNumbers"]

MAX_WORDS = 300_000
#: Most words a column fills in one read besides the ones read (~10 µs a word for the
#: costliest fact, so a few milliseconds).
FILL_SLICE = 512
_NUMBER = struct.Struct("=i")  # a word's number as the 4 bytes of a native int32

I32 = npt.NDArray[np.int32]


class WordNumbers:
    """Word → number, given in order of first sight."""

    def __init__(self, limit: int = MAX_WORDS) -> None:
        self.limit = limit
        self.words: list[str] = []  # by number
        self.generation = 0
        # The number of each word as 4 bytes: a text's numbers are these joined, read as one
        # array, with no conversion per word.
        self._packed: dict[str, bytes] = {}

    def numbers_of(self, words: Sequence[str], vocabulary: set[str] | None = None) -> I32:
        """The numbers of `words` (`vocabulary`: their set, when the caller has it)."""
        packed = self._packed
        distinct = set(words) if vocabulary is None else vocabulary
        unseen = distinct.difference(packed)
        if unseen:
            if len(self.words) + len(unseen) > self.limit:
                self.words = []
                packed.clear()
                self.generation += 1
                unseen = set(distinct)
            first = len(self.words)
            new = list(unseen)
            self.words.extend(new)
            packed.update(zip(new, map(_NUMBER.pack, range(first, first + len(new))), strict=True))
        return np.frombuffer(b"".join(map(packed.__getitem__, words)), dtype=np.int32)


#: The process's numbering, shared by every check.
WORDS = WordNumbers()


class Column:
    """One fact about every numbered word, as an array by number. `compute` gives the values
    of a list of new words, in order."""

    def __init__(
        self,
        compute: Callable[[list[str]], Sequence[Any]],
        dtype: npt.DTypeLike,
        numbers: WordNumbers = WORDS,
    ) -> None:
        self._compute = compute
        self._dtype = np.dtype(dtype)
        self._numbers = numbers
        self._generation = numbers.generation
        self._values: npt.NDArray[Any] = np.zeros(0, dtype=self._dtype)
        #: Which numbers have their value (some beyond `_filled`, read before their turn).
        self._known: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        #: Every number below this has its value.
        self._filled = 0

    def __getstate__(self) -> dict[str, Any]:
        """A copy sent to another process (a checker pickled for the CPU worker) starts empty
        and reads that process's numbering: one process's numbers mean nothing in another."""
        return {"compute": self._compute, "dtype": self._dtype, "shared": self._numbers is WORDS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        numbers = WORDS if state["shared"] else WordNumbers()
        self.__init__(state["compute"], state["dtype"], numbers)  # type: ignore[misc]

    def of(self, numbers: I32) -> npt.NDArray[Any]:
        """The values of the words numbered `numbers`, in order."""
        if self._filled < len(self._numbers.words) or self._generation != self._numbers.generation:
            self._fill(numbers)
        return self._values[numbers]

    def _fill(self, numbers: I32) -> None:
        """Values for `numbers`, and for up to `FILL_SLICE` of the words before them."""
        words = self._numbers.words
        if self._generation != self._numbers.generation:
            self._generation = self._numbers.generation
            self._values = np.zeros(0, dtype=self._dtype)
            self._known = np.zeros(0, dtype=np.bool_)
            self._filled = 0
        count = len(words)  # another thread may number more words meanwhile
        if count > self._values.shape[0]:
            size = max(1024, 2 * count)
            grown = np.zeros(size, dtype=self._dtype)
            grown[: self._values.shape[0]] = self._values
            known = np.zeros(size, dtype=np.bool_)
            known[: self._known.shape[0]] = self._known
            self._values, self._known = grown, known
        start = self._filled
        backlog = np.arange(start, min(count, start + FILL_SLICE), dtype=np.int64)
        asked = np.asarray(numbers, dtype=np.int64)
        wanted = np.union1d(backlog, asked[asked >= start + FILL_SLICE])
        wanted = wanted[~self._known[wanted]]
        if wanted.size:
            self._values[wanted] = np.array(
                list(self._compute([words[number] for number in wanted.tolist()])),
                dtype=self._dtype,
            )
            self._known[wanted] = True
        rest = self._known[start:count]
        self._filled = count if rest.all() else start + int(rest.argmin())
