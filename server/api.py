"""Everything the terminal client may use of the server, behind one door.

``client/`` imports this module and no other of ``server/`` (an import-linter contract in
pyproject.toml holds it to that). The hub's insides (rooms, stores, transport, the export
renderers) can then change without touching the apps, and what a terminal can do to the
records (read them, delete them, note an export in the audit log, manage accounts) is listed
in one place that a privacy review can read in full.

Mostly re-exports; the few functions here are the operations that must always be done whole
(deleting *and* compacting, hashing a password before it is stored).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from server.accounts import AccountError, Accounts, check_password, clean_account, hash_password
from server.cli import hub as hub_command
from server.config import ConfigError, HubConfig, default_db, user_content_dir
from server.export import NOTICE, ExportError, Format, GroupNote, build_note, render
from server.groups import (
    Grid,
    Group,
    GroupError,
    History,
    Meeting,
    Member,
    Trend,
    add_group,
    add_member,
    all_groups,
    end_group,
    end_member,
    grid,
    trends,
)
from server.groups import get as get_group
from server.hub import Hub, run_hub
from server.notes import (
    PARTICIPATION,
    Clinician,
    IncompleteNote,
    MemberNote,
    Note,
    NoteError,
    NoteFields,
    add_addendum,
    missing,
    open_note,
    participation_words,
    save_note,
    sign_note,
)
from server.records import (
    RecordError,
    Recording,
    SessionSummary,
    load,
    resolve,
    summaries,
    summary_or_bare,
    timeline,
)
from server.store import AuditEntry, RecordLog, SessionRecord, StoreError
from server.store.open import open_log, parse_database, redact
from server.store.sqlite import SQLiteLog, SQLiteStore
from server.transport import client_context

if TYPE_CHECKING:
    from server.store.copy import Copied

__all__ = [
    "NOTICE",
    "PARTICIPATION",
    "AccountError",
    "Accounts",
    "Clinician",
    "ConfigError",
    "ExportError",
    "Format",
    "Grid",
    "Group",
    "GroupError",
    "GroupNote",
    "History",
    "Hub",
    "HubConfig",
    "IncompleteNote",
    "Meeting",
    "Member",
    "MemberNote",
    "Note",
    "NoteError",
    "NoteFields",
    "RecordError",
    "RecordLog",
    "Recording",
    "SQLiteLog",
    "SQLiteStore",
    "SessionRecord",
    "SessionSummary",
    "StoreError",
    "Trend",
    "add_addendum",
    "add_facilitator",
    "add_group",
    "add_member",
    "all_groups",
    "build_note",
    "check_password",
    "clean_account",
    "client_context",
    "copy_database",
    "default_db",
    "delete_group",
    "delete_sessions",
    "end_group",
    "end_member",
    "facilitators",
    "get_group",
    "grid",
    "hash_password",
    "hub_command",
    "is_facilitator",
    "load",
    "missing",
    "open_database",
    "open_note",
    "open_records",
    "parse_database",
    "participation_words",
    "record_export",
    "redact",
    "remove_facilitator",
    "render",
    "resolve",
    "run_hub",
    "save_note",
    "set_password",
    "sign_note",
    "summaries",
    "summary_or_bare",
    "timeline",
    "trends",
    "user_content_dir",
]


# -- the records -----------------------------------------------------------------------------


@contextmanager
def open_records(path: Path, *, create: bool = False) -> Iterator[SQLiteLog]:
    """The session file, closed afterwards. Looking never creates one: a missing file is a
    ``StoreError`` that names the path, unless ``create`` (adding the first account)."""
    log = SQLiteLog(path, create=create)
    try:
        yield log
    finally:
        log.close()


@contextmanager
def open_database(url: str | Path, *, create: bool = False) -> Iterator[RecordLog]:
    """The records at a database setting (a file path, ``sqlite:PATH`` or
    ``postgresql://…``), closed afterwards; like ``open_records``, looking never creates one."""
    log = open_log(url, create=create)
    try:
        yield log
    finally:
        log.close()


def copy_database(source: str | Path, target: str) -> Copied:
    """Every record at ``source`` into the empty PostgreSQL database ``target`` (all or none).

    psycopg is imported only here, so the other commands run without it.
    """
    from server.store.copy import copy_database as copy

    return copy(source, target)


def delete_sessions(log: SQLiteLog, session_ids: Sequence[str]) -> tuple[int, bool]:
    """Remove sessions for good, then compact the file so their bytes go too.

    Returns the number of events removed, and whether the file (and its write-ahead log) could
    be compacted; a running hub holding the file defers that until it stops.
    """
    events = log.delete_sessions(session_ids)
    return events, log.compact()


def delete_group(log: RecordLog, group: Group) -> tuple[int, int, bool]:
    """Remove a group with its roster, sessions and notes for good, then compact the file.

    Returns (sessions, events) removed and whether the file could be compacted."""
    from server.groups import delete_group as delete

    sessions, events = delete(log, group)
    return sessions, events, log.compact()


def record_export(log: SQLiteLog, session_id: str, account: str, what: str) -> None:
    """Note in the session's audit log who made which note, and when."""
    log.add_audit(session_id, AuditEntry(time.time(), account, "export made", what))


# -- facilitator accounts (run where the hub's file is) --------------------------------------


def facilitators(path: Path) -> list[tuple[str, float]]:
    """Each account with when it was added."""
    with open_records(path) as log:
        return log.facilitators()


def is_facilitator(path: Path, account: str) -> bool:
    with open_records(path) as log:
        return log.password_hash(clean_account(account)) is not None


def add_facilitator(path: Path, account: str, password: str) -> bool:
    """Add an account (creating the file if need be); False if the name is taken."""
    name = clean_account(account)
    check_password(password)
    with open_records(path, create=True) as log:
        return log.add_facilitator(name, hash_password(password), time.time())


def set_password(path: Path, account: str, password: str) -> bool:
    """A new password for an account; False if there is no such account."""
    name = clean_account(account)
    check_password(password)
    with open_records(path) as log:
        if log.password_hash(name) is None:
            return False
        return log.set_password(name, hash_password(password))


def remove_facilitator(path: Path, account: str) -> bool:
    """Remove an account (its sessions stay recorded); False if there is no such account."""
    with open_records(path) as log:
        return log.remove_facilitator(clean_account(account))
