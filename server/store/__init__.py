"""Where session logs live: one small interface, two engines (embedded SQLite, PostgreSQL).

Every append is committed durably before the hub acknowledges or fans anything out. ``Store`` is
what the hub uses (async); ``RecordLog`` is what the records, review and CLI paths read (sync).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

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


class Store(Protocol):
    async def create(
        self, record: SessionRecord, events: Append, audit: Sequence[AuditEntry] = ()
    ) -> list[Stored]: ...

    async def append(
        self,
        session_id: str,
        events: Append,
        *,
        command_id: str | None = None,
        ended_at: float | None = None,
        forget_share_text: bool = False,
        audit: Sequence[AuditEntry] = (),
        mixed: Sequence[str] = (),
        released: Sequence[bytes] = (),
        code: str | None = None,
    ) -> list[Stored]:
        """Store events after the session's last one, and mark ``command_id`` as applied."""
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

    def close(self) -> None: ...
