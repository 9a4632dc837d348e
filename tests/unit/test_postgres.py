"""What only the PostgreSQL store has to prove, on a real server: several writers never both
store one seq, a committed append wakes listeners with (session, seq) and nothing more, every
connection commits synchronously, held shares keep no arrival order, and the schema is
versioned (a fresh database is migrated, a migrated one left alone, a newer or foreign one
refused). The URL setting and SQLite's version table are here too."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from server.store import AppendRequest, SeqConflict, SessionRecord, Stored, StoreError
from server.store.migrations import POSTGRES, SQLITE, latest, migrate_postgres, migrate_sqlite
from server.store.open import open_log, open_store, parse_database, redact
from server.store.postgres import CHANNEL, PostgresStore, parse_notification
from server.store.postgres_records import PostgresLog
from server.store.sqlite import SQLiteLog


def record(session_id: str = "a") -> SessionRecord:
    return SessionRecord(id=session_id, code="ACDEFG", epoch="e1", secret="s" * 64, created_at=1.0)


def body(n: int) -> bytes:
    return b'{"type":"share.discussed","share":%d}' % n


@pytest.fixture
async def hubs(pg_url: str) -> AsyncIterator[tuple[PostgresStore, PostgresStore]]:
    """Two stores on one database, as two hub processes would have."""
    one = await PostgresStore.connect(pg_url)
    two = await PostgresStore.connect(pg_url)
    yield one, two
    await one.close()
    await two.close()


async def test_of_two_writers_expecting_the_same_seq_exactly_one_wins(
    hubs: tuple[PostgresStore, PostgresStore],
) -> None:
    one, two = hubs
    await one.create(record(), [("all", body(1))])
    attempts = [
        store.append(
            AppendRequest("a", [("all", body(10 + n)), ("all", body(20 + n))]), expected_seq=1
        )
        for n, store in enumerate([one, two] * 5)
    ]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    won = [r for r in results if isinstance(r, list)]
    assert len(won) == 1, results
    assert all(isinstance(r, SeqConflict) for r in results if r is not won[0])
    stored = await two.read("a")
    assert [s.seq for s in stored] == [1, 2, 3]  # no gap, and the loser left nothing
    assert stored[1:] == won[0]


async def test_writers_that_re_read_and_retry_make_one_gapless_log(
    hubs: tuple[PostgresStore, PostgresStore],
) -> None:
    """The loop phase 2's hubs run: decide on what you have read, append expecting it, and on
    a conflict read again and decide again."""
    one, two = hubs
    await one.create(record(), [])
    conflicts = 0

    async def writer(store: PostgresStore, name: str, count: int) -> None:
        nonlocal conflicts
        for n in range(count):
            while True:
                last = await store.last_seq("a")
                try:
                    await store.append(
                        AppendRequest("a", [("all", b'"%s-%d"' % (name.encode(), n))]),
                        expected_seq=last,
                    )
                    break
                except SeqConflict:
                    conflicts += 1

    await asyncio.gather(
        writer(one, "x", 40), writer(two, "y", 40), writer(one, "z", 40), writer(two, "w", 40)
    )
    stored = await one.read("a")
    assert [s.seq for s in stored] == list(range(1, 161))
    assert len({s.body for s in stored}) == 160  # no command stored twice
    for name in "xyzw":  # each writer's own appends keep its order
        mine = [s.body for s in stored if s.body.startswith(b'"' + name.encode())]
        assert mine == [b'"%s-%d"' % (name.encode(), n) for n in range(40)]
    assert conflicts > 0, "the writers never raced: this test would not notice a lost update"


async def test_the_primary_key_refuses_a_second_row_for_a_seq(pg_url: str) -> None:
    store = await PostgresStore.connect(pg_url)
    await store.create(record(), [("all", body(1))])
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(
            "INSERT INTO events (session_id, seq, audience, body) VALUES ('a', 1, 'all', '')"
        )
    await store.close()


async def test_a_committed_append_notifies_its_session_and_seq_only(pg_url: str) -> None:
    store = await PostgresStore.connect(pg_url)
    async with await psycopg.AsyncConnection.connect(pg_url, autocommit=True) as listener:
        await listener.execute(f"LISTEN {CHANNEL}")
        await store.create(record(), [("all", body(1))])
        await store.append(
            AppendRequest("a", [("all", body(2)), ("all", body(3))], command_id="c1")
        )
        await store.append(
            AppendRequest("a", [], command_id="c2", mixed=["held"])
        )  # no event, no wake-up
        with pytest.raises(SeqConflict):  # rolled back: nothing to wake anyone for
            await store.append(AppendRequest("a", [("all", body(9))]), expected_seq=1)
        await store.append(AppendRequest("a", [("facilitators", body(4))]), expected_seq=3)
        payloads = [n.payload async for n in listener.notifies(timeout=1.0, stop_after=4) if n]
    assert payloads == ["a 1", "a 3", "a 4"]
    assert [parse_notification(p) for p in payloads] == [("a", 1), ("a", 3), ("a", 4)]
    await store.close()


async def test_every_connection_commits_synchronously(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as admin:  # even on a database set otherwise
        alter = sql.SQL("ALTER DATABASE {} SET synchronous_commit = off")
        admin.execute(alter.format(sql.Identifier(admin.info.dbname)))
    store = await PostgresStore.connect(pg_url, min_size=2, max_size=2)
    async with store._pool.connection() as conn:
        row = await (await conn.execute("SHOW synchronous_commit")).fetchone()
    assert row == ("on",)
    await store.close()


async def test_held_shares_keep_no_arrival_order_in_the_table(pg_url: str) -> None:
    """Each row's transaction id and place in the heap would say which share came first;
    after each addition every held row has the same transaction and sits in key order."""
    store = await PostgresStore.connect(pg_url)
    await store.create(record(), [])
    for n in range(5):
        await store.append(AppendRequest("a", [], command_id=f"h{n}", mixed=[f"share {n}"]))
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT xmin::text, key FROM mix ORDER BY ctid").fetchall()
    assert len(rows) == 5
    assert len({xmin for xmin, _ in rows}) == 1
    assert [key for _, key in rows] == sorted(key for _, key in rows)
    await store.close()


def test_a_fresh_database_is_migrated_and_a_second_run_changes_nothing(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrate_postgres(conn, "test") == latest(POSTGRES) == len(POSTGRES)
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        assert tables >= {"schema_version", "sessions", "events", "commands", "facilitators",
                          "audit", "mix", "groups", "group_sessions", "notes",
                          "addenda"}  # fmt: skip
        assert migrate_postgres(conn, "test") == latest(POSTGRES)
        rows = conn.execute("SELECT version, description FROM schema_version").fetchall()
        assert rows == [(step.version, step.description) for step in POSTGRES]


async def test_stores_opening_together_migrate_once(pg_url: str) -> None:
    stores = await asyncio.gather(*(PostgresStore.connect(pg_url) for _ in range(4)))
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == (len(POSTGRES),)
    for store in stores:
        await store.close()


def test_a_newer_or_foreign_database_is_refused_and_left_alone(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE events (what text)")
        with pytest.raises(StoreError, match="another program"):
            migrate_postgres(conn, "test")
        assert conn.execute("SELECT to_regclass('schema_version')").fetchone() == (None,)
        conn.execute("DROP TABLE events")
        migrate_postgres(conn, "test")
        conn.execute("INSERT INTO schema_version VALUES (99, 'from the future', 0)")
        with pytest.raises(StoreError, match="newer"):
            migrate_postgres(conn, "test")
    with pytest.raises(StoreError, match="newer"):
        PostgresLog(pg_url)


def test_looking_at_an_empty_database_does_not_create_tables(pg_url: str) -> None:
    with pytest.raises(StoreError, match="No circlekeeper records"):
        open_log(pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('schema_version')").fetchone() == (None,)
    log = open_log(pg_url, create=True)  # adding the first account makes them
    assert log.sessions() == []
    log.close()


def test_an_unreachable_database_is_one_line_naming_it_without_the_password(
    tmp_path: Path,
) -> None:
    url = f"postgresql://dana:secret@/nowhere?host={tmp_path}&port=1"
    with pytest.raises(StoreError) as raised:
        PostgresLog(url)
    assert "secret" not in str(raised.value) and "nowhere" in str(raised.value)
    assert redact("postgresql://dana:secret@db.example:5433/circle") == (
        "postgresql://dana@db.example:5433/circle"
    )


async def test_sqlite_records_its_schema_version_and_refuses_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite3"
    store = await open_store(f"sqlite:{path}")
    await store.create(record(), [("all", body(1))])
    await store.close()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        steps = [(step.version,) for step in SQLITE]
        assert db.execute("SELECT version FROM schema_version").fetchall() == steps
        assert migrate_sqlite(db) == latest(SQLITE)  # again: nothing to do
        assert db.execute("SELECT count(*) FROM schema_version").fetchone() == (len(SQLITE),)
        db.execute("INSERT INTO schema_version VALUES (99, 'from the future', 0)")
        with pytest.raises(StoreError, match="newer"):
            migrate_sqlite(db)
    log = SQLiteLog(path)  # the file is still what SQLiteLog has always read
    assert log.read("a") == [Stored(1, "all", body(1))]
    log.close()


def test_a_database_setting_names_its_engine() -> None:
    assert parse_database("sqlite:/var/lib/circle.db") == ("sqlite", "/var/lib/circle.db")
    assert parse_database("sqlite:///var/lib/circle.db") == ("sqlite", "/var/lib/circle.db")
    assert parse_database("sqlite:hub.db") == ("sqlite", "hub.db")
    assert parse_database("hub.db") == ("sqlite", "hub.db")
    assert parse_database(Path("postgresql:x")) == ("sqlite", "postgresql:x")
    url = "postgresql://circle@db.example/circle"
    assert parse_database(url) == ("postgresql", url)
    assert parse_database("postgres://h/d") == ("postgresql", "postgres://h/d")
    for bad in ("mysql://h/d", "sqlite:", ""):
        with pytest.raises(StoreError):
            parse_database(bad)
