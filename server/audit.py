"""What goes in a session's audit log: the facilitator actions a record has to show.

The audit log says who (a facilitator account) did what and when. It never holds anything about
an anonymous item, and names a participant only for a removal or readmission, which the
facilitator did openly.
"""

from __future__ import annotations

from server.decide import Actor
from server.store import AuditEntry
from shared.commands import (
    AddCofacilitator,
    AnyCommand,
    EndSession,
    LockRoom,
    ReadmitParticipant,
    RemoveParticipant,
    StartSession,
)
from shared.state import SessionState


def entries(command: AnyCommand, actor: Actor, state: SessionState, now: float) -> list[AuditEntry]:
    """The audit entries for an applied command (``state`` is the one it was decided on)."""
    account = actor.account or "?"

    def named(participant: str) -> str:
        person = state.participant(participant)
        return person.name if person is not None else participant

    match command:
        case StartSession():
            return [AuditEntry(now, account, "session started")]
        case EndSession():
            return [AuditEntry(now, account, "session ended")]
        case LockRoom():
            return [AuditEntry(now, account, "room locked" if command.locked else "room opened")]
        case RemoveParticipant():
            return [AuditEntry(now, account, "participant removed", named(command.participant))]
        case ReadmitParticipant():
            return [AuditEntry(now, account, "participant readmitted", named(command.participant))]
        case AddCofacilitator():
            return [AuditEntry(now, account, "co-facilitator added", command.account)]
        case _:
            return []
