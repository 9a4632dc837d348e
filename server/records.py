"""Recorded sessions as people read them: each one rebuilt with the same ``reduce`` as live."""

from __future__ import annotations

import msgspec

from server.store.sqlite import SQLiteLog
from shared.codec import decode_event
from shared.reduce import reduce
from shared.state import SessionState


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


def session_state(log: SQLiteLog, session_id: str) -> tuple[SessionState, int]:
    """The session's full state (facilitator's view) and its number of events."""
    state = SessionState()
    rows = log.read(session_id)
    for row in rows:
        state = reduce(state, decode_event(row.body))
    return state, len(rows)


def summaries(log: SQLiteLog) -> list[SessionSummary]:
    """Every recorded session, newest first."""
    found = []
    for record in log.sessions():
        state, count = session_state(log, record.id)
        found.append(
            SessionSummary(
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
        )
    return found
