"""Durable state: one module per table family, over one interface with two backends.

`Database` (bot.store.database) is what every table module talks to; `open_database` opens
SQLite for a file path (bot.store.sqlite, the default: one process) or PostgreSQL for a
`postgresql://` URL (bot.store.postgres: several processes on several machines). The same
numbered migrations (bot.store.migrations) build both schemas.
"""

from __future__ import annotations

from bot.store.database import Connection, Database, is_postgres_url, open_database

__all__ = ["Connection", "Database", "is_postgres_url", "open_database"]
