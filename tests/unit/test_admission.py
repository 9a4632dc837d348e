"""The rules of the door, for every role and every state of the room: pure ``admit``.

The hub proves what a handshake claims (a password, a signed credential, the current code) and
describes it as a ``Knock``; these tests are the whole of who comes in, as what, and when.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.admission import BOARD_NAME, REJOIN, SIGN_IN_FAILED, Knock, admit
from shared.commands import (
    AddCofacilitator,
    EndSession,
    LockRoom,
    ReadmitParticipant,
    RemoveParticipant,
)
from shared.decide import REMOVED, Context, decide, presence, recount
from shared.decision import EVERYONE, Actor, Decision, only
from shared.events import HeadCount, ParticipantJoined, PresenceChanged
from shared.reduce import replay
from shared.state import SessionState
from tests.unit.test_decide import FAC, T0, apply, cid, lobby, newcomer, ok, refused

OPEN = Context()
BOARD = "b-board"


def with_board(state: SessionState | None = None) -> SessionState:
    state = state or lobby()
    return apply(state, admit(state, Knock(role="board", new_seat=BOARD), T0 + 2, OPEN))


def locked(state: SessionState) -> SessionState:
    return apply(state, decide(state, LockRoom(id=cid()), FAC, T0 + 5))


def ended(state: SessionState) -> SessionState:
    return apply(state, decide(state, EndSession(id=cid()), FAC, T0 + 9))


def removed(state: SessionState, seat: str) -> SessionState:
    removal = ok(decide(state, RemoveParticipant(id=cid(), participant=seat), FAC, T0 + 6))
    return apply(state, removal.with_code("NEWCOD"))


def away(state: SessionState, seat: str) -> SessionState:
    return apply(state, presence(state, seat, False, T0 + 4))


def back(seat: str, role: str = "participant") -> Knock:
    """A handshake with a valid credential for ``seat`` (and no room code)."""
    return Knock(role=role, seat=seat, with_code=False)  # type: ignore[arg-type]


# -- facilitators -----------------------------------------------------------------------------


def test_the_owner_signs_in_with_no_event() -> None:
    admitted = ok(admit(lobby(), Knock(role="facilitator", account="dana"), T0 + 3, OPEN))
    assert admitted == Decision(actor=Actor(role="facilitator", account="dana"))


def test_a_co_facilitator_signs_in_once_added() -> None:
    state = lobby()
    lee = Knock(role="facilitator", account="lee")
    refused(admit(state, lee, T0, OPEN), "sign_in_failed")
    accounts = Context(accounts=frozenset({"lee"}))
    state = apply(
        state, decide(state, AddCofacilitator(id=cid(), account="lee"), FAC, T0, accounts)
    )
    admitted = ok(admit(state, lee, T0 + 3, OPEN))
    assert admitted.actor == Actor(role="facilitator", account="lee")
    assert admitted.events == () and not admitted.resumed


@pytest.mark.parametrize("account", [None, "kim"], ids=["unverified", "not-on-this-session"])
def test_a_facilitator_account_not_on_the_session_gets_the_same_words(account: str | None) -> None:
    """An unknown account, a wrong password and a stranger's account read the same."""
    error = refused(
        admit(lobby(), Knock(role="facilitator", account=account), T0, OPEN), "sign_in_failed"
    )
    assert error.detail == SIGN_IN_FAILED


def test_a_facilitator_comes_into_a_locked_room_without_the_code() -> None:
    knock = Knock(role="facilitator", account="dana", with_code=False)
    assert ok(admit(locked(lobby()), knock, T0 + 6, OPEN)).actor == FAC


def test_nobody_signs_in_to_an_ended_session() -> None:
    knock = Knock(role="facilitator", account="dana")
    refused(admit(ended(lobby()), knock, T0 + 10, OPEN), "session_ended")


# -- a new participant ------------------------------------------------------------------------


def test_a_new_participant_gets_the_new_seat_and_the_room_a_new_head_count() -> None:
    admitted = ok(admit(lobby(), newcomer(" Kim ", "p-kim"), T0 + 3, OPEN))
    assert admitted.actor == Actor(role="participant", seat="p-kim")
    assert not admitted.resumed
    assert admitted.events == (
        (only("p-kim"), ParticipantJoined(participant="p-kim", name="Kim", at=T0 + 3)),
    )
    # The room hears of it as a new head count, which the hub announces once seats settle.
    joined = replay((e for _, e in admitted.events), lobby())
    assert recount(joined).events == ((EVERYONE, HeadCount(present=2)),)
    assert recount(apply(lobby(), admitted)).events == ()
    assert admitted.audit == () and admitted.effects == ()
    state = apply(lobby(), admitted)
    assert [p.name for p in state.people] == ["Sam", "Kim"] and state.present == 2


def test_a_locked_room_takes_no_new_participant() -> None:
    refused(admit(locked(lobby()), newcomer("Kim", "p-kim"), T0 + 6, OPEN), "room_locked")


def test_a_full_room_takes_no_new_participant() -> None:
    refused(
        admit(lobby(), newcomer("Kim", "p-kim"), T0 + 3, Context(max_participants=1)), "room_full"
    )
    assert ok(admit(lobby(), newcomer("Kim", "p-kim"), T0 + 3, Context(max_participants=2)))


def test_a_seat_away_or_asked_to_leave_still_holds_its_place() -> None:
    """Either may come back (readmitted, for the second), so neither frees a place."""
    two = Context(max_participants=2)
    two_here = apply(lobby(), admit(lobby(), newcomer("Kim", "p-kim"), T0 + 3, OPEN))
    for state in (away(two_here, "p-kim"), removed(two_here, "p-kim")):
        assert state.present == 1
        refused(admit(state, newcomer("Lou", "p-lou"), T0 + 7, two), "room_full")


def test_boards_take_no_participant_place() -> None:
    state = with_board()
    assert ok(admit(state, newcomer("Kim", "p-kim"), T0 + 3, Context(max_participants=2)))


def test_an_ended_session_takes_no_new_participant() -> None:
    refused(admit(ended(lobby()), newcomer("Kim", "p-kim"), T0 + 10, OPEN), "session_ended")


@pytest.mark.parametrize("name", [None, "", "  ", "x" * 41, "Kim\x1b[2J"])
def test_a_new_participant_needs_a_name_the_room_can_show(name: str | None) -> None:
    refused(admit(lobby(), newcomer(name, "p-kim"), T0 + 3, OPEN), "invalid")


def test_a_new_participant_needs_the_current_code_not_only_the_session_id() -> None:
    knock = Knock(role="participant", name="Kim", new_seat="p-kim", with_code=False)
    error = refused(admit(lobby(), knock, T0 + 3, OPEN), "not_allowed")
    assert error.detail == REJOIN


# -- a participant coming back ----------------------------------------------------------------


def test_a_participant_still_here_comes_back_with_no_event() -> None:
    admitted = ok(admit(lobby(), back("p-sam"), T0 + 3, OPEN))
    assert admitted == Decision(actor=Actor(role="participant", seat="p-sam"), resumed=True)


def test_a_participant_away_comes_back_and_is_counted_again() -> None:
    state = away(lobby(), "p-sam")
    assert state.present == 0
    admitted = ok(admit(state, back("p-sam"), T0 + 8, OPEN))
    assert admitted.resumed and admitted.actor == Actor(role="participant", seat="p-sam")
    assert admitted.events == (
        (only("p-sam"), PresenceChanged(participant="p-sam", online=True, at=T0 + 8)),
    )
    assert apply(state, admitted).present == 1


def test_a_participant_comes_back_into_a_locked_or_full_room() -> None:
    state = away(locked(lobby()), "p-sam")
    admitted = ok(admit(state, back("p-sam"), T0 + 8, Context(max_participants=1)))
    assert admitted.resumed and apply(state, admitted).present == 1


def test_a_participant_asked_to_leave_cannot_come_back_until_readmitted() -> None:
    state = removed(lobby(), "p-sam")
    error = refused(admit(state, back("p-sam"), T0 + 7, OPEN), "removed")
    assert error.detail == REMOVED
    state = apply(state, decide(state, ReadmitParticipant(id=cid(), participant="p-sam"), FAC, T0))
    assert ok(admit(state, back("p-sam"), T0 + 8, OPEN)).resumed


def test_an_unknown_seat_is_asked_to_join_again() -> None:
    error = refused(admit(lobby(), back("p-who"), T0 + 3, OPEN), "not_allowed")
    assert error.detail == REJOIN


def test_seats_cannot_change_role() -> None:
    state = with_board()
    refused(admit(state, back(BOARD, "participant"), T0 + 3, OPEN), "not_allowed")
    refused(admit(state, back("p-sam", "board"), T0 + 3, OPEN), "not_allowed")


def test_nobody_comes_back_into_an_ended_session() -> None:
    state = ended(with_board())
    for knock in (back("p-sam"), back(BOARD, "board")):
        refused(admit(state, knock, T0 + 10, OPEN), "session_ended")


# -- boards -----------------------------------------------------------------------------------


def test_a_new_board_gets_a_seat_but_is_not_counted() -> None:
    knock = Knock(role="board", name="Projector\x00", new_seat=BOARD)  # its name is not its own
    admitted = ok(admit(lobby(), knock, T0 + 2, OPEN))
    assert admitted.actor == Actor(role="board", seat=BOARD)
    assert not admitted.resumed
    joined = ParticipantJoined(participant=BOARD, name=BOARD_NAME, at=T0 + 2, board=True)
    assert admitted.events == ((only(BOARD), joined),)  # no HeadCount: nobody more is here
    state = apply(lobby(), admitted)
    assert state.present == state.count_present() == 1
    assert [p.id for p in state.people] == ["p-sam"]


@pytest.mark.parametrize(
    ("room", "context", "code"),
    [
        (locked, OPEN, "room_locked"),
        (lambda s: s, Context(max_participants=1), "room_full"),
        (ended, OPEN, "session_ended"),
    ],
    ids=["locked", "full", "ended"],
)
def test_a_new_board_only_comes_in_when_a_new_participant_would(
    room: Callable[[SessionState], SessionState], context: Context, code: str
) -> None:
    state = room(lobby())
    refused(admit(state, Knock(role="board", new_seat=BOARD), T0 + 10, context), code)
    refused(admit(state, newcomer("Kim", "p-kim"), T0 + 10, context), code)


def test_a_new_board_needs_the_current_code() -> None:
    knock = Knock(role="board", new_seat=BOARD, with_code=False)
    refused(admit(lobby(), knock, T0 + 2, OPEN), "not_allowed")


def test_a_board_comes_back_like_a_participant_also_into_a_locked_room() -> None:
    state = locked(with_board())
    assert ok(admit(state, back(BOARD, "board"), T0 + 6, OPEN)) == Decision(
        actor=Actor(role="board", seat=BOARD), resumed=True
    )
    state = away(state, BOARD)
    admitted = ok(admit(state, back(BOARD, "board"), T0 + 8, Context(max_participants=1)))
    assert admitted.resumed and admitted.actor == Actor(role="board", seat=BOARD)
    # Back online, and still nobody more in the room: no HeadCount.
    assert admitted.events == (
        (only(BOARD), PresenceChanged(participant=BOARD, online=True, at=T0 + 8)),
    )


def test_a_removed_board_is_refused() -> None:
    state = removed(with_board(), BOARD)
    assert state.present == 1  # removing a board changes no head count
    refused(admit(state, back(BOARD, "board"), T0 + 7, OPEN), "removed")


def test_a_session_not_created_yet_has_no_account_and_no_seat() -> None:
    empty = SessionState()
    refused(admit(empty, Knock(role="facilitator", account="dana"), T0, OPEN), "sign_in_failed")
    refused(admit(empty, back("p-sam"), T0, OPEN), "not_allowed")
