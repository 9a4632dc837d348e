"""Clearing a participant's terminal (``participant.reset``): the rule core's answer."""

from __future__ import annotations

from shared.commands import ClearTerminal, EndSession, RemoveParticipant
from shared.decide import decide
from shared.decision import AuditEntry, only
from shared.events import TerminalCleared
from tests.unit.test_decide import BOARD, FAC, SAM, T0, apply, cid, ok, refused, running


def test_the_facilitator_clears_a_seats_terminal_and_only_that_seat_hears_of_it() -> None:
    cleared = ok(decide(running(), ClearTerminal(id=cid(), participant="p-sam"), FAC, T0 + 20))
    assert cleared.events == ((only("p-sam"), TerminalCleared(participant="p-sam", at=T0 + 20)),)
    assert cleared.audit == (AuditEntry(T0 + 20, "dana", "terminal cleared", "Sam"),)
    # The seat stays in the session, as it was.
    state = apply(running(), cleared)
    assert state.participants == running().participants


def test_only_a_facilitator_may_clear_a_terminal() -> None:
    for actor in (SAM, BOARD):
        refused(
            decide(running(), ClearTerminal(id=cid(), participant="p-sam"), actor, T0),
            "not_allowed",
        )


def test_nobody_unknown_removed_or_after_the_end() -> None:
    state = running()
    refused(decide(state, ClearTerminal(id=cid(), participant="p-nobody"), FAC, T0), "invalid")
    gone = apply(state, decide(state, RemoveParticipant(id=cid(), participant="p-sam"), FAC, T0))
    words = refused(decide(gone, ClearTerminal(id=cid(), participant="p-sam"), FAC, T0), "invalid")
    assert "Sam was asked to leave" in words.detail
    ended = apply(state, decide(state, EndSession(id=cid()), FAC, T0))
    refused(decide(ended, ClearTerminal(id=cid(), participant="p-sam"), FAC, T0), "session_ended")
