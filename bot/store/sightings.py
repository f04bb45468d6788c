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
pruned (`bot.store.spellings`). A batch reads the spellings of its titles, a few rows a
job, rather than every sighting with those titles (which grew with every board polled). The
matching itself is an index of the batch's candidate jobs (`bot.store.job_index`).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from bot.models import Posting, Sighting
from bot.postings.sameness import JobKeys
from bot.store.database import Connection, Database, chunked
from bot.store.job_index import JobIndex, Lookup, Seen, lookups_of
from bot.store.spellings import add_spellings, by_title, regroup_spellings

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
#: New postings matched between two yields to the event loop: matching a 20,000-posting
#: poll is pure Python (~25 µs a posting), and done in one go it held the loop ~0.5-0.7 s
#: (Telegram's long polling, the scheduler, /legit all waited). 250 is a few milliseconds.
MATCH_SLICE = 250


def batch_ref(offset: int) -> int:
    """How `find_jobs` names the posting at `offset` of the batch being inserted, before it
    has an id: a negative number that `insert_postings` resolves."""
    return -(offset + 1)


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
    jobs = JobIndex()
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
        part = [lookups_of(own) for own in keys[offset : offset + MATCH_SLICE]]
        lookups += part
        wanted.update(lookup for own in part for lookup in own)
    for seen in await _candidates(conn, keys, since=since):
        jobs.add(seen.job_id, seen.sources, seen.keys, lookups_of(seen.keys), only=wanted)
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


async def _candidates(conn: Connection, keys: Sequence[JobKeys], *, since: float) -> list[Seen]:
    """Stored sightings seen since `since` that share a key with any of `keys`.

    The batch's distinct values are looked up, `chunked`, not the batch's keys a
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
    found: list[Seen] = []
    for field, values in wanted.items():
        for chunk in chunked(sorted(values)):
            marks = ",".join("?" * len(chunk))
            rows = await conn.fetchall(
                f"""SELECT job_id, source, url, company_key, title_key, place_key, signature
                    FROM sightings WHERE last_seen_at >= ? AND {columns[field]} IN ({marks})""",
                (since, *chunk),
            )
            found.extend(
                Seen(
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
    found.extend(await by_title(conn, sorted(titles), since=since))
    return found


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
    await add_spellings(conn, rows, now=now)


async def touch(conn: Connection, source: str, native_ids: Sequence[str], *, now: float) -> None:
    """The postings `source` still lists were seen now: their sightings stay within the
    horizon for as long as they are up."""
    for chunk in chunked(native_ids):
        await conn.execute(
            f"""UPDATE sightings SET last_seen_at = ?
                WHERE source = ? AND native_id IN ({",".join("?" * len(chunk))})""",
            (now, source, *chunk),
        )


async def prune(db: Database, *, before: float) -> int:
    """Forget sightings last seen before `before`; returns how many. The spellings that may
    have lost one are grouped again (`bot.store.spellings.regroup_spellings`)."""
    async with db.transaction() as conn:
        await conn.lock(POSTINGS_LOCK)  # no poll adds to a spelling while it is regrouped
        pruned = await conn.execute("DELETE FROM sightings WHERE last_seen_at < ?", (before,))
        await regroup_spellings(conn, before=before)
    return pruned


async def sightings_of(
    conn: Connection | Database, job_ids: Sequence[int]
) -> dict[int, list[Sighting]]:
    """Each job's sightings, in the order they were seen, with their source's kind."""
    found: dict[int, list[Sighting]] = defaultdict(list)
    ids = sorted(set(job_ids))
    for chunk in chunked(ids):
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
