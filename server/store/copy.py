"""``circle db copy``: every record of one database into an empty PostgreSQL database.

Sessions with their logs (same seq numbers, epoch and secret, so clients and credentials carry
on), command ids, audit entries, held anonymous shares, facilitator accounts (with their
password hashes), recurring groups with their rosters and sessions, and group notes with their
signatures and addenda (in order) go over in one transaction: the target ends with all of it
or none of it. A target that already holds records is refused rather than merged, and a source
that changed while it was read (a hub still running on it) rolls the copy back.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import psycopg
from psycopg.rows import TupleRow

from server.store import RecordLog, SessionRecord, StoreError
from server.store.migrations import migrate_postgres
from server.store.open import open_log, parse_database, redact


class Copied(NamedTuple):
    sessions: int = 0
    events: int = 0
    commands: int = 0
    audit: int = 0
    held: int = 0
    accounts: int = 0
    groups: int = 0
    notes: int = 0
    addenda: int = 0


def copy_database(source: str | Path, target: str) -> Copied:
    """Copy every record at ``source`` (either engine) into the PostgreSQL database ``target``."""
    if parse_database(target).engine != "postgresql":
        raise StoreError(f"{target!r}: copy into a postgresql://… database.")
    log = open_log(source)
    try:
        try:
            conn = psycopg.connect(target, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"Cannot open {redact(target)} ({_one_line(exc)}).") from None
        with conn:
            migrate_postgres(conn, redact(target))
            try:
                with conn.transaction():
                    return _copy(log, conn, redact(target))
            except psycopg.Error as exc:
                raise StoreError(
                    f"Copying into {redact(target)} failed, nothing was copied ({_one_line(exc)})."
                ) from None
    finally:
        log.close()


def _copy(log: RecordLog, conn: psycopg.Connection[TupleRow], where: str) -> Copied:
    # Other writers wait until the copy commits, and the emptiness check stays true meanwhile.
    conn.execute("LOCK TABLE sessions, facilitators IN EXCLUSIVE MODE")
    row = conn.execute(
        "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM facilitators)"
    ).fetchone()
    assert row is not None
    if row[0] or row[1]:
        raise StoreError(
            f"{where} already holds records ({row[0]} sessions, {row[1]} accounts); nothing was "
            "copied. Copy into an empty database (createdb a new one)."
        )
    accounts = 0
    for account, created_at in log.facilitators():
        password = log.password_hash(account)
        if password is not None:
            conn.execute(
                "INSERT INTO facilitators (account, password, created_at) VALUES (%s, %s, %s)",
                (account, password, created_at),
            )
            accounts += 1
    groups = log.groups()
    for group in groups:
        conn.execute(
            "INSERT INTO groups (id, name_key, body, created_at) VALUES (%s, %s, %s, %s)",
            tuple(group),
        )
    records = log.sessions()
    totals = Copied(accounts=accounts, groups=len(groups))
    ends: dict[str, tuple[int, list[bytes]]] = {}
    for record in records:
        copied, ends[record.id] = _copy_session(log, conn, record)
        totals = _add(totals, copied)
    if not _unchanged(log, records, ends):
        raise StoreError(
            f"{log.path} changed while it was copied (is a hub still running on it?); nothing "
            "was copied. Stop the hub and copy again."
        )
    return totals


def _copy_session(
    log: RecordLog, conn: psycopg.Connection[TupleRow], record: SessionRecord
) -> tuple[Copied, tuple[int, list[bytes]]]:
    """Copy one session; returns the counts and where its log ended and which shares it held."""
    conn.execute(
        "INSERT INTO sessions (id, code, epoch, secret, created_at, ended_at) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        tuple(record),
    )
    events = log.read(record.id)
    with conn.cursor() as cursor:
        with cursor.copy("COPY events (session_id, seq, audience, body) FROM STDIN") as copy:
            for stored in events:
                copy.write_row((record.id, stored.seq, stored.audience, stored.body))
        commands = sorted(log.command_ids(record.id))
        cursor.executemany(
            "INSERT INTO commands (session_id, command_id) VALUES (%s, %s)",
            [(record.id, command_id) for command_id in commands],
        )
        audit = log.audit(record.id)
        cursor.executemany(
            "INSERT INTO audit (session_id, at, account, action, detail) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(record.id, *entry) for entry in audit],
        )
        held = log.pending(record.id)  # in key order, which is random
        cursor.executemany(
            "INSERT INTO mix (session_id, key, text) VALUES (%s, %s, %s)",
            [(record.id, share.key, share.text) for share in held],
        )
        group = log.session_group(record.id)
        if group is not None:
            cursor.execute(
                "INSERT INTO group_sessions (session_id, group_id) VALUES (%s, %s)",
                (record.id, group),
            )
        note = log.note(record.id)
        if note is not None:
            cursor.execute(
                "INSERT INTO notes (session_id, body, updated_at, signed_at) "
                "VALUES (%s, %s, %s, %s)",
                tuple(note),
            )
        addenda = log.addenda(record.id)
        cursor.executemany(
            "INSERT INTO addenda (session_id, n, at, account, text) VALUES (%s, %s, %s, %s, %s)",
            [(record.id, n, *added) for n, added in enumerate(addenda, 1)],
        )
    last = events[-1].seq if events else 0
    counts = Copied(
        1,
        len(events),
        len(commands),
        len(audit),
        len(held),
        notes=0 if note is None else 1,
        addenda=len(addenda),
    )
    return counts, (last, [share.key for share in held])


def _unchanged(
    log: RecordLog, records: list[SessionRecord], ends: dict[str, tuple[int, list[bytes]]]
) -> bool:
    """Whether the source still reads as it did: the same session rows, no event after the
    last one copied, the same held shares."""
    if sorted(log.sessions()) != sorted(records):
        return False
    return all(
        not log.read(session_id, after=last)
        and [share.key for share in log.pending(session_id)] == held
        for session_id, (last, held) in ends.items()
    )


def _add(a: Copied, b: Copied) -> Copied:
    return Copied(*(x + y for x, y in zip(a, b, strict=True)))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
