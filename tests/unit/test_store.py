"""The event log on both engines: gapless, durable, private, and careful with files that are not
ours. Every test taking ``engine`` runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.store import (
    AppendRequest,
    AuditEntry,
    RecordLog,
    SessionRecord,
    Store,
    Stored,
    StoreError,
)
from server.store.open import open_log, open_store
from server.store.sqlite import SQLiteLog, SQLiteStore


def record(session_id: str, code: str = "ACDEFG", at: float = 1.0) -> SessionRecord:
    return SessionRecord(id=session_id, code=code, epoch="e1", secret="s" * 64, created_at=at)


def body(n: int) -> bytes:
    return b'{"type":"share.discussed","share":%d}' % n


@dataclass
class Engine:
    """One engine under test: its database URL and the error its driver raises for a broken
    constraint (a command id twice, a session that does not exist)."""

    name: str
    url: str
    integrity: type[Exception]

    def log(self) -> RecordLog:
        return open_log(self.url, create=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return Engine("sqlite", f"sqlite:{tmp_path / 'db'}", sqlite3.IntegrityError)
    import psycopg

    url: str = request.getfixturevalue("pg_url")
    return Engine("postgresql", url, psycopg.IntegrityError)


@pytest.fixture
async def store(engine: Engine) -> AsyncIterator[Store]:
    opened = await open_store(engine.url)
    yield opened
    await opened.close()


async def test_append_numbers_each_session_from_one_without_gaps(store: Store) -> None:
    assert await store.create(record("a"), [("all", body(1))]) == [Stored(1, "all", body(1))]
    assert await store.create(record("b", "CDEFGH"), []) == []
    two = await store.append(AppendRequest("a", [("all", body(2)), ("facilitators", body(3))]))
    assert [s.seq for s in two] == [2, 3]
    assert [s.seq for s in await store.append(AppendRequest("b", [("all", body(1))]))] == [1]
    assert [
        s.seq for s in await store.append(AppendRequest("a", [("participant:p1", body(4))]))
    ] == [4]
    assert await store.append(AppendRequest("a", [])) == []
    assert [s.seq for s in await store.append(AppendRequest("b", [("all", body(2))]))] == [2]

    assert await store.read("a") == [
        Stored(1, "all", body(1)),
        Stored(2, "all", body(2)),
        Stored(3, "facilitators", body(3)),
        Stored(4, "participant:p1", body(4)),
    ]
    assert [s.seq for s in await store.read("b")] == [1, 2]


async def test_read_after_returns_only_what_follows(store: Store) -> None:
    await store.create(record("a"), [("all", body(n)) for n in range(1, 6)])
    assert [s.seq for s in await store.read("a", after=0)] == [1, 2, 3, 4, 5]
    assert [s.seq for s in await store.read("a", after=3)] == [4, 5]
    assert await store.read("a", after=5) == []
    assert await store.read("a", after=99) == []
    assert await store.read("unknown") == []


async def test_a_failed_append_leaves_nothing_behind(engine: Engine, store: Store) -> None:
    await store.create(record("a"), [("all", body(1))])
    await store.append(AppendRequest("a", [("all", body(2))], command_id="c1"))
    with pytest.raises(engine.integrity):
        await store.append(
            AppendRequest("a", [("all", body(3))], command_id="c1")
        )  # the same command twice
    with pytest.raises(engine.integrity):
        await store.append(AppendRequest("nobody", [("all", body(1))]))  # no such session
    assert [s.seq for s in await store.read("a")] == [1, 2]
    assert [s.seq for s in await store.append(AppendRequest("a", [("all", body(3))]))] == [3]


async def test_command_ids_and_the_end_of_a_session(engine: Engine, store: Store) -> None:
    await store.create(record("a", "ACDEFG", at=1.0), [])
    await store.create(record("b", "CDEFGH", at=2.0), [])
    assert await store.command_ids("a") == set()
    await store.append(AppendRequest("a", [], command_id="c1"))
    await store.append(AppendRequest("a", [("all", body(1))], command_id="c2"))
    assert await store.command_ids("a") == {"c1", "c2"}
    assert await store.command_ids("b") == set()  # per session
    assert await store.live_by_code("ACDEFG") == record("a", "ACDEFG", at=1.0)
    await store.append(AppendRequest("a", [("all", body(2))], ended_at=9.0))
    assert await store.live_by_code("ACDEFG") is None
    assert await store.latest_by_code("ACDEFG") == record("a", at=1.0)._replace(ended_at=9.0)
    assert await store.get("a") == record("a", "ACDEFG", at=1.0)._replace(ended_at=9.0)
    assert [r.id for r in await store.live_sessions()] == ["b"]
    log = engine.log()
    assert [r.id for r in log.sessions()] == ["b", "a"]  # newest first
    assert [r.id for r in log.sessions_before(5.0)] == ["b"]  # a ended at 9
    log.close()


async def test_held_shares_code_changes_audit_and_forgotten_text(
    engine: Engine, store: Store
) -> None:
    """Everything else an append carries, read back the same way on both engines."""
    share = b'{"type":"share.submitted","share":1,"text":"it was hard"}'
    await store.create(record("a"), [], audit=[AuditEntry(1.0, "dana", "session created")])
    await store.append(AppendRequest("a", [], command_id="h1", mixed=["first"]))
    await store.append(AppendRequest("a", [], command_id="h2", mixed=["second", "third"]))
    held = await store.pending("a")
    assert sorted(p.text for p in held) == ["first", "second", "third"]
    assert [p.key for p in held] == sorted(p.key for p in held)  # key order, not arrival
    assert len({p.key for p in held}) == 3 and all(len(p.key) == 16 for p in held)
    await store.append(
        AppendRequest(
            "a",
            [("facilitators", share)],
            released=[held[0].key, held[1].key],
            audit=[AuditEntry(2.0, "dana", "code changed", "why")],
            code="CDEFGH",
        )
    )
    assert await store.pending("a") == [held[2]]
    assert await store.live_by_code("ACDEFG") is None
    assert (await store.live_by_code("CDEFGH")) == record("a", "CDEFGH")
    await store.append(AppendRequest("a", [("all", body(2))], ended_at=5.0, forget_share_text=True))
    [first, second] = await store.read("a")
    assert first.body == b'{"type":"share.submitted","share":1,"text":""}'
    assert second.body == body(2)  # a share event without text is left as it was
    log = engine.log()
    assert log.audit("a") == [
        AuditEntry(1.0, "dana", "session created", ""),
        AuditEntry(2.0, "dana", "code changed", "why"),
    ]
    log.add_audit("a", AuditEntry(3.0, "sam", "export made", "md"))
    assert [e.account for e in log.audit("a")] == ["dana", "dana", "sam"]
    assert log.command_ids("a") == {"h1", "h2"}
    assert log.pending("a") == [held[2]]
    log.close()


async def test_accounts_and_deleting_sessions(engine: Engine, store: Store) -> None:
    log = engine.log()
    assert log.add_facilitator("dana", "hash1", 1.0)
    assert not log.add_facilitator("dana", "hash2", 2.0)
    assert log.add_facilitator("alex", "hash3", 3.0)
    assert log.set_password("dana", "hash4") and not log.set_password("nobody", "x")
    assert await store.password_hash("dana") == "hash4"
    assert await store.password_hash("nobody") is None
    assert await store.accounts() == {"dana", "alex"}
    assert log.facilitators() == [("alex", 3.0), ("dana", 1.0)]
    assert log.remove_facilitator("alex") and not log.remove_facilitator("alex")

    await store.create(record("a"), [("all", body(1)), ("all", body(2))])
    await store.append(AppendRequest("a", [], command_id="c1", mixed=["held"]))
    await store.create(record("b", "CDEFGH", at=2.0), [("all", body(1))])
    assert log.delete_sessions(["a"]) == 2
    assert log.compact()
    assert await store.get("a") is None and await store.read("a") == []
    assert await store.command_ids("a") == set() and await store.pending("a") == []
    assert [r.id for r in log.sessions()] == ["b"]
    log.close()


async def test_the_log_survives_reopening(engine: Engine) -> None:
    store = await open_store(engine.url)
    await store.create(record("a"), [("all", body(1))])
    await store.append(
        AppendRequest("a", [("all", body(2)), ("facilitators", body(3))], command_id="c1")
    )
    before = await store.read("a")
    await store.close()

    again = await open_store(engine.url)
    assert await again.read("a") == before
    assert await again.command_ids("a") == {"c1"}
    assert await again.get("a") == record("a")
    assert [s.seq for s in await again.append(AppendRequest("a", [("all", body(4))]))] == [4]
    await again.close()


async def test_committed_rows_are_in_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "db"
    store = SQLiteStore(path)
    await store.create(record("a"), [("all", body(1))])
    await store.append(AppendRequest("a", [("all", body(2))]))
    with closing(sqlite3.connect(path)) as db:  # another process sees committed rows
        assert db.execute("SELECT max(seq) FROM events").fetchone() == (2,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    await store.close()


def test_the_sqlite_log_is_a_record_log(tmp_path: Path) -> None:
    log: RecordLog = SQLiteLog(tmp_path / "db")  # what review and exports read, typed
    assert log.sessions() == []
    log.close()


def test_the_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "circle.sqlite3"
    log = SQLiteLog(path)
    log.create(record("a"), [("all", body(1))])
    for file in [path, *path.parent.glob(path.name + "-*")]:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    log.close()


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        SQLiteLog(tmp_path / "absent", create=False)
    assert not (tmp_path / "absent").exists()


def open_files() -> list[str]:
    """What this process has open, as /proc names it."""
    targets = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:
            continue
    return targets


def open_descriptors_to(path: Path) -> int:
    return sum(1 for target in open_files() if Path(target) == path)


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('mine')")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        SQLiteLog(path)
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()
    if sys.platform == "linux":
        assert open_descriptors_to(path) == 0


def test_a_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    junk = b"this is not a database\n" * 300
    path.write_bytes(junk)
    with pytest.raises(StoreError, match="not a circlekeeper database"):
        SQLiteLog(path)
    assert path.read_bytes() == junk
    if sys.platform == "linux":
        assert open_descriptors_to(path) == 0


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db"
    SQLiteLog(path).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(StoreError, match="newer"):
        SQLiteLog(path)


async def test_concurrent_appends_stay_gapless_and_one_failure_stays_alone(
    engine: Engine, store: Store
) -> None:
    await store.create(record("a"), [])
    await store.create(record("b", "CDEFGH"), [])
    results = await asyncio.gather(
        *(
            store.append(AppendRequest("a", [("all", body(n)), ("all", body(n))]))
            for n in range(20)
        ),
        *(
            store.append(AppendRequest("b", [("all", body(n))], command_id=f"c{n}"))
            for n in range(10)
        ),
        store.append(AppendRequest("nobody", [("all", body(1))])),
        store.append(
            AppendRequest("b", [("all", body(99))], command_id="c3")
        ),  # a retry that slipped through
        return_exceptions=True,
    )
    a_runs = [r for r in results[:20] if isinstance(r, list)]
    b_runs = [r for r in results[20:30] if isinstance(r, list)]
    assert len(a_runs) == 20 and len(b_runs) == 10
    a_seqs = [s.seq for run in a_runs for s in run]
    assert sorted(a_seqs) == list(range(1, 41))
    for run in a_runs:  # each append's events are consecutive
        assert [s.seq for s in run] == [run[0].seq, run[0].seq + 1]
    assert sorted(s.seq for run in b_runs for s in run) == list(range(1, 11))
    assert isinstance(results[30], engine.integrity)
    assert isinstance(results[31], engine.integrity)
    assert [s.seq for s in await store.read("a")] == list(range(1, 41))
    assert [s.seq for s in await store.read("b")] == list(range(1, 11))
    assert await store.command_ids("b") == {f"c{n}" for n in range(10)}


async def test_a_burst_larger_than_one_statement_is_stored_and_released_whole(
    store: Store,
) -> None:
    """A busy hour's batch: hundreds of shares in one commit, released in one append."""
    await store.create(record("a"), [])
    await store.create(record("b", "CDEFGH"), [])
    texts = [f"share {n}" for n in range(300)]
    await asyncio.gather(
        *(
            store.append(AppendRequest("ab"[n % 2], [], command_id=f"h{n}", mixed=[text]))
            for n, text in enumerate(texts)
        )
    )
    held = await store.pending("a")
    assert sorted(p.text for p in held) == sorted(texts[::2])
    assert len({p.key for p in held}) == 150
    bodies = [body(n) for n in range(len(held))]
    stored = await store.append(
        AppendRequest("a", [("facilitators", b) for b in bodies], released=[p.key for p in held])
    )
    assert [s.seq for s in stored] == list(range(1, 151))
    assert [s.body for s in await store.read("a")] == bodies
    assert await store.pending("a") == []
    assert sorted(p.text for p in await store.pending("b")) == sorted(texts[1::2])
    assert await store.command_ids("a") == {f"h{n}" for n in range(0, 300, 2)}


async def test_calls_run_in_the_order_made_and_one_failure_stays_with_its_caller(
    tmp_path: Path,
) -> None:
    """The SQLite store's one thread: appends not yet awaited are seen by a read made after
    them, and a call that raises leaves the thread serving the next."""
    store = SQLiteStore(tmp_path / "db")
    await store.create(record("a"), [])
    appends = [store.append(AppendRequest("a", [("all", body(n))])) for n in range(50)]
    reading = asyncio.ensure_future(store.read("a"))
    with pytest.raises(sqlite3.IntegrityError):  # no such session
        await store.append(AppendRequest("nobody", [("all", body(1))]))
    assert [s.seq for s in await reading] == list(range(1, 51))
    assert [run[0].seq for run in await asyncio.gather(*appends)] == list(range(1, 51))
    assert [s.seq for s in await store.read("a", after=49)] == [50]
    await store.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_held_shares_never_spill_into_a_temporary_file(tmp_path: Path) -> None:
    """A big commit among many held shares journals the pages each statement changes, in case
    it fails halfway, and ``compact`` copies the whole file. In a file in /var/tmp either would
    hold people's shares, left in free blocks once deleted; they stay in memory. The files are
    looked for while the statements run (SQLite deletes them as it opens them)."""
    log = SQLiteLog(tmp_path / "db")
    log.create(record("a"), [])
    seen: set[str] = set()

    def look() -> int:
        # SQLite's temporary files are named etilqs_*, and unlinked as soon as they are open.
        seen.update(target for target in open_files() if "etilqs_" in target)
        return 0  # go on

    log._db.set_progress_handler(look, 1000)
    for batch in range(4):  # many held shares on many pages, then commits across them
        requests = [
            AppendRequest("a", [], command_id=f"{batch}-{n}", mixed=[f"share {batch}-{n} " * 20])
            for n in range(500)
        ]
        assert all(not isinstance(r, Exception) for r in log.append_many(requests))
    assert len(log.pending("a")) == 2000
    assert log.compact()  # VACUUM's copy of the whole file
    assert seen == set()
    log.close()
