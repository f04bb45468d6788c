"""`python -m bot backup FILE`: a consistent copy of the SQLite store, taken while the bot runs.

SQLite's online backup copies the database as one snapshot (a read transaction in WAL mode:
the running bot keeps writing meanwhile, and the copy holds either all or none of each of its
transactions). The copy is written beside FILE and renamed into place when whole, so FILE is
never a half-written database; an existing FILE is never overwritten. A PostgreSQL store is
backed up with the server's own tools (`pg_dump`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from bot.config import Settings
from bot.i18n import t
from bot.store.database import is_postgres_url

__all__ = ["backup"]

EXIT_USAGE = 2
#: How long the copy waits for the bot's write lock to be free between its steps.
BUSY_TIMEOUT_S = 30.0


async def backup(settings: Settings, destination: Path) -> int:
    language = settings.console.language
    source = settings.storage.database
    if is_postgres_url(source):
        print(t("backup.postgres", language), file=sys.stderr)
        return EXIT_USAGE
    try:
        size = await asyncio.to_thread(_copy, Path(source), destination)
    except FileExistsError:
        print(t("backup.exists", language, destination=destination), file=sys.stderr)
        return EXIT_USAGE
    except (OSError, sqlite3.Error) as error:
        print(t("backup.failed", language, problem=_problem(error)), file=sys.stderr)
        return 1
    print(t("backup.done", language, source=source, destination=destination, size=_size(size)))
    return 0


def _copy(source: Path, destination: Path) -> int:
    if destination.exists():
        raise FileExistsError(destination)
    if not source.is_file():
        raise FileNotFoundError(2, "no database file", str(source))
    partial = destination.with_name(f".{destination.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            (status,) = dst.execute("PRAGMA integrity_check").fetchone()
            if status != "ok":
                raise sqlite3.DatabaseError(f"the copy failed its integrity check: {status}")
        finally:
            dst.close()
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    finally:
        src.close()
    os.replace(partial, destination)
    return destination.stat().st_size


def _problem(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return f"{type(error).__name__}: {error}"


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"
