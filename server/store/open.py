"""Which engine a database setting names, and opening it: the one place that decides.

A setting is ``sqlite:PATH``, a plain file path (SQLite, the default) or ``postgresql://…``
(also ``postgres://``). The PostgreSQL modules are imported only when one is named, so a hub
on SQLite runs without psycopg installed.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from server.store import RecordLog, Store, StoreError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Database(NamedTuple):
    engine: Literal["sqlite", "postgresql"]
    target: str
    """The file path (SQLite) or the connection URL (PostgreSQL)."""


def parse_database(url: str | Path) -> Database:
    """The engine and target a setting names; anything else is a ``StoreError`` that says
    what is accepted."""
    text = str(url)
    if isinstance(url, Path):
        return Database("sqlite", text)
    if text.startswith(POSTGRES_SCHEMES):
        return Database("postgresql", text)
    if text.startswith("sqlite:"):
        path = text.removeprefix("sqlite:")
        path = path.removeprefix("//")  # sqlite:///abs/file as well as sqlite:/abs/file
        if not path:
            raise StoreError(f"{text!r} names no file: write sqlite:PATH.")
        return Database("sqlite", path)
    if _SCHEME.match(text):
        raise StoreError(
            f"{text.split('://')[0]}:// is not a database we use: give a file path, "
            "sqlite:PATH or postgresql://USER@HOST/DATABASE."
        )
    if not text:
        raise StoreError("The database setting is empty.")
    return Database("sqlite", text)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))


async def open_store(url: str | Path) -> Store:
    """The hub's store for a database setting, with its schema brought up to date."""
    database = parse_database(url)
    if database.engine == "postgresql":
        from server.store.postgres import PostgresStore

        return await PostgresStore.connect(database.target)
    from server.store.sqlite import SQLiteStore

    store = SQLiteStore(database.target)
    try:
        upgrade_sqlite(Path(database.target))
    except BaseException:
        await store.close()
        raise
    return store


def upgrade_sqlite(path: Path) -> int:
    """Record the file's schema steps in ``schema_version`` (after ``SQLiteLog`` opened it)."""
    from server.store.migrations import migrate_sqlite

    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        return migrate_sqlite(db)


def open_log(url: str | Path, *, create: bool = False) -> RecordLog:
    """The records for review, exports and the CLI. Looking never creates a database;
    ``create`` does (adding the first account)."""
    database = parse_database(url)
    if database.engine == "postgresql":
        from server.store.postgres_records import PostgresLog

        return PostgresLog(database.target, create=create)
    from server.store.sqlite import SQLiteLog

    return SQLiteLog(database.target, create=create)
