"""Where session logs live: one small interface, two engines (embedded SQLite, PostgreSQL).

Every append is committed durably before the hub acknowledges or fans anything out. ``Store`` is
what the hub uses (async); ``RecordLog`` is what the records, review and CLI paths read (sync).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

from shared.decision import AuditEntry as AuditEntry


class SessionRecord(NamedTuple):
    id: str
    code: str
    epoch: str
    """Changes whenever the stored history is lost or rebuilt; clients then start over."""
    secret: str
    """Signs the session's credentials; never leaves the hub."""
    created_at: float
    ended_at: float | None = None


class Stored(NamedTuple):
    seq: int
    audience: str
    body: bytes
    """The event as JSON, exactly as it goes on the wire inside a ``Logged`` frame."""


class Pending(NamedTuple):
    """An anonymous share waiting for its batch: a random key and the text, nothing else."""

    key: bytes
    text: str


class GroupRow(NamedTuple):
    """A recurring group as stored: ``body`` is its JSON (``server.groups.Group``)."""

    id: str
    name_key: str
    """The name folded for comparing: two groups never share one."""
    body: bytes
    created_at: float


class NoteRow(NamedTuple):
    """A session's group note: ``body`` is its JSON (``server.notes.NoteFields``)."""

    session_id: str
    body: bytes
    updated_at: float
    signed_at: float | None = None
    """Once set, the note never changes again; later words are addenda."""


class Addendum(NamedTuple):
    """Words added to a signed note, dated and signed, kept in order."""

    at: float
    account: str
    text: str


Append = Sequence[tuple[str, bytes]]
"""Events to store, each as (audience, JSON)."""


class AppendRequest(NamedTuple):
    session_id: str
    events: Append
    command_id: str | None = None
    ended_at: float | None = None
    forget_share_text: bool = False
    """Blank the text of every share in the session (it ends without "record shared text")."""
    audit: Sequence[AuditEntry] = ()
    mixed: Sequence[str] = ()
    """Anonymous shares to hold back until the next batch (stored with no author and no time)."""
    released: Sequence[bytes] = ()
    """Keys of held shares that this append's events release."""
    code: str | None = None
    """The session's new room code (the old one stops letting anyone in)."""


class StoreError(Exception):
    """The file is not a circlekeeper database, or is damaged."""


class SeqConflict(Exception):
    """Another writer appended to the session first: nothing of this append was stored.

    Raised by an append that named the sequence number it expected to follow (several hubs on
    one PostgreSQL database); the caller re-reads the log and decides again.
    """

    def __init__(self, session_id: str, expected: int, found: int | None = None) -> None:
        ends = "has grown" if found is None else f"ends at seq {found}"
        super().__init__(
            f"session {session_id[:8]}: expected to append after seq {expected}, but the log {ends}"
        )
        self.session_id = session_id
        self.expected = expected
        self.found = found


class DuplicateCommand(Exception):
    """The command id was applied already (maybe by another hub): nothing was stored, and the
    retry gets the original outcome, an ``Ack(duplicate=True)``."""


class Unavailable(StoreError):
    """The database cannot be reached just now (a restart, the network): nothing was stored,
    or the outcome is unknown; the hub lets the client retry, and the command id makes a
    retry of a command that did commit a duplicate."""


class NoteSigned(Exception):
    """The note is signed: it cannot change; add an addendum instead."""


class Store(Protocol):
    async def create(
        self,
        record: SessionRecord,
        events: Append,
        audit: Sequence[AuditEntry] = (),
        *,
        group: str | None = None,
    ) -> list[Stored]:
        """Store a new session's first events; ``group`` links it to a recurring group."""
        ...

    async def groups(self) -> list[GroupRow]: ...

    async def group_sessions(self, group_id: str) -> list[str]:
        """The ids of the group's sessions, oldest first."""
        ...

    def append(self, request: AppendRequest) -> Awaitable[list[Stored]]:
        """Store the request's events after the session's last one, and mark its
        ``command_id`` as applied. The store of one hub (SQLite) takes the request as it is
        called, so appends are stored in the order they are made, awaited or not."""
        ...

    async def pending(self, session_id: str) -> list[Pending]:
        """Held anonymous shares, in key order (random, not arrival order)."""
        ...

    async def password_hash(self, account: str) -> str | None: ...

    async def accounts(self) -> set[str]: ...

    async def read(self, session_id: str, after: int = 0) -> list[Stored]: ...

    async def command_ids(self, session_id: str) -> set[str]:
        """The ids of every command applied in the session (for idempotent retries)."""
        ...

    async def get(self, session_id: str) -> SessionRecord | None: ...

    async def live_by_code(self, code: str) -> SessionRecord | None: ...

    async def live_sessions(self) -> list[SessionRecord]: ...

    async def latest_by_code(self, code: str) -> SessionRecord | None: ...

    async def close(self) -> None: ...


Wake = Callable[[str | None, int], None]
"""Told ``(session id, last seq)`` when another writer appended; ``(None, 0)`` after a gap in
listening, when any session may have moved."""


@runtime_checkable
class SharedLog(Store, Protocol):
    """A store several hubs write at once (PostgreSQL).

    Appends name the seq they expect to follow and raise ``SeqConflict`` when another hub got
    there first; open check-ins are kept as counts per answer (never per person) so any hub can
    close them; ``follow`` wakes the hub when another hub appends.
    """

    @property
    def outage(self) -> str | None:
        """Why the database is out of reach (one line), or None while it works."""
        ...

    async def append(
        self,
        request: AppendRequest,
        *,
        expected_seq: int | None = None,
        tallies: Mapping[int, Mapping[int, int]] | None = None,
    ) -> list[Stored]:
        """As ``Store.append``; ``tallies`` are the counts of check-ins these events close, as
        the decision saw them: other counts by then are a conflict, and the counts go."""
        ...

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
        """Count an answer (moving it from ``was`` when this hub counted the seat before);
        returns how many answered so far."""
        ...

    async def counts(self, session_id: str, checkin: int) -> dict[int, int]:
        """The open check-in's counts per answer value."""
        ...

    async def positions(self, session_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Each session's last seq and number of held shares."""
        ...

    async def follow(self, wake: Wake, period: float) -> None:
        """Listen for other hubs' appends until cancelled, reconnecting after an outage; calls
        ``wake(None, 0)`` every ``period`` seconds too (the catch-up a lost notice needs)."""
        ...


class RecordLog(Protocol):
    """The synchronous view of the records that review, exports and the CLI use.

    ``SQLiteLog`` and ``PostgresLog`` both provide it, so those paths read either engine.
    """

    @property
    def path(self) -> Path | str:
        """Where the records are, for messages (a PostgreSQL URL without its password)."""
        ...

    def read(self, session_id: str, after: int = 0) -> list[Stored]: ...

    def audit(self, session_id: str) -> list[AuditEntry]: ...

    def add_audit(self, session_id: str, entry: AuditEntry) -> None: ...

    def pending(self, session_id: str) -> list[Pending]: ...

    def command_ids(self, session_id: str) -> set[str]: ...

    def get(self, session_id: str) -> SessionRecord | None: ...

    def sessions(self) -> list[SessionRecord]: ...

    def sessions_before(self, cutoff: float) -> list[SessionRecord]: ...

    def delete_sessions(self, session_ids: Sequence[str]) -> int: ...

    def compact(self) -> bool: ...

    def password_hash(self, account: str) -> str | None: ...

    def facilitators(self) -> list[tuple[str, float]]: ...

    def add_facilitator(self, account: str, password_hash: str, now: float) -> bool: ...

    def set_password(self, account: str, password_hash: str) -> bool: ...

    def remove_facilitator(self, account: str) -> bool: ...

    # -- recurring groups and their notes ------------------------------------------------------

    def groups(self) -> list[GroupRow]: ...

    def add_group(self, row: GroupRow) -> bool:
        """False when a group of that name exists already."""
        ...

    def update_group(self, group_id: str, name_key: str, body: bytes) -> bool:
        """False when another group has the name."""
        ...

    def remove_group(self, group_id: str) -> bool: ...

    def group_sessions(self, group_id: str) -> list[str]: ...

    def session_group(self, session_id: str) -> str | None: ...

    def link_session(self, session_id: str, group_id: str) -> None: ...

    def note(self, session_id: str) -> NoteRow | None: ...

    def save_note(self, session_id: str, body: bytes, now: float, *, sign: bool = False) -> None:
        """Write the note (and with ``sign``, lock it); a signed note raises ``NoteSigned``."""
        ...

    def addenda(self, session_id: str) -> list[Addendum]: ...

    def add_addendum(self, session_id: str, addendum: Addendum) -> None:
        """Add to a signed note (an unsigned one is still edited instead: ``StoreError``)."""
        ...

    def close(self) -> None: ...
