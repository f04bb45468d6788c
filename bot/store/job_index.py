"""Which job a new posting is another sighting of: an index of the jobs seen so far, by the
keys a posting shares with them, kept in memory for one batch (`bot.store.sightings.find_jobs`
fills it from the stored sightings and the batch's own postings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set

from bot.postings.sameness import JobKeys, same_job

__all__ = ["JobIndex", "Lookup", "Seen", "lookups_of"]


class Seen:
    """A stored sighting a new posting may be another of: its job, source and keys."""

    __slots__ = ("job_id", "keys", "source", "sources")

    def __init__(
        self, job_id: int, source: str, keys: JobKeys, *, sources: frozenset[str] = frozenset()
    ) -> None:
        self.job_id = job_id
        self.source = source
        self.keys = keys
        #: Every source that showed it (a grouped row: two of them tell "not only one").
        self.sources = sources or frozenset((source,))


def _job_order(job_id: int) -> tuple[bool, int]:
    """Stored jobs first, oldest first; then the batch's own, in batch order."""
    return (job_id < 0, abs(job_id))


class JobIndex:
    """The jobs seen so far, found by the keys a new posting shares with them.

    A job's sightings are kept once per distinct set of keys other than the link (with the
    sources that showed them), and every key points at jobs, not at sightings: a job listed
    on 500 boards is one candidate with its few distinct spellings, not 500 (a 20,000-posting
    poll of re-posted jobs compared each posting with hundreds: 17 ms a posting in
    `bench/poll_cycle.py`). Links are matched on their own (`same_job`: the same link is the
    same job, on any source).

    A job's spellings are kept by place: a posting is compared only with the spellings
    whose place agrees with its own (`same_job` turns every other one down), so a job seen
    in one city on 500 boards is not 500 comparisons for a posting in another."""

    __slots__ = ("_by_key", "_by_url", "_spellings")

    def __init__(self) -> None:
        self._by_url: dict[str, dict[int, None]] = {}
        #: key → (its jobs, the sources that showed them)
        self._by_key: dict[Lookup, tuple[dict[int, None], set[str]]] = {}
        #: job → place → its keys without the link → the sources that showed them
        self._spellings: dict[int, dict[str, dict[JobKeys, set[str]]]] = defaultdict(dict)

    def add(
        self,
        job_id: int,
        sources: Set[str],
        keys: JobKeys,
        lookups: list[Lookup],
        *,
        only: set[Lookup] | None = None,
    ) -> None:
        """One more sighting of `job_id` (`lookups` are `lookups_of(keys)`); indexed only under
        the lookups in `only` (all when None)."""
        if keys.url:
            self._by_url.setdefault(keys.url, {})[job_id] = None
        spelling = (
            JobKeys(
                "", keys.company, keys.title, keys.place, keys.signature, keys.ident, keys.bands
            )
            if keys.url
            else keys
        )
        places = self._spellings[job_id]
        spellings = places.get(spelling.place)
        if spellings is None:
            spellings = places[spelling.place] = {}
        seen_in = spellings.get(spelling)
        if seen_in is None:
            spellings[spelling] = set(sources)
        else:
            seen_in.update(sources)
        by_key = self._by_key
        for lookup in lookups:
            if only is not None and lookup not in only:
                continue
            entry = by_key.get(lookup)
            if entry is None:
                entry = by_key[lookup] = ({}, set())
            entry[0][job_id] = None
            entry[1].update(sources)

    def match(self, source: str, own: JobKeys, lookups: list[Lookup]) -> int | None:
        """The first job, in `_job_order`, that a posting from `source` with keys `own` (and
        `lookups`, `lookups_of(own)`) is another sighting of."""
        by_link = self._by_url.get(own.url, {}) if own.url else {}
        candidates: dict[int, None] = dict(by_link)
        only_here = {source}
        by_key = self._by_key
        for lookup in lookups:
            entry = by_key.get(lookup)
            # Only another source's posting is the same job by anything but its link.
            if entry is not None and not entry[1] <= only_here:
                candidates.update(entry[0])
        for job_id in sorted(candidates, key=_job_order):
            if job_id in by_link:
                return job_id
            places = self._spellings[job_id]
            # The places that agree with the posting's (`same_job`): its own and unknown,
            # or every place when its own is unknown. A spelling has no link, so its place
            # must agree for `same_job` to say yes.
            for place in (own.place, "") if own.place else list(places):
                for spelling, sources in places.get(place, {}).items():
                    if same_job(own, spelling, same_source=sources <= only_here):
                        return job_id
        return None


#: An index key: what it is ("ident", "band-title", "band-company") and its parts.
Lookup = tuple[str, str, str]


def lookups_of(keys: JobKeys) -> list[Lookup]:
    """The index keys a posting is found under besides its link: its identity, and each
    band of its description with its title and with its company. A near-copy is one job
    only with the same title or the same company (`same_job`), so a band alone would make
    every posting of a common text a candidate of every other. Tuples of the keys' own
    strings: no string is built (and hashed anew) per band."""
    found: list[Lookup] = [("ident", keys.ident, "")] if keys.ident else []
    if keys.title:
        found += [("band-title", band, keys.title) for band in keys.bands]
    if keys.company:
        found += [("band-company", band, keys.company) for band in keys.bands]
    return found
