"""Durable state on SQLite through aiosqlite: one module per table family.

`Database` wraps the one connection a process uses. aiosqlite runs every statement on one
thread, but a transaction is connection state: two tasks interleaving `BEGIN`s on the same
connection would mix their writes. So every write goes through `Database.transaction()`,
which holds an asyncio lock for the length of the transaction.
"""

from __future__ import annotations

from bot.store.database import Database, open_database

__all__ = ["Database", "open_database"]
