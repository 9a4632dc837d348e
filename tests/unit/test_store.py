"""The embedded event log: gapless, durable, private, and careful with files that are not ours."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import sys
from contextlib import closing
from pathlib import Path

import pytest

from server.store import SessionRecord, Stored, StoreError
from server.store.sqlite import SQLiteLog, SQLiteStore


def record(session_id: str, code: str = "ACDEFG", at: float = 1.0) -> SessionRecord:
    return SessionRecord(id=session_id, code=code, epoch="e1", secret="s" * 64, created_at=at)


def body(n: int) -> bytes:
    return b'{"type":"share.discussed","share":%d}' % n


def test_append_numbers_each_session_from_one_without_gaps(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "db")
    assert log.create(record("a"), [("all", body(1))]) == [Stored(1, "all", body(1))]
    assert log.create(record("b", "CDEFGH"), []) == []
    assert [s.seq for s in log.append("a", [("all", body(2)), ("facilitators", body(3))])] == [2, 3]
    assert [s.seq for s in log.append("b", [("all", body(1))])] == [1]
    assert [s.seq for s in log.append("a", [("participant:p1", body(4))])] == [4]
    assert log.append("a", []) == []
    assert [s.seq for s in log.append("b", [("all", body(2))])] == [2]

    assert log.read("a") == [
        Stored(1, "all", body(1)),
        Stored(2, "all", body(2)),
        Stored(3, "facilitators", body(3)),
        Stored(4, "participant:p1", body(4)),
    ]
    assert [s.seq for s in log.read("b")] == [1, 2]
    log.close()


def test_read_after_returns_only_what_follows(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "db")
    log.create(record("a"), [("all", body(n)) for n in range(1, 6)])
    assert [s.seq for s in log.read("a", after=0)] == [1, 2, 3, 4, 5]
    assert [s.seq for s in log.read("a", after=3)] == [4, 5]
    assert log.read("a", after=5) == []
    assert log.read("a", after=99) == []
    assert log.read("unknown") == []
    log.close()


def test_a_failed_append_leaves_nothing_behind(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "db")
    log.create(record("a"), [("all", body(1))])
    log.append("a", [("all", body(2))], command_id="c1")
    with pytest.raises(sqlite3.IntegrityError):
        log.append("a", [("all", body(3))], command_id="c1")  # the same command twice
    with pytest.raises(sqlite3.IntegrityError):
        log.append("nobody", [("all", body(1))])  # no such session
    assert [s.seq for s in log.read("a")] == [1, 2]
    assert [s.seq for s in log.append("a", [("all", body(3))])] == [3]
    log.close()


def test_command_ids_and_the_end_of_a_session(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "db")
    log.create(record("a", "ACDEFG", at=1.0), [])
    log.create(record("b", "CDEFGH", at=2.0), [])
    assert log.command_ids("a") == set()
    log.append("a", [], command_id="c1")
    log.append("a", [("all", body(1))], command_id="c2")
    assert log.command_ids("a") == {"c1", "c2"}
    assert log.command_ids("b") == set()  # per session
    assert log.live_by_code("ACDEFG") == record("a", "ACDEFG", at=1.0)
    log.append("a", [("all", body(2))], ended_at=9.0)
    assert log.live_by_code("ACDEFG") is None
    assert log.get("a") == record("a", "ACDEFG", at=1.0)._replace(ended_at=9.0)
    assert [r.id for r in log.live_sessions()] == ["b"]
    assert [r.id for r in log.sessions()] == ["b", "a"]  # newest first
    log.close()


async def test_the_log_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db"
    store = SQLiteStore(path)
    await store.create(record("a"), [("all", body(1))])
    await store.append("a", [("all", body(2)), ("facilitators", body(3))], command_id="c1")
    before = await store.read("a")
    await store.close()

    again = SQLiteStore(path)
    assert await again.read("a") == before
    assert await again.command_ids("a") == {"c1"}
    assert await again.get("a") == record("a")
    assert [s.seq for s in await again.append("a", [("all", body(4))])] == [4]
    await again.close()

    with closing(sqlite3.connect(path)) as db:  # another process sees committed rows
        assert db.execute("SELECT max(seq) FROM events").fetchone() == (4,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


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


def open_descriptors_to(path: Path) -> int:
    fds = Path("/proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            if Path(os.readlink(fd)) == path:
                count += 1
        except OSError:
            continue
    return count


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
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "db")
    await store.create(record("a"), [])
    await store.create(record("b", "CDEFGH"), [])
    results = await asyncio.gather(
        *(store.append("a", [("all", body(n)), ("all", body(n))]) for n in range(20)),
        *(store.append("b", [("all", body(n))], command_id=f"c{n}") for n in range(10)),
        store.append("nobody", [("all", body(1))]),
        store.append("b", [("all", body(99))], command_id="c3"),  # a retry that slipped through
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
    assert isinstance(results[30], sqlite3.IntegrityError)
    assert isinstance(results[31], sqlite3.IntegrityError)
    assert [s.seq for s in await store.read("a")] == list(range(1, 41))
    assert [s.seq for s in await store.read("b")] == list(range(1, 11))
    assert await store.command_ids("b") == {f"c{n}" for n in range(10)}
    await store.close()
