"""Recorded sessions as people read them: each one rebuilt with the same ``reduce`` as live.

Review, replay and export all start here: find a session by what a person types (``resolve``),
read its log once (``load``) and rebuild the state after every event (``timeline``). There is no
second reducer: every state in a replay is ``shared.reduce.reduce`` applied to the stored log.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec

from server.auth import normalize_code
from server.store import AuditEntry, RecordLog, SessionRecord
from shared.codec import decode_event
from shared.events import AnyEvent
from shared.reduce import reduce, replay
from shared.state import SessionState

MIN_PREFIX = 6
"""Fewest characters of a session id accepted as a reference (shorter ones collide too often)."""


class RecordError(Exception):
    """A reference that names no session or several, or a record that cannot be read.

    The message is one line a person can act on.
    """


class SessionSummary(msgspec.Struct, kw_only=True):
    id: str
    code: str
    title: str
    template: str
    status: str
    created_at: float
    started_at: float | None
    ended_at: float | None
    duration_seconds: float | None
    joined: int
    events: int


LogEntry = tuple[int, AnyEvent]
"""A stored event with its sequence number."""


@dataclass(frozen=True)
class Recording:
    """One session as stored: its record row and its decoded log, in order."""

    record: SessionRecord
    events: Sequence[LogEntry]
    audit: Sequence[AuditEntry] = ()
    """Facilitator actions on the record: who did what, when."""
    final: SessionState = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "final", replay(event for _, event in self.events))


def read_events(log: RecordLog, session_id: str) -> list[LogEntry]:
    """The session's whole log (the facilitator's view), decoded; damage is a ``RecordError``."""
    try:
        rows = log.read(session_id)
    except sqlite3.DatabaseError as exc:
        raise RecordError(f"{log.path} is damaged ({exc}).") from None
    events: list[LogEntry] = []
    for row in rows:
        try:
            events.append((row.seq, decode_event(row.body)))
        except msgspec.MsgspecError as exc:
            raise RecordError(
                f"Session {session_id[:8]} in {log.path} is damaged: event {row.seq} "
                f"cannot be read ({exc})."
            ) from None
    return events


def session_state(log: RecordLog, session_id: str) -> tuple[SessionState, int]:
    """The session's full state (facilitator's view) and its number of events."""
    state = SessionState()
    rows = log.read(session_id)
    for row in rows:
        state = reduce(state, decode_event(row.body))
    return state, len(rows)


def summary(log: RecordLog, record: SessionRecord) -> SessionSummary:
    state, count = session_state(log, record.id)
    return SessionSummary(
        id=record.id,
        code=record.code,
        title=state.title,
        template=state.template,
        status=state.status,
        created_at=record.created_at,
        started_at=state.started_at,
        ended_at=state.ended_at,
        duration_seconds=state.duration() if state.ended_at else None,
        joined=len(state.participants),
        events=count,
    )


def summary_or_bare(log: RecordLog, record: SessionRecord) -> SessionSummary:
    """The summary, or what the sessions row alone says when the log cannot be read.

    Deleting a damaged session must still work, and still say what it removed.
    """
    try:
        return summary(log, record)
    except (sqlite3.DatabaseError, msgspec.MsgspecError):
        return SessionSummary(
            id=record.id,
            code=record.code,
            title="(damaged record)",
            template="",
            status="unknown",
            created_at=record.created_at,
            started_at=None,
            ended_at=record.ended_at,
            duration_seconds=None,
            joined=0,
            events=0,
        )


def summaries(log: RecordLog) -> list[SessionSummary]:
    """Every recorded session, newest first."""
    return [summary(log, record) for record in log.sessions()]


def all_records(log: RecordLog) -> list[SessionRecord]:
    """Every session row; a damaged page can read back as NULLs, which is damage too."""
    try:
        records = log.sessions()
    except sqlite3.DatabaseError as exc:
        raise RecordError(f"{log.path} is damaged ({exc}).") from None
    for record in records:
        if not (isinstance(record.id, str) and isinstance(record.code, str)):
            raise RecordError(f"{log.path} is damaged (a session row cannot be read).")
    return records


def resolve(log: RecordLog, ref: str) -> SessionRecord:
    """The one session ``ref`` names: a full id, a unique id prefix (6+ characters) or a code.

    A room code is reused once its session has ended, so a code can name several sessions;
    that is an ambiguity like any other, and the message lists the candidates' ids.
    """
    wanted = ref.strip().lower()
    records = all_records(log)
    exact = [r for r in records if r.id == wanted]
    if exact:
        return exact[0]
    code = normalize_code(ref)
    found = {r.id: r for r in records if code and r.code == code}
    if len(wanted) >= MIN_PREFIX:
        found.update({r.id: r for r in records if r.id.startswith(wanted)})
    if len(found) == 1:
        return next(iter(found.values()))
    if found:
        ids = ", ".join(r.id[:12] for r in found.values())
        raise RecordError(f"{ref!r} matches {len(found)} sessions ({ids}); give more of the id.")
    if len(wanted) < MIN_PREFIX and not code:
        raise RecordError(f"{ref!r} is too short: give a room code or 6+ characters of the id.")
    raise RecordError(f"No session {ref!r} in {log.path}. 'circle sessions' lists them.")


def load(log: RecordLog, ref: str) -> Recording:
    """The session ``ref`` names, with its whole log; any problem is one ``RecordError``."""
    record = resolve(log, ref)
    return Recording(record, read_events(log, record.id), log.audit(record.id))


def timeline(events: Sequence[LogEntry]) -> list[SessionState]:
    """The state before the first event and after each one: ``timeline[n]`` has ``n`` applied.

    Each entry is ``reduce`` of the one before it, exactly what a live client computes as the
    events arrive, so a replay shows what the room saw at that point.
    """
    return list(
        itertools.accumulate((event for _, event in events), reduce, initial=SessionState())
    )
