"""Shared terminals: the facilitator clears a participant's terminal for the next person.

A kiosk terminal (``circle join --kiosk``) clears itself when its session ends or its person
leaves; this is the facilitator's way to do it from the console, for someone who walked away.
The terminal acts on the ``participant.reset_asked`` event; the seat stays in the record.
"""

from __future__ import annotations

from shared.commands import ClearTerminal
from shared.decision import AuditEntry, Decision, drafts, reject
from shared.events import Error, TerminalCleared
from shared.state import SessionState

__all__ = ["clear_terminal"]


def clear_terminal(
    state: SessionState, command: ClearTerminal, account: str, now: float
) -> Decision | Error:
    """Ask the seat's terminal to clear itself, for the record under the facilitator's name."""
    person = state.participant(command.participant)
    if person is None or person.board:
        return reject("invalid", "That is not a participant's terminal in this session.")
    if person.removed:
        return reject("invalid", f"{person.name} was asked to leave; their terminal is closed.")
    return Decision(
        events=drafts(TerminalCleared(participant=person.id, at=now)),
        audit=(AuditEntry(now, account, "terminal cleared", person.name),),
    )
