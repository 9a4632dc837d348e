"""The embedded store: one SQLite file in WAL mode with ``synchronous=FULL``.

FULL, not NORMAL: NORMAL can lose the last commits on power loss, and the hub has already told
the client they were accepted. SQLite calls are blocking, so the async wrapper runs them on one
dedicated thread, which also serialises writes.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ParamSpec, TypeVar

import msgspec

from server.store import (
    Addendum,
    Append,
    AppendRequest,
    AuditEntry,
    GroupRow,
    NoteRow,
    NoteSigned,
    Pending,
    SessionRecord,
    Stored,
    StoreError,
)
from server.store.writer import StoreThread

SCHEMA_VERSION = 3
APPLICATION_ID = 0x436B7072  # "Ckpr": marks the file as ours

P = ParamSpec("P")
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    epoch TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at REAL NOT NULL,
    ended_at REAL
);
CREATE INDEX IF NOT EXISTS sessions_live_code ON sessions(code) WHERE ended_at IS NULL;
CREATE TABLE IF NOT EXISTS events (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    audience TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commands (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    command_id TEXT NOT NULL,
    PRIMARY KEY (session_id, command_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facilitators (
    account TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at REAL NOT NULL,
    account TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_session ON audit(session_id, at);
-- Anonymous shares waiting for their batch. Keyed by a random key in a table without rowids, so
-- neither a row's place in the file nor any column says when it came or from whom.
CREATE TABLE IF NOT EXISTS mix (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key BLOB NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
) WITHOUT ROWID;
"""

_GROUPS = """
-- Recurring groups: each row's body is the group as JSON (name, template, co-facilitators,
-- roster); name_key keeps two groups from sharing a name.
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY,
    name_key TEXT NOT NULL UNIQUE,
    body BLOB NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS group_sessions (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS group_sessions_group ON group_sessions(group_id);
-- A session's group note; once signed_at is set it never changes (addenda follow it).
CREATE TABLE IF NOT EXISTS notes (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    body BLOB NOT NULL,
    updated_at REAL NOT NULL,
    signed_at REAL
);
CREATE TABLE IF NOT EXISTS addenda (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    at REAL NOT NULL,
    account TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (session_id, n)
) WITHOUT ROWID;
"""


_MOST_ROWS = 128
"""Rows in one statement at most: within SQLite's oldest limit of 999 parameters."""


@functools.cache
def _values(head: str, width: int, rows: int) -> str:
    one = "(" + ",".join("?" * width) + ")"
    return f"{head} VALUES {','.join([one] * rows)}"


def _insert(db: sqlite3.Connection, head: str, rows: Sequence[tuple[object, ...]]) -> None:
    """``executemany`` in as few statements as fit. SQLite lets go of the GIL for each step of
    a statement, which ``executemany`` takes once per row, and taking it back from a busy event
    loop costs far more than the row. Chunks of a power of two rows keep the statements few
    enough for the statement cache."""
    start = 0
    while start < len(rows):
        n = min(1 << ((len(rows) - start).bit_length() - 1), _MOST_ROWS)
        chunk = rows[start : start + n]
        db.execute(_values(head, len(chunk[0]), n), [v for row in chunk for v in row])
        start += n


def _touch_private(path: Path) -> None:
    """Create the file readable by its owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


class SQLiteLog:
    """The synchronous store; the CLI uses it directly, the hub through ``SQLiteStore``."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise StoreError(f"No database at {self.path}.")
            _touch_private(self.path)
        self._lock = threading.Lock()
        self._last: dict[str, int] = {}
        """Each session's last sequence number, once read or written here."""
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a circlekeeper database ({exc}).") from None
        try:
            self._db.execute("PRAGMA foreign_keys=ON")
            self._open()
        except BaseException as exc:
            # A file we refuse must not stay open (a leaked descriptor, a ResourceWarning).
            self._db.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise StoreError(f"{self.path} is not a circlekeeper database ({exc}).") from None
            raise

    def _open(self) -> None:
        db = self._db
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == 0 and tables:
            raise StoreError(f"{self.path} is a database of another program.")
        if app_id not in (0, APPLICATION_ID):
            raise StoreError(f"{self.path} is a database of another program.")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer circlekeeper.")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        # Deleted or blanked content is overwritten, not left in free pages for a disk scan.
        db.execute("PRAGMA secure_delete=ON")
        # A statement's undo journal holds page images, held shares among them: in memory, not
        # in a file in /var/tmp whose blocks keep them once it is deleted.
        db.execute("PRAGMA temp_store=MEMORY")
        if app_id == 0 or version < SCHEMA_VERSION:  # new file, or one to bring up to date
            db.executescript(_SCHEMA + _GROUPS)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(
        self,
        record: SessionRecord,
        events: Append,
        audit: Sequence[AuditEntry] = (),
        *,
        group: str | None = None,
    ) -> list[Stored]:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "INSERT INTO sessions (id, code, epoch, secret, created_at) VALUES (?,?,?,?,?)",
                    (record.id, record.code, record.epoch, record.secret, record.created_at),
                )
                stored = self._number(record.id, events)
                db.executemany(
                    "INSERT INTO events (session_id, seq, audience, body) VALUES (?,?,?,?)",
                    [(record.id, s.seq, s.audience, s.body) for s in stored],
                )
                self._audit(record.id, audit)
                if group is not None:
                    db.execute(
                        "INSERT INTO group_sessions (session_id, group_id) VALUES (?, ?)",
                        (record.id, group),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                self._last.clear()
                raise
            return stored

    def append(
        self,
        session_id: str,
        events: Append,
        *,
        command_id: str | None = None,
        ended_at: float | None = None,
        forget_share_text: bool = False,
    ) -> list[Stored]:
        """One append in its own commit (the hub goes through ``SQLiteStore`` and batches)."""
        request = AppendRequest(session_id, events, command_id, ended_at, forget_share_text)
        [outcome] = self.append_many([request])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def append_many(self, requests: Sequence[AppendRequest]) -> list[list[Stored] | Exception]:
        """Commit several appends with one fsync; one failing request does not fail the others.

        The batch is written with a few multi-row statements per table; only if that fails is
        it written again request by request, so a bad one is refused alone."""
        with self._lock:
            try:
                results: list[list[Stored] | Exception] = list(self._commit(requests))
            except sqlite3.Error:
                if len(requests) == 1:
                    raise
                results = []
                for request in requests:
                    try:
                        results += self._commit([request])
                    except sqlite3.Error as exc:
                        results.append(exc)
            if any(r.forget_share_text or r.released for r in requests):
                # Old page images live on in the WAL until it is truncated: blanked share text,
                # and the order in which held shares arrived among the session's other writes.
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return results

    def _commit(self, requests: Sequence[AppendRequest]) -> list[list[Stored]]:
        """One transaction for all of ``requests``, or none of it. The caller holds the lock."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            stored = self._write(requests)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._last.clear()  # the numbers taken for the batch were not used
            raise
        return stored

    def _write(self, requests: Sequence[AppendRequest]) -> list[list[Stored]]:
        db = self._db
        stored = [self._number(r.session_id, r.events) for r in requests]
        rows = [
            (r.session_id, s.seq, s.audience, s.body)
            for r, batch in zip(requests, stored, strict=True)
            for s in batch
        ]
        commands = [(r.session_id, r.command_id) for r in requests if r.command_id is not None]
        texts = [(r.session_id, t) for r in requests for t in r.mixed]
        keys = os.urandom(16 * len(texts))  # one call: each call lets go of the GIL too
        mixed = [(s, keys[16 * n : 16 * n + 16], t) for n, (s, t) in enumerate(texts)]
        audit = [(r.session_id, *entry) for r in requests for entry in r.audit]
        _insert(db, "INSERT INTO events (session_id, seq, audience, body)", rows)
        _insert(db, "INSERT INTO commands (session_id, command_id)", commands)
        _insert(db, "INSERT INTO mix (session_id, key, text)", mixed)
        _insert(db, "INSERT INTO audit (session_id, at, account, action, detail)", audit)
        for r in requests:  # a released batch: one statement per chunk of its keys
            for start in range(0, len(r.released), _MOST_ROWS):
                chunk = r.released[start : start + _MOST_ROWS]
                db.execute(
                    f"DELETE FROM mix WHERE session_id=? AND key IN ({','.join('?' * len(chunk))})",
                    [r.session_id, *chunk],
                )
        for r in requests:  # the rare ones: the end of a session, a new room code
            if r.forget_share_text:
                self._forget_share_text(r.session_id)
            if r.ended_at is not None:
                db.execute("UPDATE sessions SET ended_at=? WHERE id=?", (r.ended_at, r.session_id))
            if r.code is not None:
                db.execute("UPDATE sessions SET code=? WHERE id=?", (r.code, r.session_id))
        return stored

    def _number(self, session_id: str, events: Append) -> list[Stored]:
        """Give ``events`` the session's next sequence numbers (this process is the only one
        appending to a session, so the last number is read from the file once)."""
        if not events:
            return []
        last = self._last.get(session_id)
        if last is None:
            (last,) = self._db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id=?", (session_id,)
            ).fetchone()
        stored = [Stored(last + n, audience, body) for n, (audience, body) in enumerate(events, 1)]
        self._last[session_id] = stored[-1].seq
        return stored

    def _audit(self, session_id: str, entries: Sequence[AuditEntry]) -> None:
        self._db.executemany(
            "INSERT INTO audit (session_id, at, account, action, detail) VALUES (?,?,?,?,?)",
            [(session_id, *entry) for entry in entries],
        )

    def _forget_share_text(self, session_id: str) -> None:
        rows = self._db.execute(
            "SELECT seq, body FROM events WHERE session_id=? AND CAST(body AS TEXT) LIKE ?",
            (session_id, '{"type":"share.%'),  # msgspec writes the tag first
        ).fetchall()
        for seq, body in rows:
            event = msgspec.json.decode(body)
            if "text" in event:
                event["text"] = ""
                self._db.execute(
                    "UPDATE events SET body=? WHERE session_id=? AND seq=?",
                    (msgspec.json.encode(event), session_id, seq),
                )

    def read(self, session_id: str, after: int = 0) -> list[Stored]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, audience, body FROM events WHERE session_id=? AND seq>? ORDER BY seq",
                (session_id, after),
            ).fetchall()
        return [Stored(seq, audience, bytes(body)) for seq, audience, body in rows]

    def pending(self, session_id: str) -> list[Pending]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, text FROM mix WHERE session_id=? ORDER BY key", (session_id,)
            ).fetchall()
        return [Pending(bytes(key), text) for key, text in rows]

    def audit(self, session_id: str) -> list[AuditEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, account, action, detail FROM audit WHERE session_id=? ORDER BY at",
                (session_id,),
            ).fetchall()
        return [AuditEntry(*row) for row in rows]

    def add_audit(self, session_id: str, entry: AuditEntry) -> None:
        with self._lock:
            self._audit(session_id, [entry])

    # -- facilitator accounts ------------------------------------------------------------------

    def password_hash(self, account: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT password FROM facilitators WHERE account=?", (account,)
            ).fetchone()
        return None if row is None else str(row[0])

    def accounts(self) -> set[str]:
        return {account for account, _ in self.facilitators()}

    def facilitators(self) -> list[tuple[str, float]]:
        """Every account with when it was added, by name."""
        with self._lock:
            rows = self._db.execute(
                "SELECT account, created_at FROM facilitators ORDER BY account"
            ).fetchall()
        return [(str(account), float(at)) for account, at in rows]

    def add_facilitator(self, account: str, password_hash: str, now: float) -> bool:
        """False when the account exists already."""
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO facilitators (account, password, created_at) VALUES (?,?,?)",
                    (account, password_hash, now),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def set_password(self, account: str, password_hash: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "UPDATE facilitators SET password=? WHERE account=?", (password_hash, account)
            )
        return cursor.rowcount == 1

    def remove_facilitator(self, account: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM facilitators WHERE account=?", (account,))
        return cursor.rowcount == 1

    # -- recurring groups and their notes ------------------------------------------------------

    def groups(self) -> list[GroupRow]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name_key, body, created_at FROM groups ORDER BY created_at, id"
            ).fetchall()
        return [GroupRow(i, key, bytes(body), at) for i, key, body, at in rows]

    def add_group(self, row: GroupRow) -> bool:
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO groups (id, name_key, body, created_at) VALUES (?,?,?,?)", row
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def update_group(self, group_id: str, name_key: str, body: bytes) -> bool:
        with self._lock:
            try:
                self._db.execute(
                    "UPDATE groups SET name_key=?, body=? WHERE id=?", (name_key, body, group_id)
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def remove_group(self, group_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM groups WHERE id=?", (group_id,))
        return cursor.rowcount == 1

    def group_sessions(self, group_id: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT g.session_id FROM group_sessions g JOIN sessions s ON s.id = g.session_id "
                "WHERE g.group_id=? ORDER BY s.created_at, s.id",
                (group_id,),
            ).fetchall()
        return [str(session_id) for (session_id,) in rows]

    def session_group(self, session_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT group_id FROM group_sessions WHERE session_id=?", (session_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def link_session(self, session_id: str, group_id: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO group_sessions (session_id, group_id) VALUES (?, ?)",
                (session_id, group_id),
            )

    def note(self, session_id: str) -> NoteRow | None:
        with self._lock:
            row = self._db.execute(
                "SELECT session_id, body, updated_at, signed_at FROM notes WHERE session_id=?",
                (session_id,),
            ).fetchone()
        return None if row is None else NoteRow(row[0], bytes(row[1]), row[2], row[3])

    def save_note(self, session_id: str, body: bytes, now: float, *, sign: bool = False) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT signed_at FROM notes WHERE session_id=?", (session_id,)
                ).fetchone()
                if row is not None and row[0] is not None:
                    raise NoteSigned(session_id)
                db.execute(
                    "INSERT INTO notes (session_id, body, updated_at, signed_at) "
                    "VALUES (?,?,?,?) ON CONFLICT (session_id) DO UPDATE SET "
                    "body=excluded.body, updated_at=excluded.updated_at, "
                    "signed_at=excluded.signed_at",
                    (session_id, body, now, now if sign else None),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def addenda(self, session_id: str) -> list[Addendum]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, account, text FROM addenda WHERE session_id=? ORDER BY n",
                (session_id,),
            ).fetchall()
        return [Addendum(*row) for row in rows]

    def add_addendum(self, session_id: str, addendum: Addendum) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT signed_at FROM notes WHERE session_id=?", (session_id,)
                ).fetchone()
                if row is None or row[0] is None:
                    raise StoreError("The note is not signed yet: change it instead.")
                db.execute(
                    "INSERT INTO addenda (session_id, n, at, account, text) SELECT ?, "
                    "COALESCE(MAX(n), 0) + 1, ?, ?, ? FROM addenda WHERE session_id=?",
                    (session_id, *addendum, session_id),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def command_ids(self, session_id: str) -> set[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT command_id FROM commands WHERE session_id=?", (session_id,)
            ).fetchall()
        return {command_id for (command_id,) in rows}

    def _records(self, where: str, args: tuple[object, ...] = ()) -> list[SessionRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, code, epoch, secret, created_at, ended_at FROM sessions "
                f"{where} ORDER BY created_at DESC",
                args,
            ).fetchall()
        return [SessionRecord(*row) for row in rows]

    def get(self, session_id: str) -> SessionRecord | None:
        found = self._records("WHERE id=?", (session_id,))
        return found[0] if found else None

    def live_by_code(self, code: str) -> SessionRecord | None:
        found = self._records("WHERE code=? AND ended_at IS NULL", (code,))
        return found[0] if found else None

    def live_sessions(self) -> list[SessionRecord]:
        return self._records("WHERE ended_at IS NULL")

    def latest_by_code(self, code: str) -> SessionRecord | None:
        """The newest session that had ``code``, ended or not (codes are reused once ended)."""
        found = self._records("WHERE code=?", (code,))
        return found[0] if found else None

    def sessions(self) -> list[SessionRecord]:
        return self._records("")

    # -- retention: removing sessions for good ------------------------------------------------

    def sessions_before(self, cutoff: float) -> list[SessionRecord]:
        """Sessions that ended (or, never ended, were created) before ``cutoff``, newest first."""
        return self._records("WHERE COALESCE(ended_at, created_at) < ?", (cutoff,))

    def delete_sessions(self, session_ids: Sequence[str]) -> int:
        """Remove the sessions, their events and command ids in one transaction.

        ``secure_delete`` overwrites the freed cells with zeros, so the text is gone from the
        pages even before ``compact`` rebuilds the file. Returns the number of events removed.
        """
        with self._lock:
            db = self._db
            db.execute("PRAGMA secure_delete=ON")
            db.execute("BEGIN IMMEDIATE")
            try:
                removed = 0
                for session_id in session_ids:
                    removed += db.execute(
                        "DELETE FROM events WHERE session_id=?", (session_id,)
                    ).rowcount
                    db.execute("DELETE FROM commands WHERE session_id=?", (session_id,))
                    db.execute("DELETE FROM sessions WHERE id=?", (session_id,))
                    self._last.pop(session_id, None)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return removed

    def compact(self) -> bool:
        """Rebuild the file without free pages and empty the write-ahead log.

        VACUUM builds its copy in memory (``temp_store``), as much as the file's size, not in a
        temporary file. In WAL mode it writes the new pages to the WAL, so the checkpoint comes
        after it; TRUNCATE leaves the -wal file at zero bytes. Returns False when another
        connection (a running hub) kept the checkpoint from finishing: old frames may then stay
        in the WAL until that connection lets go.
        """
        with self._lock:
            db = self._db
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return bool(busy == 0)


class SQLiteStore:
    """``Store`` over ``SQLiteLog``, keeping blocking calls off the event loop.

    Appends that arrive while a commit is running are committed together in the next one
    (group commit), so durability costs one fsync per batch rather than per event.
    """

    def __init__(self, path: Path | str, *, group_commit: bool = True) -> None:
        self.log = SQLiteLog(path)
        self._thread = StoreThread(self.log.append_many, group_commit=group_commit)

    async def _run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._thread.call(functools.partial(fn, *args, **kwargs))

    async def create(
        self,
        record: SessionRecord,
        events: Append,
        audit: Sequence[AuditEntry] = (),
        *,
        group: str | None = None,
    ) -> list[Stored]:
        return await self._run(self.log.create, record, events, audit, group=group)

    async def groups(self) -> list[GroupRow]:
        return await self._run(self.log.groups)

    async def group_sessions(self, group_id: str) -> list[str]:
        return await self._run(self.log.group_sessions, group_id)

    def append(self, request: AppendRequest) -> asyncio.Future[list[Stored]]:
        """Queue the append at once (so appends are stored in the order made); the future is
        its outcome, once committed with the others that arrived meanwhile."""
        return self._thread.append(request)

    async def read(self, session_id: str, after: int = 0) -> list[Stored]:
        return await self._run(self.log.read, session_id, after)

    async def command_ids(self, session_id: str) -> set[str]:
        return await self._run(self.log.command_ids, session_id)

    async def pending(self, session_id: str) -> list[Pending]:
        return await self._run(self.log.pending, session_id)

    async def password_hash(self, account: str) -> str | None:
        return await self._run(self.log.password_hash, account)

    async def accounts(self) -> set[str]:
        return await self._run(self.log.accounts)

    async def get(self, session_id: str) -> SessionRecord | None:
        return await self._run(self.log.get, session_id)

    async def live_by_code(self, code: str) -> SessionRecord | None:
        return await self._run(self.log.live_by_code, code)

    async def live_sessions(self) -> list[SessionRecord]:
        return await self._run(self.log.live_sessions)

    async def latest_by_code(self, code: str) -> SessionRecord | None:
        return await self._run(self.log.latest_by_code, code)

    async def close(self) -> None:
        await self._run(self.log.close)
        await self._thread.stop()
