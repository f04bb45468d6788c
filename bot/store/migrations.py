"""Schema migrations, numbered by position: never edit a released one, append a new one.

One list serves both engines. Statements are written in SQLite's words; `for_dialect` turns
the few that PostgreSQL spells differently into its own (an auto-numbered `INTEGER PRIMARY
KEY` becomes an identity column, `REAL` becomes `DOUBLE PRECISION`, integers are 64-bit), so
a migration is written once and both schemas move together. A statement that cannot be
translated that way is a `Split` with one text per engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.store.database import Dialect


@dataclass(frozen=True, slots=True)
class Split:
    """One schema step that the two engines spell differently."""

    sqlite: str
    postgres: str


Statement = str | Split

MIGRATIONS: list[list[Statement]] = [
    # 1: the first schema
    [
        """CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            body_sha256 TEXT,
            last_poll_at REAL,
            last_status TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_poll_at REAL,
            postings_seen INTEGER NOT NULL DEFAULT 0,
            first_poll_done INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE postings (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            native_id TEXT NOT NULL,
            url TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            relevant INTEGER NOT NULL,
            duplicate_of INTEGER REFERENCES postings(id),
            data_json TEXT NOT NULL,
            first_seen_at REAL NOT NULL,
            UNIQUE (source, native_id)
        )""",
        "CREATE INDEX postings_by_url ON postings(url)",
        "CREATE INDEX postings_by_fingerprint ON postings(fingerprint)",
        """CREATE TABLE checks (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            url TEXT,
            summary TEXT NOT NULL DEFAULT '',
            posting_id INTEGER REFERENCES postings(id),
            verdict_json TEXT NOT NULL,
            note_json TEXT,
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX checks_by_posting ON checks(posting_id)",
        """CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            filter_json TEXT NOT NULL,
            language TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            config_key TEXT UNIQUE,
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX subscriptions_by_chat ON subscriptions(platform, chat_id)",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            posting_id INTEGER NOT NULL REFERENCES postings(id),
            subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            check_id INTEGER NOT NULL REFERENCES checks(id),
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            claimed_until REAL,
            message_id TEXT,
            last_error TEXT,
            created_at REAL NOT NULL,
            sent_at REAL,
            UNIQUE (posting_id, subscription_id)
        )""",
        "CREATE INDEX outbox_due ON outbox(status, next_attempt_at)",
        """CREATE TABLE link_checks (
            canonical_url TEXT PRIMARY KEY,
            checked_at REAL NOT NULL,
            report_json TEXT NOT NULL
        )""",
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            "user" TEXT NOT NULL,
            kind TEXT NOT NULL,
            check_id INTEGER REFERENCES checks(id),
            created_at REAL NOT NULL,
            UNIQUE (subject, "user")
        )""",
    ],
    # 2: a chat's chosen language outlives its subscriptions (and a private chat has none)
    [
        """CREATE TABLE chat_settings (
            platform TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            language TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id)
        )""",
    ],
    # 3: the text behind a check, and scam scripts confirmed by chat administrators
    [
        "ALTER TABLE checks ADD COLUMN body TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE known_scripts (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            label TEXT NOT NULL,
            check_id INTEGER REFERENCES checks(id),
            confirmed_by TEXT NOT NULL,
            added_at REAL NOT NULL
        )""",
    ],
    # 4: a message with several links is one check made of one check per link (and its text)
    [
        """CREATE TABLE check_items (
            check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            item_check_id INTEGER NOT NULL REFERENCES checks(id),
            PRIMARY KEY (check_id, position)
        )""",
    ],
    # 5: alerts at a chat's pace. A subscription's delivery mode ("instant", "daily 08:00",
    # "weekly mon 08:00") and its digest period (slots up to `digest_after` are done; the
    # next digest lists what came since `digest_since`); a chat's time zone; digests, each
    # page of which is one outbox row (no posting of its own) that the postings it lists
    # point at. SQLite cannot drop NOT NULL, so it rebuilds the outbox table.
    [
        "ALTER TABLE subscriptions ADD COLUMN delivery TEXT NOT NULL DEFAULT 'instant'",
        "ALTER TABLE subscriptions ADD COLUMN digest_after REAL",
        "ALTER TABLE subscriptions ADD COLUMN digest_since REAL",
        """CREATE TABLE chat_zones (
            platform TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            timezone TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id)
        )""",
        """CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            delivery TEXT NOT NULL,
            timezone TEXT NOT NULL,
            since_at REAL NOT NULL,
            slot_at REAL NOT NULL,
            page INTEGER NOT NULL,
            pages INTEGER NOT NULL,
            total INTEGER NOT NULL,
            created_at REAL NOT NULL
        )""",
        Split(
            sqlite="""CREATE TABLE outbox_new (
                id INTEGER PRIMARY KEY,
                posting_id INTEGER REFERENCES postings(id),
                subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                check_id INTEGER REFERENCES checks(id),
                digest_id INTEGER REFERENCES digests(id) ON DELETE CASCADE,
                status TEXT NOT NULL DEFAULT 'pending',
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL DEFAULT 0,
                claimed_until REAL,
                message_id TEXT,
                last_error TEXT,
                created_at REAL NOT NULL,
                sent_at REAL,
                UNIQUE (posting_id, subscription_id)
            )""",
            postgres="ALTER TABLE outbox ALTER COLUMN posting_id DROP NOT NULL",
        ),
        Split(
            sqlite="""INSERT INTO outbox_new (id, posting_id, subscription_id, check_id, status,
                    attempts, next_attempt_at, claimed_until, message_id, last_error,
                    created_at, sent_at)
                SELECT id, posting_id, subscription_id, check_id, status, attempts,
                    next_attempt_at, claimed_until, message_id, last_error, created_at, sent_at
                FROM outbox""",
            postgres="ALTER TABLE outbox ALTER COLUMN check_id DROP NOT NULL",
        ),
        Split(
            sqlite="DROP TABLE outbox",
            postgres=(
                "ALTER TABLE outbox ADD COLUMN digest_id BIGINT"
                " REFERENCES digests(id) ON DELETE CASCADE"
            ),
        ),
        Split(sqlite="ALTER TABLE outbox_new RENAME TO outbox", postgres="SELECT 1"),
        Split(
            sqlite="CREATE INDEX outbox_due ON outbox(status, next_attempt_at)",
            postgres="SELECT 1",
        ),
        "CREATE INDEX outbox_by_digest ON outbox(digest_id)",
        "CREATE INDEX outbox_by_subscription ON outbox(subscription_id, status)",
    ],
    # 6: several workers on one database. A source's poll is claimed by one worker (its
    # `next_poll_at` moves a lease ahead, so a dead worker's sources come due again when the
    # lease ends); each worker reports itself in `workers`; the platforms' send budgets
    # (`bot.delivery.pacing`) are shared in `send_budget`.
    [
        "ALTER TABLE sources ADD COLUMN claimed_by TEXT",
        "ALTER TABLE sources ADD COLUMN claimed_until REAL",
        "CREATE INDEX sources_due ON sources(next_poll_at)",
        """CREATE TABLE workers (
            id TEXT PRIMARY KEY,
            roles TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            started_at REAL NOT NULL,
            seen_at REAL NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE send_budget (
            key TEXT PRIMARY KEY,
            next_free REAL NOT NULL
        )""",
    ],
    # 7: one alert per job. Each place a job was seen (a posting on one source) is a
    # sighting of the job, which is the posting that was seen first (`job_id`); the keys
    # it is matched on are kept with it (`bot.postings.sameness`), and sightings not seen
    # again within the horizon are pruned. Postings stored before are backfilled as their
    # own sightings, matched by link only.
    [
        """CREATE TABLE sightings (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES postings(id),
            posting_id INTEGER NOT NULL REFERENCES postings(id),
            source TEXT NOT NULL,
            native_id TEXT NOT NULL,
            url TEXT NOT NULL,
            ident TEXT NOT NULL DEFAULT '',
            company_key TEXT NOT NULL DEFAULT '',
            title_key TEXT NOT NULL DEFAULT '',
            place_key TEXT NOT NULL DEFAULT '',
            signature TEXT,
            first_seen_at REAL NOT NULL,
            last_seen_at REAL NOT NULL,
            UNIQUE (source, native_id)
        )""",
        """INSERT INTO sightings (job_id, posting_id, source, native_id, url, first_seen_at,
               last_seen_at)
           SELECT COALESCE(duplicate_of, id), id, source, native_id, url, first_seen_at,
               first_seen_at
           FROM postings ORDER BY id""",
        "CREATE INDEX sightings_by_job ON sightings(job_id)",
        "CREATE INDEX sightings_by_url ON sightings(url)",
        "CREATE INDEX sightings_by_ident ON sightings(ident)",
        "CREATE INDEX sightings_by_company ON sightings(company_key)",
        "CREATE INDEX sightings_by_title ON sightings(title_key)",
        "CREATE INDEX sightings_by_last_seen ON sightings(last_seen_at)",
    ],
    # 8: source health. The short reason of a source's last failure (`bot.polling.health`),
    # and when a source that kept failing was disabled (polled again only once enabled).
    [
        "ALTER TABLE sources ADD COLUMN failure_reason TEXT",
        "ALTER TABLE sources ADD COLUMN disabled_at REAL",
    ],
    # 9: fenced claims. Each claim of outbox rows carries a fresh token; a sender records,
    # renews or hands back only rows that still hold its token, so a sender whose lease ran
    # out (and whose rows another sender took) cannot mark them sent.
    [
        "ALTER TABLE outbox ADD COLUMN claim_token TEXT",
    ],
    # 10: which worker holds an outbox claim (`python -m bot workers` lists it)
    [
        "ALTER TABLE outbox ADD COLUMN claimed_by TEXT",
    ],
    # 11: a job seen in another place after its alert was sent: the sent message is edited
    # to list it (`bot.store.edits`). One row a sent alert; `wanted` counts the changes
    # asked for, `done` the ones the last edit took in, claimed and fenced like the outbox.
    [
        """CREATE TABLE alert_edits (
            outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
            wanted INTEGER NOT NULL DEFAULT 1,
            done INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            claimed_until REAL,
            claim_token TEXT,
            claimed_by TEXT,
            last_error TEXT,
            created_at REAL NOT NULL,
            edited_at REAL,
            PRIMARY KEY (outbox_id)
        )""",
        "CREATE INDEX alert_edits_due ON alert_edits(status, next_attempt_at)",
    ],
    # 12: a job's spellings (`bot.store.sightings`): its sightings' title, place and
    # description, once each, with the sources that showed them. A poll's new postings are
    # matched by title against these, not against every sighting: with a common title a
    # job seen on hundreds of boards had each batch read back (and group) all of them.
    [
        """CREATE TABLE sighting_spellings (
            job_id INTEGER NOT NULL,
            title_key TEXT NOT NULL,
            place_key TEXT NOT NULL,
            signature TEXT NOT NULL,
            first_source TEXT NOT NULL,
            last_source TEXT NOT NULL,
            seen_from REAL NOT NULL,
            UNIQUE (title_key, job_id, place_key, signature)
        )""",
        """INSERT INTO sighting_spellings (job_id, title_key, place_key, signature,
               first_source, last_source, seen_from)
           SELECT job_id, title_key, place_key, signature, MIN(source), MAX(source),
               MIN(last_seen_at)
           FROM sightings WHERE signature IS NOT NULL AND title_key <> ''
           GROUP BY job_id, title_key, place_key, signature""",
        "CREATE INDEX sighting_spellings_by_seen ON sighting_spellings(seen_from)",
    ],
]


_POSTGRES_WORDS = [
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
]


def for_dialect(statement: Statement, dialect: Dialect) -> str:
    """The statement as `dialect` spells it."""
    if isinstance(statement, Split):
        return statement.sqlite if dialect == "sqlite" else statement.postgres
    if dialect == "sqlite":
        return statement
    for pattern, replacement in _POSTGRES_WORDS:
        statement = pattern.sub(replacement, statement)
    return statement


def pending(current: int, dialect: Dialect) -> list[tuple[int, list[str]]]:
    """The migrations above version `current`, numbered, as `dialect` spells them."""
    return [
        (version, [for_dialect(statement, dialect) for statement in statements])
        for version, statements in enumerate(MIGRATIONS, start=1)
        if version > current
    ]
