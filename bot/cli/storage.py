"""`python -m bot migrate` and `python -m bot copy-db SRC DST`: the store, by hand.

`migrate` applies the numbered migrations the configured database lacks (every process also
does this when it starts, so this is for doing it ahead of a rolling start). `copy-db` moves
a store to another engine, typically the SQLite file of one process to the PostgreSQL
database several will share.
"""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.i18n import t
from bot.store import open_database
from bot.store.copy import copy_database

__all__ = ["copy_db", "migrate"]


async def migrate(settings: Settings, database: str | None = None) -> int:
    db = await open_database(database or settings.storage.database, migrate=False, pool_size=1)
    try:
        applied = await db.migrate()
        version = await db.schema_version()
        target = db.target
    finally:
        await db.close()
    language = settings.console.language
    print(t("storage.migrate.done", language, count=len(applied), target=target, version=version))
    return 0


async def copy_db(settings: Settings, source_target: str, destination_target: str) -> int:
    language = settings.console.language
    source = await open_database(source_target, pool_size=2)
    try:
        destination = await open_database(destination_target, pool_size=2)
        try:
            await copy_database(
                source,
                destination,
                progress=lambda table, rows: print(
                    t("storage.copy.table", language, count=rows, table=table), file=sys.stdout
                ),
            )
            print(
                t(
                    "storage.copy.done",
                    language,
                    source=source.target,
                    destination=destination.target,
                )
            )
        finally:
            await destination.close()
    finally:
        await source.close()
    return 0
