"""The jobs' spellings (`sighting_spellings`): a job's sightings grouped by title, place and
description, with the first and last of the sources that showed them and a time no later
than the oldest of their last sightings. A near-copy of a description is looked up by title,
and with a common title a job may have been seen on hundreds of boards; a batch reads a few
spelling rows a job instead (`bot.store.sightings`). Written with the sightings, grouped again
when they are pruned.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Posting
from bot.postings.sameness import JobKeys
from bot.store.database import Connection, Row, chunked
from bot.store.job_index import Seen

__all__ = ["add_spellings", "by_title", "regroup_spellings"]

#: A spelling: job, title, place and description (signature).
_SpellingKey = tuple[int, str, str, str]


async def by_title(conn: Connection, titles: Sequence[str], *, since: float) -> list[Seen]:
    """The spellings with one of `titles` that were seen since `since`, each with the first
    and last of the sources that showed it there (two of them tell "not only one").

    A spelling whose every sighting was last seen since `since` (its `seen_from`, a lower
    bound, says so) is read as it is; the others (some sighting went unseen for nearly the
    horizon and is not pruned yet: rare) are grouped again from their sightings within it,
    so the answer is the same as grouping every sighting of those titles."""
    found: list[Seen] = []
    stale: set[_SpellingKey] = set()
    for chunk in chunked(titles):
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
    for jobs in chunked(sorted({job_id for job_id, *_ in stale})):
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


def _spelling(row: Row) -> Seen:
    """A spelling row as a sighting found by its title alone (no company, no link)."""
    return Seen(
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


async def add_spellings(
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


#: A spelling's sightings (correlated with the `sighting_spellings` row being changed).
_OF_SPELLING = """FROM sightings s WHERE s.job_id = sighting_spellings.job_id
    AND s.title_key = sighting_spellings.title_key AND s.place_key = sighting_spellings.place_key
    AND s.signature = sighting_spellings.signature"""


async def regroup_spellings(conn: Connection, *, before: float) -> None:
    """After the sightings last seen before `before` were pruned: the spellings that may have
    lost one (`seen_from` before it) are grouped again from the sightings left, or forgotten
    with their last one; afterwards every `seen_from` is exact."""
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
