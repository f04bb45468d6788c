"""Sightings: every place a job was seen, so that a job alerts once and its card lists them.

A job is the posting seen first (`job_id`, a `postings.id`); each posting of it, on any
source, is one sighting row with the keys it is matched on (`bot.postings.sameness`). A poll's
new postings are matched against the sightings seen within the horizon (and against the
earlier postings of the same batch); sightings not seen again within it are pruned, so the
table stays bounded while a posting that stays up keeps its job.

A near-copy of a description is looked up by title, and with a common title a job may have
been seen on hundreds of boards: those sightings are kept once more, grouped, as the job's
spellings (`sighting_spellings`: one row a job, title, place and description, with the first
and last of the sources that showed it, and a time no later than the oldest of their
sightings' last sightings), written with the sightings and brought up to date when they are
pruned. A batch reads the spellings of its titles, a few rows a job, rather than every
sighting with those titles (which grew with every board polled).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence, Set
from typing import TypeVar

from bot.models import Posting, Sighting
from bot.postings.sameness import JobKeys, same_job
from bot.store.database import Connection, Database, Row

__all__ = [
    "POSTINGS_LOCK",
    "batch_ref",
    "find_jobs",
    "insert_sightings",
    "prune",
    "sightings_of",
    "touch",
]

#: Pollers in several processes decide what is one job one at a time (see find_jobs).
POSTINGS_LOCK = "vigia:postings"
_CHUNK = 200  # bound parameters per query stay well under SQLite's limit
#: New postings matched between two yields to the event loop: matching a 20,000-posting
#: poll is pure Python (~25 µs a posting), and done in one go it held the loop ~0.5-0.7 s
#: (Telegram's long polling, the scheduler, /legit all waited). 250 is a few milliseconds.
MATCH_SLICE = 250

T = TypeVar("T")
#: A spelling: job, title, place and description (signature).
_SpellingKey = tuple[int, str, str, str]


def batch_ref(offset: int) -> int:
    """How `find_jobs` names the posting at `offset` of the batch being inserted, before it
    has an id: a negative number that `insert_postings` resolves."""
    return -(offset + 1)


class _Seen:
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


async def find_jobs(
    conn: Connection,
    postings: Sequence[Posting],
    keys: Sequence[JobKeys],
    *,
    since: float,
) -> list[int | None]:
    """For each new posting, the job it is another sighting of (see `sameness.same_job`),
    or None when it is a new job. Earlier postings of the batch count too, named by
    `batch_ref` until `insert_postings` (in the same transaction) gives them ids.

    Takes the postings lock for the rest of the transaction, so that two pollers storing
    the same job at once (on PostgreSQL, from two processes) do not both see it as new."""
    await conn.lock(POSTINGS_LOCK)
    jobs = _JobIndex()
    # A stored sighting matters only under the keys this batch looks up: with a common title,
    # every batch loads thousands of sightings, and indexing each under all its keys was
    # most of the work.
    # Each posting's lookups are worked out once, for the wanted set, its match and its add.
    # Worked out a slice at a time with the loop free between slices: for a 20,000-posting
    # poll, in one go, this held the loop 180-230 ms.
    lookups: list[list[Lookup]] = []
    wanted: set[Lookup] = set()
    for offset in range(0, len(keys), MATCH_SLICE):
        if offset:
            await asyncio.sleep(0)
        part = [_lookups(own) for own in keys[offset : offset + MATCH_SLICE]]
        lookups += part
        wanted.update(lookup for own in part for lookup in own)
    for seen in await _candidates(conn, keys, since=since):
        jobs.add(seen.job_id, seen.sources, seen.keys, _lookups(seen.keys), only=wanted)
    found: list[int | None] = []
    for offset, (posting, own, own_lookups) in enumerate(zip(postings, keys, lookups, strict=True)):
        if offset and offset % MATCH_SLICE == 0:
            # Inside the transaction, but the loop is free: other tasks run, and the
            # postings lock (and SQLite's write lock) keeps the batch's view of the jobs.
            await asyncio.sleep(0)
        job = jobs.match(posting.source, own, own_lookups)
        found.append(job)
        jobs.add(batch_ref(offset) if job is None else job, {posting.source}, own, own_lookups)
    return found


def _job_order(job_id: int) -> tuple[bool, int]:
    """Stored jobs first, oldest first; then the batch's own, in batch order."""
    return (job_id < 0, abs(job_id))


class _JobIndex:
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
        """One more sighting of `job_id` (`lookups` are `_lookups(keys)`); indexed only under
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
        `lookups`, `_lookups(own)`) is another sighting of."""
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


def _lookups(keys: JobKeys) -> list[Lookup]:
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


async def _candidates(conn: Connection, keys: Sequence[JobKeys], *, since: float) -> list[_Seen]:
    """Stored sightings seen since `since` that share a key with any of `keys`.

    The batch's distinct values are looked up, `_CHUNK` at a time, not the batch's keys a
    chunk at a time: a batch of 2,000 postings under a few common titles read every sighting
    of those titles (grouped) once per chunk of keys, ten times over.

    Those found by a title alone (a near-copy of the description under the same title) are
    the jobs' spellings (`_by_title`). Their company and link are left out: the same company,
    the link and the identity are looked up by their own clauses, with the whole row. A row
    found by two clauses comes twice, which adds nothing to the index."""
    columns = {"url": "url", "ident": "ident", "company": "company_key"}
    wanted: dict[str, set[str]] = defaultdict(set)
    titles: set[str] = set()
    for offset, own in enumerate(keys):
        if offset and offset % MATCH_SLICE == 0:
            await asyncio.sleep(0)  # the loop is free between slices, as in `find_jobs`
        # A description's near-copy is told by its title or its company (`same_job`).
        for field, value in (
            ("url", own.url),
            ("ident", own.ident),
            ("company", own.company if own.signature else ""),
        ):
            if value:
                wanted[field].add(value)
        if own.title and own.signature:
            titles.add(own.title)
    found: list[_Seen] = []
    for field, values in wanted.items():
        for chunk in _chunks(sorted(values)):
            marks = ",".join("?" * len(chunk))
            rows = await conn.fetchall(
                f"""SELECT job_id, source, url, company_key, title_key, place_key, signature
                    FROM sightings WHERE last_seen_at >= ? AND {columns[field]} IN ({marks})""",
                (since, *chunk),
            )
            found.extend(
                _Seen(
                    int(row["job_id"]),
                    row["source"],
                    JobKeys.of(
                        url=row["url"],
                        company=row["company_key"],
                        title=row["title_key"],
                        place=row["place_key"],
                        signature=row["signature"],
                    ),
                )
                for row in rows
            )
    found.extend(await _by_title(conn, sorted(titles), since=since))
    return found


async def _by_title(conn: Connection, titles: Sequence[str], *, since: float) -> list[_Seen]:
    """The spellings with one of `titles` that were seen since `since`, each with the first
    and last of the sources that showed it there (two of them tell "not only one").

    A spelling whose every sighting was last seen since `since` (its `seen_from`, a lower
    bound, says so) is read as it is; the others (some sighting went unseen for nearly the
    horizon and is not pruned yet: rare) are grouped again from their sightings within it,
    so the answer is the same as grouping every sighting of those titles."""
    found: list[_Seen] = []
    stale: set[_SpellingKey] = set()
    for chunk in _chunks(titles):
        rows = await conn.fetchall(
            f"""SELECT job_id, title_key, place_key, signature, first_source, last_source,
                       seen_from
                FROM sighting_spellings WHERE title_key IN ({",".join("?" * len(chunk))})""",
            chunk,
        )
        for row in rows:
            if row["seen_from"] < since:
                stale.add(_spelling_key(row))
            else:
                found.append(_spelling(row))
    for jobs in _chunks(sorted({job_id for job_id, *_ in stale})):
        rows = await conn.fetchall(
            f"""SELECT job_id, title_key, place_key, signature,
                       MIN(source) AS first_source, MAX(source) AS last_source
                FROM sightings
                WHERE last_seen_at >= ? AND signature IS NOT NULL
                  AND job_id IN ({",".join("?" * len(jobs))})
                GROUP BY job_id, title_key, place_key, signature""",
            (since, *jobs),
        )
        found.extend(_spelling(row) for row in rows if _spelling_key(row) in stale)
    return found


def _spelling_key(row: Row) -> _SpellingKey:
    return (int(row["job_id"]), row["title_key"], row["place_key"], row["signature"])


def _spelling(row: Row) -> _Seen:
    """A spelling row as a sighting found by its title alone (no company, no link)."""
    return _Seen(
        int(row["job_id"]),
        row["first_source"],
        JobKeys.of(
            url="",
            company="",
            title=row["title_key"],
            place=row["place_key"],
            signature=row["signature"],
        ),
        sources=frozenset((row["first_source"], row["last_source"])),
    )


def _chunks(values: Sequence[T]) -> list[Sequence[T]]:
    """`values`, `_CHUNK` at a time (bound parameters per query)."""
    return [values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK)]


async def insert_sightings(
    conn: Connection,
    rows: Sequence[tuple[int, int, Posting, JobKeys]],
    *,
    now: float,
) -> None:
    """One sighting per (job id, posting id, posting, keys)."""
    await conn.executemany(
        """INSERT INTO sightings (job_id, posting_id, source, native_id, url, ident,
               company_key, title_key, place_key, signature, first_seen_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (source, native_id) DO NOTHING""",
        [
            (
                job_id,
                posting_id,
                posting.source,
                posting.native_id,
                keys.url,
                keys.ident,
                keys.company,
                keys.title,
                keys.place,
                keys.signature,
                now,
                now,
            )
            for job_id, posting_id, posting, keys in rows
        ],
    )
    await _add_spellings(conn, rows, now=now)


async def _add_spellings(
    conn: Connection, rows: Sequence[tuple[int, int, Posting, JobKeys]], *, now: float
) -> None:
    """The new sightings in their jobs' spellings (those found by title: with a title and a
    signature). Sent once a spelling and source; the store compares the sources itself, so
    first and last are the same order as `MIN`/`MAX` when a prune groups them again. Every
    row given is inserted: a sighting that already exists has its posting, which
    `insert_postings` (one statement earlier) would have refused."""
    spellings = {
        (job_id, keys.title, keys.place, keys.signature, posting.source): None
        for job_id, _, posting, keys in rows
        if keys.title and keys.signature
    }
    if not spellings:
        return
    await conn.executemany(
        """INSERT INTO sighting_spellings (job_id, title_key, place_key, signature,
               first_source, last_source, seen_from)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (title_key, job_id, place_key, signature) DO UPDATE SET
               first_source = CASE WHEN excluded.first_source < sighting_spellings.first_source
                   THEN excluded.first_source ELSE sighting_spellings.first_source END,
               last_source = CASE WHEN excluded.last_source > sighting_spellings.last_source
                   THEN excluded.last_source ELSE sighting_spellings.last_source END,
               seen_from = CASE WHEN excluded.seen_from < sighting_spellings.seen_from
                   THEN excluded.seen_from ELSE sighting_spellings.seen_from END""",
        [
            (job_id, title, place, signature, source, source, now)
            for job_id, title, place, signature, source in spellings
        ],
    )


async def touch(conn: Connection, source: str, native_ids: Sequence[str], *, now: float) -> None:
    """The postings `source` still lists were seen now: their sightings stay within the
    horizon for as long as they are up."""
    for start in range(0, len(native_ids), _CHUNK):
        chunk = native_ids[start : start + _CHUNK]
        await conn.execute(
            f"""UPDATE sightings SET last_seen_at = ?
                WHERE source = ? AND native_id IN ({",".join("?" * len(chunk))})""",
            (now, source, *chunk),
        )


#: A spelling's sightings (correlated with the `sighting_spellings` row being changed).
_OF_SPELLING = """FROM sightings s WHERE s.job_id = sighting_spellings.job_id
    AND s.title_key = sighting_spellings.title_key AND s.place_key = sighting_spellings.place_key
    AND s.signature = sighting_spellings.signature"""


async def prune(db: Database, *, before: float) -> int:
    """Forget sightings last seen before `before`; returns how many. The spellings that may
    have lost one (those with `seen_from` before it) are grouped again from the sightings
    left, or forgotten with their last one; afterwards every `seen_from` is exact."""
    async with db.transaction() as conn:
        await conn.lock(POSTINGS_LOCK)  # no poll adds to a spelling while it is regrouped
        pruned = await conn.execute("DELETE FROM sightings WHERE last_seen_at < ?", (before,))
        await conn.execute(
            f"""DELETE FROM sighting_spellings
                WHERE seen_from < ? AND NOT EXISTS (SELECT 1 {_OF_SPELLING})""",
            (before,),
        )
        await conn.execute(
            f"""UPDATE sighting_spellings SET
                    first_source = (SELECT MIN(s.source) {_OF_SPELLING}),
                    last_source = (SELECT MAX(s.source) {_OF_SPELLING}),
                    seen_from = (SELECT MIN(s.last_seen_at) {_OF_SPELLING})
                WHERE seen_from < ?""",
            (before,),
        )
    return pruned


async def sightings_of(
    conn: Connection | Database, job_ids: Sequence[int]
) -> dict[int, list[Sighting]]:
    """Each job's sightings, in the order they were seen, with their source's kind."""
    found: dict[int, list[Sighting]] = defaultdict(list)
    ids = sorted(set(job_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = await conn.fetchall(
            f"""SELECT sightings.job_id, sightings.source, sightings.url, sources.kind
                FROM sightings LEFT JOIN sources ON sources.name = sightings.source
                WHERE sightings.job_id IN ({",".join("?" * len(chunk))})
                ORDER BY sightings.first_seen_at, sightings.id""",
            chunk,
        )
        for row in rows:
            found[int(row["job_id"])].append(Sighting(row["source"], row["url"], row["kind"]))
    return dict(found)
