"""The shared store: PostgreSQL through psycopg 3's async driver and a connection pool.

Several hub processes may write to one database. An append runs in one transaction: it locks
its session's row (appends to one session take turns; other sessions are not held up), checks
the sequence number the caller expected to follow, and inserts its events under the
``(session_id, seq)`` primary key, so two writers can never both store seq N. Every connection
runs with ``synchronous_commit = on``: an append returns only once its commit is flushed, as
with SQLite's ``synchronous=FULL``. A committed append that stored events notifies
``CHANNEL`` with the session id and its last seq, nothing more: listeners read the rows.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

import msgspec
import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from server.store import (
    Append,
    AppendRequest,
    AuditEntry,
    DuplicateCommand,
    GroupRow,
    Pending,
    SeqConflict,
    SessionRecord,
    Stored,
    StoreError,
    Unavailable,
    Wake,
)
from server.store.migrations import migrate_postgres
from server.store.open import redact

log = logging.getLogger("circlekeeper.hub")

CHANNEL = "circle_events"
"""The NOTIFY channel: payload ``"<session id> <last seq>"`` after each committed append."""

Conn: TypeAlias = psycopg.AsyncConnection[TupleRow]
_KEEPALIVE: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
}
"""A database machine that vanishes without closing its sockets is noticed in about 10 s."""
_SHARE_PREFIX = b'{"type":"share.%'  # msgspec writes the tag first
_RECORD_COLUMNS = "id, code, epoch, secret, created_at, ended_at"


class _Duplicate(DuplicateCommand, psycopg.IntegrityError):
    """A command id stored before: a ``DuplicateCommand`` for the hub, and still the driver's
    integrity error that callers of the plain ``Store`` interface expect (as with SQLite)."""


def notification(session_id: str, seq: int) -> str:
    return f"{session_id} {seq}"


def parse_notification(payload: str) -> tuple[str, int]:
    """``(session id, seq)`` from a payload of ``CHANNEL``."""
    session_id, seq = payload.rsplit(" ", 1)
    return session_id, int(seq)


def migrate_url(url: str) -> int:
    """Bring the database at ``url`` up to date (blocking; the async store runs it on a thread)."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            return migrate_postgres(conn, redact(url))
    except psycopg.Error as exc:
        raise StoreError(f"Cannot open {redact(url)} ({_one_line(exc)}).") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


async def _configure(conn: Conn) -> None:
    await conn.execute("SET synchronous_commit = on")


class _Turn:
    """A session's queue of appends in this process, dropped when nobody waits in it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PostgresStore:
    """``Store`` over a pool of async connections; open it with ``PostgresStore.connect``."""

    def __init__(self, pool: AsyncConnectionPool[Conn], where: str, url: str = "") -> None:
        self._pool = pool
        self._url = url
        self._listener_down: str | None = None
        self._pool_down: str | None = None
        self._turns: dict[str, _Turn] = {}
        """Appends to one session from this process, in the order they came (a fair lock), so
        they hold at most one pooled connection and commit in the order the room decided."""
        self.where = where
        """The database, for messages (its URL without the password)."""

    @classmethod
    async def connect(
        cls, url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 10.0
    ) -> PostgresStore:
        """Migrate the database, then open the pool (a database we cannot reach is a
        ``StoreError`` naming it)."""
        await asyncio.to_thread(migrate_url, url)
        pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            url,
            open=False,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True, "connect_timeout": max(1, int(timeout)), **_KEEPALIVE},
            configure=_configure,
            # A pooled connection a database restart cut is found and replaced before use, so
            # the first commands after an outage do not fail on it.
            check=AsyncConnectionPool.check_connection,
            timeout=min(timeout, 5.0),  # a command waits this long for a connection at most
            name="circlekeeper",
        )
        try:
            await pool.open(wait=True, timeout=timeout)
        except PoolTimeout:
            await pool.close()
            raise StoreError(f"Cannot open {redact(url)} (no connection in {timeout} s).") from None
        return cls(pool, redact(url), url)

    async def close(self) -> None:
        await self._pool.close()

    @property
    def outage(self) -> str | None:
        """Why the database is out of reach (the listener's or the pool's last failure)."""
        return self._listener_down or self._pool_down

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Conn]:
        """A pooled connection; a database out of reach is ``Unavailable`` in one line.

        While the listener has lost the database, at once: a command then fails fast (its
        terminal keeps it and sends it again) instead of holding its room for the pool's wait.
        """
        if self._listener_down is not None:
            raise Unavailable(self._listener_down)
        try:
            async with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
            self._pool_down = f"database {self.where} unreachable: {_one_line(exc)}"
            raise Unavailable(self._pool_down) from None
        self._pool_down = None

    # -- writing ------------------------------------------------------------------------------

    async def create(
        self,
        record: SessionRecord,
        events: Append,
        audit: Sequence[AuditEntry] = (),
        *,
        group: str | None = None,
    ) -> list[Stored]:
        async with self._connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO sessions (id, code, epoch, secret, created_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (record.id, record.code, record.epoch, record.secret, record.created_at),
            )
            stored = await _insert(conn, record.id, 0, events)
            await _audit(conn, record.id, audit)
            if group is not None:
                await conn.execute(
                    "INSERT INTO group_sessions (session_id, group_id) VALUES (%s, %s)",
                    (record.id, group),
                )
            await _notify(conn, record.id, stored)
        return stored

    async def groups(self) -> list[GroupRow]:
        rows = await self._all(
            "SELECT id, name_key, body, created_at FROM groups ORDER BY created_at, id"
        )
        return [GroupRow(i, key, bytes(body), at) for i, key, body, at in rows]

    async def group_sessions(self, group_id: str) -> list[str]:
        rows = await self._all(
            "SELECT g.session_id FROM group_sessions g JOIN sessions s ON s.id = g.session_id "
            "WHERE g.group_id = %s ORDER BY s.created_at, s.id",
            (group_id,),
        )
        return [str(session_id) for (session_id,) in rows]

    async def append(
        self,
        request: AppendRequest,
        *,
        expected_seq: int | None = None,
        tallies: Mapping[int, Mapping[int, int]] | None = None,
    ) -> list[Stored]:
        """Store events after the session's last one, all of this or nothing, in one commit.

        With ``expected_seq`` (the last seq the caller decided on), an append that finds the
        log grown past it stores nothing and raises ``SeqConflict``; without it, the events go
        after whatever is last, as in the SQLite store. A ``command_id`` stored before (by any
        hub) stores nothing and raises ``DuplicateCommand``. ``tallies``: the counts each check-in
        these events close was decided on; counts that moved since are a ``SeqConflict`` too,
        and the counts are deleted with the commit (only the published distribution stays).
        """
        session_id = request.session_id
        turn = self._turns.setdefault(session_id, _Turn())
        turn.users += 1
        try:
            async with turn.lock:
                return await self._append(request, expected_seq, tallies or {})
        finally:
            turn.users -= 1
            if not turn.users:
                del self._turns[session_id]

    async def _append(
        self,
        request: AppendRequest,
        expected_seq: int | None,
        tallies: Mapping[int, Mapping[int, int]],
    ) -> list[Stored]:
        session_id = request.session_id
        last = expected_seq
        try:
            async with self._connection() as conn, conn.transaction():
                await conn.execute(
                    "SELECT 1 FROM sessions WHERE id = %s FOR NO KEY UPDATE", (session_id,)
                )
                last = await _last_seq(conn, session_id)
                if expected_seq is not None and last != expected_seq:
                    raise SeqConflict(session_id, expected_seq, last)
                for checkin, seen in tallies.items():
                    if await _counts(conn, session_id, checkin) != dict(seen):
                        raise SeqConflict(session_id, last, last)  # answers came meanwhile
                    await conn.execute(
                        "DELETE FROM tallies WHERE session_id = %s AND checkin = %s",
                        (session_id, checkin),
                    )
                stored = await _insert(conn, session_id, last, request.events)
                if request.command_id is not None:
                    await conn.execute(
                        "INSERT INTO commands (session_id, command_id) VALUES (%s, %s)",
                        (session_id, request.command_id),
                    )
                if request.forget_share_text:
                    await _forget_share_text(conn, session_id)
                if request.ended_at is not None:
                    await conn.execute("DELETE FROM tallies WHERE session_id = %s", (session_id,))
                    await conn.execute(
                        "UPDATE sessions SET ended_at = %s WHERE id = %s",
                        (request.ended_at, session_id),
                    )
                if request.code is not None:
                    await conn.execute(
                        "UPDATE sessions SET code = %s WHERE id = %s", (request.code, session_id)
                    )
                await _audit(conn, session_id, request.audit)
                if request.mixed:
                    await _hold(conn, session_id, request.mixed)
                if request.released:
                    await conn.execute(
                        "DELETE FROM mix WHERE session_id = %s AND key = ANY(%s)",
                        (session_id, list(request.released)),
                    )
                await _notify(conn, session_id, stored)
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "events_pkey":  # a writer that took no row lock
                raise SeqConflict(session_id, last if last is not None else -1) from None
            if exc.diag.constraint_name == "commands_pkey":
                raise _Duplicate(f"command {request.command_id} was applied already") from None
            raise
        return stored

    # -- open check-ins: counts per answer, never who ------------------------------------------

    async def count(
        self,
        session_id: str,
        checkin: int,
        value: int,
        was: int | None,
        *,
        command_id: str,
        expected_seq: int,
    ) -> int:
        """Count one answer in the open check-in's totals, decided on ``expected_seq``.

        The row holds a number per answer value and nothing else: no seat, no time, no command
        id beside it (the id goes to ``commands`` like any other, with no reference to anyone).
        """
        try:
            async with self._connection() as conn, conn.transaction():
                await conn.execute(
                    "SELECT 1 FROM sessions WHERE id = %s FOR NO KEY UPDATE", (session_id,)
                )
                last = await _last_seq(conn, session_id)
                if last != expected_seq:
                    raise SeqConflict(session_id, expected_seq, last)
                await conn.execute(
                    "INSERT INTO commands (session_id, command_id) VALUES (%s, %s)",
                    (session_id, command_id),
                )
                if was != value:
                    await conn.execute(
                        "INSERT INTO tallies (session_id, checkin, value, n) "
                        "VALUES (%s, %s, %s, 1) ON CONFLICT (session_id, checkin, value) "
                        "DO UPDATE SET n = tallies.n + 1",
                        (session_id, checkin, value),
                    )
                    if was is not None:
                        await conn.execute(
                            "UPDATE tallies SET n = n - 1 "
                            "WHERE session_id = %s AND checkin = %s AND value = %s AND n > 0",
                            (session_id, checkin, was),
                        )
                answered = sum((await _counts(conn, session_id, checkin)).values())
                await conn.execute(
                    "SELECT pg_notify(%s, %s)", (CHANNEL, notification(session_id, last))
                )
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "commands_pkey":
                raise _Duplicate(f"command {command_id} was applied already") from None
            raise
        return answered

    async def counts(self, session_id: str, checkin: int) -> dict[int, int]:
        async with self._connection() as conn:
            return await _counts(conn, session_id, checkin)

    async def positions(self, session_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Each session's last seq and held shares, two queries for any number of rooms."""
        ids = list(session_ids)
        found = dict.fromkeys(ids, (0, 0))
        if not ids:
            return found
        async with self._connection() as conn:
            cursor = await conn.execute(
                "SELECT session_id, MAX(seq) FROM events WHERE session_id = ANY(%s) "
                "GROUP BY session_id",
                (ids,),
            )
            for session_id, seq in await cursor.fetchall():
                found[session_id] = (int(seq), 0)
            cursor = await conn.execute(
                "SELECT session_id, COUNT(*) FROM mix WHERE session_id = ANY(%s) "
                "GROUP BY session_id",
                (ids,),
            )
            for session_id, held in await cursor.fetchall():
                found[session_id] = (found[session_id][0], int(held))
        return found

    # -- waking: LISTEN on a connection of its own ----------------------------------------------

    async def follow(self, wake: Wake, period: float = 2.0) -> None:
        """Listen on ``CHANNEL`` until cancelled, coming back by itself after an outage.

        Between notices, every ``period`` seconds, it checks the pool with one query (so
        ``outage`` also covers a pool that cannot connect) and calls ``wake(None, 0)``: the
        catch-up read that makes a lost notice harmless. After reconnecting, too: notices sent
        while it was away are gone.
        """
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, connect_timeout=max(1, int(period)), **_KEEPALIVE
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self._listener_down is not None:
                        log.info("listening to %s again", self.where)
                    self._listener_down = None
                    wake(None, 0)
                    while True:
                        async for notice in conn.notifies(timeout=period):
                            try:
                                session_id, seq = parse_notification(notice.payload)
                            except ValueError:
                                continue
                            wake(session_id, seq)
                        await conn.execute("SELECT 1")  # a dead listener fails here
                        await self._check_pool()
                        wake(None, 0)
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                if self._listener_down is None:
                    log.warning("lost %s: %s", self.where, _one_line(exc))
                self._listener_down = f"database {self.where} unreachable: {_one_line(exc)}"
            await asyncio.sleep(min(period, 0.5))

    async def _check_pool(self) -> None:
        try:
            async with self._connection() as conn:
                await conn.execute("SELECT 1")
        except Unavailable:
            pass

    # -- reading ------------------------------------------------------------------------------

    async def read(self, session_id: str, after: int = 0) -> list[Stored]:
        rows = await self._all(
            "SELECT seq, audience, body FROM events WHERE session_id = %s AND seq > %s "
            "ORDER BY seq",
            (session_id, after),
        )
        return [Stored(seq, audience, bytes(body)) for seq, audience, body in rows]

    async def last_seq(self, session_id: str) -> int:
        """The session's last sequence number (0 before its first event)."""
        async with self._connection() as conn:
            return await _last_seq(conn, session_id)

    async def command_ids(self, session_id: str) -> set[str]:
        rows = await self._all(
            "SELECT command_id FROM commands WHERE session_id = %s", (session_id,)
        )
        return {command_id for (command_id,) in rows}

    async def pending(self, session_id: str) -> list[Pending]:
        rows = await self._all(
            "SELECT key, text FROM mix WHERE session_id = %s ORDER BY key", (session_id,)
        )
        return [Pending(bytes(key), text) for key, text in rows]

    async def password_hash(self, account: str) -> str | None:
        rows = await self._all("SELECT password FROM facilitators WHERE account = %s", (account,))
        return str(rows[0][0]) if rows else None

    async def accounts(self) -> set[str]:
        return {account for (account,) in await self._all("SELECT account FROM facilitators")}

    async def get(self, session_id: str) -> SessionRecord | None:
        found = await self._records("WHERE id = %s", (session_id,))
        return found[0] if found else None

    async def live_by_code(self, code: str) -> SessionRecord | None:
        found = await self._records("WHERE code = %s AND ended_at IS NULL", (code,))
        return found[0] if found else None

    async def live_sessions(self) -> list[SessionRecord]:
        return await self._records("WHERE ended_at IS NULL")

    async def latest_by_code(self, code: str) -> SessionRecord | None:
        found = await self._records("WHERE code = %s", (code,))
        return found[0] if found else None

    async def _records(self, where: str, args: tuple[object, ...] = ()) -> list[SessionRecord]:
        rows = await self._all(
            f"SELECT {_RECORD_COLUMNS} FROM sessions {where} ORDER BY created_at DESC", args
        )
        return [SessionRecord(*row) for row in rows]

    async def _all(self, sql: str, args: tuple[object, ...] = ()) -> list[TupleRow]:
        async with self._connection() as conn:
            cursor = await conn.execute(sql, args)
            return await cursor.fetchall()


async def _last_seq(conn: Conn, session_id: str) -> int:
    cursor = await conn.execute(
        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = %s", (session_id,)
    )
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def _counts(conn: Conn, session_id: str, checkin: int) -> dict[int, int]:
    cursor = await conn.execute(
        "SELECT value, n FROM tallies WHERE session_id = %s AND checkin = %s AND n > 0",
        (session_id, checkin),
    )
    return {int(value): int(n) for value, n in await cursor.fetchall()}


async def _insert(conn: Conn, session_id: str, last: int, events: Append) -> list[Stored]:
    stored = [Stored(last + n, audience, body) for n, (audience, body) in enumerate(events, 1)]
    if stored:
        async with conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO events (session_id, seq, audience, body) VALUES (%s, %s, %s, %s)",
                [(session_id, s.seq, s.audience, s.body) for s in stored],
            )
    return stored


async def _audit(conn: Conn, session_id: str, entries: Sequence[AuditEntry]) -> None:
    if entries:
        async with conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO audit (session_id, at, account, action, detail) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(session_id, *entry) for entry in entries],
            )


async def _hold(conn: Conn, session_id: str, texts: Sequence[str]) -> None:
    """Add held shares, then rewrite all the session's held rows in (random) key order.

    A heap keeps rows in arrival order and stamps each with its transaction id (``xmin``);
    rewriting them together gives every held row the same transaction and a place in the
    table chosen by its random key, so the live table no longer says which share came first.
    """
    cursor = await conn.execute(
        "DELETE FROM mix WHERE session_id = %s RETURNING key, text", (session_id,)
    )
    held = [(bytes(key), text) for key, text in await cursor.fetchall()]
    held += [(secrets.token_bytes(16), text) for text in texts]
    async with conn.cursor() as insert:
        await insert.executemany(
            "INSERT INTO mix (session_id, key, text) VALUES (%s, %s, %s)",
            [(session_id, key, text) for key, text in sorted(held)],
        )


async def _forget_share_text(conn: Conn, session_id: str) -> None:
    cursor = await conn.execute(
        "SELECT seq, body FROM events WHERE session_id = %s AND body LIKE %s",
        (session_id, _SHARE_PREFIX),
    )
    for seq, body in await cursor.fetchall():
        event = msgspec.json.decode(bytes(body))
        if "text" in event:
            event["text"] = ""
            await conn.execute(
                "UPDATE events SET body = %s WHERE session_id = %s AND seq = %s",
                (msgspec.json.encode(event), session_id, seq),
            )


async def _notify(conn: Conn, session_id: str, stored: Sequence[Stored]) -> None:
    """Queue the notification; PostgreSQL delivers it only if the transaction commits."""
    if stored:
        await conn.execute(
            "SELECT pg_notify(%s, %s)", (CHANNEL, notification(session_id, stored[-1].seq))
        )
