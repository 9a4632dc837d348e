"""Versioned schemas for both engines: numbered steps, and a ``schema_version`` table of those run.

A database records each step it has run, so a hub (or ``circle db copy``) brings an older one up
to date and refuses one written by a newer circlekeeper. SQLite's version 1 is the schema
``SQLiteLog`` has always made (it still marks its file with ``PRAGMA user_version`` as before);
PostgreSQL's version 1 is the same tables with PostgreSQL's types. Add a step by appending to
``SQLITE`` and ``POSTGRES``; never edit a step that has shipped.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING, NamedTuple

from server.store import StoreError
from server.store.sqlite import _GROUPS as _SQLITE_V2
from server.store.sqlite import _SCHEMA as _SQLITE_V1

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow


class Migration(NamedTuple):
    version: int
    description: str
    sql: str


_V2 = "recurring groups, their sessions, group notes and addenda"
SQLITE: tuple[Migration, ...] = (
    Migration(1, "sessions, events, commands, facilitators, audit, held shares", _SQLITE_V1),
    Migration(2, _V2, _SQLITE_V2),
)

_POSTGRES_V1 = """
CREATE TABLE sessions (
    id text PRIMARY KEY,
    code text NOT NULL,
    epoch text NOT NULL,
    secret text NOT NULL,
    created_at double precision NOT NULL,
    ended_at double precision
);
CREATE INDEX sessions_live_code ON sessions (code) WHERE ended_at IS NULL;
-- The log is the table: (session_id, seq) is the primary key, so of two writers that both
-- append seq N to a session exactly one commits.
CREATE TABLE events (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq bigint NOT NULL CHECK (seq > 0),
    audience text NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE TABLE commands (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    command_id text NOT NULL,
    PRIMARY KEY (session_id, command_id)
);
CREATE TABLE facilitators (
    account text PRIMARY KEY,
    password text NOT NULL,
    created_at double precision NOT NULL
);
-- Facilitator actions (never anonymous ones): id keeps entries of the same instant in order.
CREATE TABLE audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at double precision NOT NULL,
    account text NOT NULL,
    action text NOT NULL,
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX audit_session ON audit (session_id, at, id);
-- Anonymous shares waiting for their batch: a random key and the text, no author, no time.
-- The store rewrites a session's held rows in key order whenever one is added, so neither
-- their place in the heap nor their xmin says which came first; autovacuum clears the dead
-- versions at once instead of after the usual 20 % of the table.
CREATE TABLE mix (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    key bytea NOT NULL,
    text text NOT NULL,
    PRIMARY KEY (session_id, key)
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1);
"""

_POSTGRES_V2 = """
CREATE TABLE groups (
    id text PRIMARY KEY,
    name_key text NOT NULL UNIQUE,
    body bytea NOT NULL,
    created_at double precision NOT NULL
);
CREATE TABLE group_sessions (
    session_id text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    group_id text NOT NULL REFERENCES groups (id) ON DELETE CASCADE
);
CREATE INDEX group_sessions_group ON group_sessions (group_id);
-- Once signed_at is set a note never changes; later words are addenda, numbered in order.
CREATE TABLE notes (
    session_id text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    body bytea NOT NULL,
    updated_at double precision NOT NULL,
    signed_at double precision
);
CREATE TABLE addenda (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    n integer NOT NULL,
    at double precision NOT NULL,
    account text NOT NULL,
    text text NOT NULL,
    PRIMARY KEY (session_id, n)
);
"""

_POSTGRES_V3 = """
-- An open check-in's answers as counts per value, never who answered: several hubs serve one
-- session, so any of them can close it. Deleted when it closes (only the published
-- distribution stays) or the session ends.
CREATE TABLE tallies (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    checkin integer NOT NULL,
    value integer NOT NULL,
    n integer NOT NULL CHECK (n >= 0),
    PRIMARY KEY (session_id, checkin, value)
);
"""

POSTGRES: tuple[Migration, ...] = (
    Migration(1, "sessions, events, commands, facilitators, audit, held shares", _POSTGRES_V1),
    Migration(2, _V2, _POSTGRES_V2),
    # PostgreSQL only: on SQLite one hub keeps open check-ins in memory.
    Migration(3, "open check-in counts (several hubs)", _POSTGRES_V3),
)

_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version integer PRIMARY KEY,
    description text NOT NULL,
    applied_at double precision NOT NULL
)
"""
OUR_TABLES = (
    "sessions",
    "events",
    "commands",
    "facilitators",
    "audit",
    "mix",
    "groups",
    "group_sessions",
    "notes",
    "addenda",
)

_LOCK = 0x436B7072
"""Advisory lock key ("Ckpr"): hubs starting together take turns to migrate."""


def latest(steps: tuple[Migration, ...]) -> int:
    return steps[-1].version


# -- SQLite -----------------------------------------------------------------------------------


def _statements(script: str) -> list[str]:
    """A script split into statements (``executescript`` would commit our transaction)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        raise ValueError(f"incomplete statement: {pending!r}")
    return statements


def sqlite_version(db: sqlite3.Connection) -> int:
    """The last step run on the file (0: none recorded)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name='schema_version'").fetchone():
        return 0
    (version,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(version)


def migrate_sqlite(db: sqlite3.Connection, steps: tuple[Migration, ...] = SQLITE) -> int:
    """Run the steps the file lacks, each with its row in ``schema_version``, in one transaction.

    ``db`` must be in autocommit mode (``isolation_level=None``), as ``SQLiteLog`` opens it.
    Returns the version the file is at.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(_VERSION_TABLE)
        current = sqlite_version(db)
        if current > latest(steps):
            raise StoreError("The database was written by a newer circlekeeper.")
        for step in steps:
            if step.version > current:
                for statement in _statements(step.sql):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (?,?,?)",
                    (step.version, step.description, time.time()),
                )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return max(current, latest(steps))


# -- PostgreSQL -------------------------------------------------------------------------------


def postgres_version(conn: psycopg.Connection[TupleRow]) -> int | None:
    """The last step run on the database; None when it holds no circlekeeper schema at all."""
    (table,) = _one(conn, "SELECT to_regclass('schema_version') IS NOT NULL")
    if not table:
        return None
    (version,) = _one(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version")
    return int(version)


def check_postgres(conn: psycopg.Connection[TupleRow], where: str) -> None:
    """Refuse a database that is not ours, or is from a newer circlekeeper, without changing it."""
    version = postgres_version(conn)
    if version is None:
        raise StoreError(f"No circlekeeper records in {where} ('circle db copy' fills one).")
    if version > latest(POSTGRES):
        raise StoreError(f"{where} was written by a newer circlekeeper.")


def migrate_postgres(
    conn: psycopg.Connection[TupleRow],
    where: str,
    steps: tuple[Migration, ...] = POSTGRES,
) -> int:
    """Bring the database up to date in one transaction; returns its version.

    An advisory lock makes hubs that start together wait for each other rather than both
    creating the tables. A database that has tables named like ours but no ``schema_version``
    belongs to another program and is left alone.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        current = postgres_version(conn)
        if current is None:
            found = [name for name in OUR_TABLES if _one(conn, _EXISTS, (name,))[0]]
            if found:
                raise StoreError(
                    f"{where} has tables named like circlekeeper's ({', '.join(found)}) but no "
                    "schema_version: it belongs to another program."
                )
            conn.execute(_VERSION_TABLE)
            current = 0
        if current > latest(steps):
            raise StoreError(f"{where} was written by a newer circlekeeper.")
        for step in steps:
            if step.version > current:
                conn.execute(step.sql)
                conn.execute(
                    "INSERT INTO schema_version (version, description, applied_at) "
                    "VALUES (%s, %s, %s)",
                    (step.version, step.description, time.time()),
                )
    return max(current, latest(steps))


_EXISTS = "SELECT to_regclass(%s) IS NOT NULL"


def _one(conn: psycopg.Connection[TupleRow], sql: str, args: tuple[object, ...] = ()) -> TupleRow:
    row = conn.execute(sql, args).fetchone()
    assert row is not None
    return row
