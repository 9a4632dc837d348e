"""The records in a PostgreSQL database, read and managed synchronously (review, exports, CLI).

The counterpart of ``SQLiteLog`` for those paths (``server.store.RecordLog``); the hub itself
writes through the async ``PostgresStore``. One plain connection is enough here: these commands
run one query after another. Driver errors become one-line ``StoreError``s naming the database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import psycopg
from psycopg.rows import TupleRow

from server.store import (
    Addendum,
    AuditEntry,
    GroupRow,
    NoteRow,
    NoteSigned,
    Pending,
    SessionRecord,
    Stored,
    StoreError,
)
from server.store.migrations import check_postgres, migrate_postgres
from server.store.open import redact

P = ParamSpec("P")
T = TypeVar("T")
_RECORD_COLUMNS = "id, code, epoch, secret, created_at, ended_at"
_TABLES = "events, commands, audit, mix, sessions, groups, group_sessions, notes, addenda"


def _guarded(method: Callable[P, T]) -> Callable[P, T]:
    """A driver error (lost connection, permission) as a ``StoreError`` a person can act on."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except psycopg.Error as exc:
            where = getattr(args[0], "path", "the database")
            raise StoreError(f"{where}: {' '.join(str(exc).split())}") from None

    return call


class PostgresLog:
    """``RecordLog`` over one connection to a PostgreSQL database."""

    def __init__(self, url: str, *, create: bool = False) -> None:
        self.path = redact(url)
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"Cannot open {self.path} ({' '.join(str(exc).split())}).") from None
        try:
            if create:
                migrate_postgres(self._db, self.path)
            else:
                check_postgres(self._db, self.path)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def _all(self, sql: str, args: tuple[object, ...] = ()) -> list[TupleRow]:
        return self._db.execute(sql, args).fetchall()

    # -- sessions and their logs --------------------------------------------------------------

    @_guarded
    def read(self, session_id: str, after: int = 0) -> list[Stored]:
        rows = self._all(
            "SELECT seq, audience, body FROM events WHERE session_id = %s AND seq > %s "
            "ORDER BY seq",
            (session_id, after),
        )
        return [Stored(seq, audience, bytes(body)) for seq, audience, body in rows]

    @_guarded
    def audit(self, session_id: str) -> list[AuditEntry]:
        rows = self._all(
            "SELECT at, account, action, detail FROM audit WHERE session_id = %s ORDER BY at, id",
            (session_id,),
        )
        return [AuditEntry(*row) for row in rows]

    @_guarded
    def add_audit(self, session_id: str, entry: AuditEntry) -> None:
        self._db.execute(
            "INSERT INTO audit (session_id, at, account, action, detail) "
            "VALUES (%s, %s, %s, %s, %s)",
            (session_id, *entry),
        )

    @_guarded
    def pending(self, session_id: str) -> list[Pending]:
        rows = self._all(
            "SELECT key, text FROM mix WHERE session_id = %s ORDER BY key", (session_id,)
        )
        return [Pending(bytes(key), text) for key, text in rows]

    @_guarded
    def command_ids(self, session_id: str) -> set[str]:
        rows = self._all("SELECT command_id FROM commands WHERE session_id = %s", (session_id,))
        return {command_id for (command_id,) in rows}

    @_guarded
    def _records(self, where: str, args: tuple[object, ...] = ()) -> list[SessionRecord]:
        rows = self._all(
            f"SELECT {_RECORD_COLUMNS} FROM sessions {where} ORDER BY created_at DESC", args
        )
        return [SessionRecord(*row) for row in rows]

    def get(self, session_id: str) -> SessionRecord | None:
        found = self._records("WHERE id = %s", (session_id,))
        return found[0] if found else None

    def live_by_code(self, code: str) -> SessionRecord | None:
        found = self._records("WHERE code = %s AND ended_at IS NULL", (code,))
        return found[0] if found else None

    def live_sessions(self) -> list[SessionRecord]:
        return self._records("WHERE ended_at IS NULL")

    def latest_by_code(self, code: str) -> SessionRecord | None:
        found = self._records("WHERE code = %s", (code,))
        return found[0] if found else None

    def sessions(self) -> list[SessionRecord]:
        return self._records("")

    def sessions_before(self, cutoff: float) -> list[SessionRecord]:
        return self._records("WHERE COALESCE(ended_at, created_at) < %s", (cutoff,))

    @_guarded
    def delete_sessions(self, session_ids: Sequence[str]) -> int:
        """Remove the sessions with everything of theirs in one transaction; returns the
        number of events removed (audit entries and held shares go by cascade)."""
        ids = (list(session_ids),)
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM events WHERE session_id = ANY(%s)", ids)
            removed = cursor.rowcount
            self._db.execute("DELETE FROM commands WHERE session_id = ANY(%s)", ids)
            self._db.execute("DELETE FROM sessions WHERE id = ANY(%s)", ids)
        return removed

    @_guarded
    def compact(self) -> bool:
        """VACUUM the tables so deleted rows' space is freed for reuse.

        Unlike SQLite's rebuild this does not erase the bytes at once: old row versions stay
        in the write-ahead log, its archive and base backups until those are recycled (see
        docs/deploy.md).
        """
        self._db.execute(f"VACUUM (ANALYZE) {_TABLES}")
        return True

    # -- facilitator accounts -----------------------------------------------------------------

    @_guarded
    def password_hash(self, account: str) -> str | None:
        rows = self._all("SELECT password FROM facilitators WHERE account = %s", (account,))
        return str(rows[0][0]) if rows else None

    def accounts(self) -> set[str]:
        return {account for account, _ in self.facilitators()}

    @_guarded
    def facilitators(self) -> list[tuple[str, float]]:
        rows = self._all(
            'SELECT account, created_at FROM facilitators ORDER BY account COLLATE "C"'
        )
        return [(str(account), float(at)) for account, at in rows]

    @_guarded
    def add_facilitator(self, account: str, password_hash: str, now: float) -> bool:
        cursor = self._db.execute(
            "INSERT INTO facilitators (account, password, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (account) DO NOTHING",
            (account, password_hash, now),
        )
        return cursor.rowcount == 1

    @_guarded
    def set_password(self, account: str, password_hash: str) -> bool:
        cursor = self._db.execute(
            "UPDATE facilitators SET password = %s WHERE account = %s", (password_hash, account)
        )
        return cursor.rowcount == 1

    @_guarded
    def remove_facilitator(self, account: str) -> bool:
        cursor = self._db.execute("DELETE FROM facilitators WHERE account = %s", (account,))
        return cursor.rowcount == 1

    # -- recurring groups and their notes -----------------------------------------------------

    @_guarded
    def groups(self) -> list[GroupRow]:
        rows = self._all(
            "SELECT id, name_key, body, created_at FROM groups ORDER BY created_at, id"
        )
        return [GroupRow(i, key, bytes(body), at) for i, key, body, at in rows]

    @_guarded
    def add_group(self, row: GroupRow) -> bool:
        cursor = self._db.execute(
            "INSERT INTO groups (id, name_key, body, created_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            tuple(row),
        )
        return cursor.rowcount == 1

    @_guarded
    def update_group(self, group_id: str, name_key: str, body: bytes) -> bool:
        try:
            self._db.execute(
                "UPDATE groups SET name_key = %s, body = %s WHERE id = %s",
                (name_key, body, group_id),
            )
        except psycopg.errors.UniqueViolation:
            return False
        return True

    @_guarded
    def remove_group(self, group_id: str) -> bool:
        cursor = self._db.execute("DELETE FROM groups WHERE id = %s", (group_id,))
        return cursor.rowcount == 1

    @_guarded
    def group_sessions(self, group_id: str) -> list[str]:
        rows = self._all(
            "SELECT g.session_id FROM group_sessions g JOIN sessions s ON s.id = g.session_id "
            "WHERE g.group_id = %s ORDER BY s.created_at, s.id",
            (group_id,),
        )
        return [str(session_id) for (session_id,) in rows]

    @_guarded
    def session_group(self, session_id: str) -> str | None:
        rows = self._all("SELECT group_id FROM group_sessions WHERE session_id = %s", (session_id,))
        return str(rows[0][0]) if rows else None

    @_guarded
    def link_session(self, session_id: str, group_id: str) -> None:
        self._db.execute(
            "INSERT INTO group_sessions (session_id, group_id) VALUES (%s, %s) "
            "ON CONFLICT (session_id) DO UPDATE SET group_id = excluded.group_id",
            (session_id, group_id),
        )

    @_guarded
    def note(self, session_id: str) -> NoteRow | None:
        rows = self._all(
            "SELECT session_id, body, updated_at, signed_at FROM notes WHERE session_id = %s",
            (session_id,),
        )
        if not rows:
            return None
        sid, body, updated, signed = rows[0]
        return NoteRow(sid, bytes(body), updated, signed)

    @_guarded
    def save_note(self, session_id: str, body: bytes, now: float, *, sign: bool = False) -> None:
        with self._db.transaction():
            rows = self._all(
                "SELECT signed_at FROM notes WHERE session_id = %s FOR UPDATE", (session_id,)
            )
            if rows and rows[0][0] is not None:
                raise NoteSigned(session_id)
            self._db.execute(
                "INSERT INTO notes (session_id, body, updated_at, signed_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (session_id) DO UPDATE SET "
                "body = excluded.body, updated_at = excluded.updated_at, "
                "signed_at = excluded.signed_at",
                (session_id, body, now, now if sign else None),
            )

    @_guarded
    def addenda(self, session_id: str) -> list[Addendum]:
        rows = self._all(
            "SELECT at, account, text FROM addenda WHERE session_id = %s ORDER BY n", (session_id,)
        )
        return [Addendum(*row) for row in rows]

    @_guarded
    def add_addendum(self, session_id: str, addendum: Addendum) -> None:
        with self._db.transaction():
            rows = self._all(
                "SELECT signed_at FROM notes WHERE session_id = %s FOR UPDATE", (session_id,)
            )
            if not rows or rows[0][0] is None:
                raise StoreError("The note is not signed yet: change it instead.")
            self._db.execute(
                "INSERT INTO addenda (session_id, n, at, account, text) SELECT %s, "
                "COALESCE(MAX(n), 0) + 1, %s, %s, %s FROM addenda WHERE session_id = %s",
                (session_id, *addendum, session_id),
            )
