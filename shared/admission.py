"""Who may come into a session, as what, and when: the rules of the door, for every role.

The hub proves what it can (a password, a signed credential) and describes the knock; these
pure functions decide. A new seat, a participant's or a board's, needs the room's current code
and a room that would take a new person: not locked, not full, not ended. A seat that was
admitted before comes back with its credential, also into a locked room, unless it was asked to
leave.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import roster
from shared.commands import Role
from shared.decide import ENDED, REMOVED, Context, clean_name, presence
from shared.decision import Actor, Decision, drafts, reject
from shared.events import Error, ParticipantJoined
from shared.state import SessionState

SIGN_IN_FAILED = "Sign-in failed. Please check the name and password."
"""The same words for an unknown account, a wrong password, or an account not on the session,
so the network learns nothing about which accounts exist."""
REJOIN = "Please join again with the room code."
BOARD_NAME = "Room board"


def normalize_code(raw: str) -> str:
    """What a person typed, as a code: case and spaces or dashes do not matter."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Knock:
    """A handshake as the hub has checked it."""

    role: Role
    account: str | None = None
    """A facilitator account whose password or credential the hub verified."""
    seat: str | None = None
    """The seat a valid participant or board credential proves."""
    name: str | None = None
    with_code: bool = True
    """The handshake named the room's current code (not only a session id)."""
    new_seat: str = ""
    """The id a new seat gets, drawn by the hub."""


def admit(state: SessionState, knock: Knock, now: float, context: Context) -> Decision | Error:
    """Let a connection in (the ``Decision``'s actor and events), or say why not."""
    if state.status == "ended":
        return reject("session_ended", ENDED)
    if knock.role == "facilitator":
        if knock.account is None or knock.account not in state.facilitators:
            return reject("sign_in_failed", SIGN_IN_FAILED)
        return Decision(actor=Actor(role="facilitator", account=knock.account))
    if knock.seat is not None:
        return _come_back(state, knock, now)
    return _new_seat(state, knock, now, context)


def _come_back(state: SessionState, knock: Knock, now: float) -> Decision | Error:
    seat = state.participant(knock.seat or "")
    if seat is None or seat.board != (knock.role == "board"):
        return reject("not_allowed", REJOIN)
    if seat.removed:
        return reject("removed", REMOVED)
    back = presence(state, seat.id, True, now)
    actor = Actor(role=knock.role, seat=seat.id)
    return Decision(events=back.events, actor=actor, resumed=True)


def would_take_new_seat(state: SessionState, context: Context) -> Error | None:
    """Why the room would turn a new person away now, if it would."""
    if state.status == "ended":
        return reject("session_ended", ENDED)
    if state.locked:
        return reject(
            "room_locked",
            "This room is closed to new people right now. Please speak with the facilitator.",
        )
    if len(state.people) >= context.max_participants:
        return reject("room_full", "This room is full. Please ask the facilitator.")
    return None


def _new_seat(state: SessionState, knock: Knock, now: float, context: Context) -> Decision | Error:
    if not knock.with_code:
        return reject("not_allowed", REJOIN)
    closed = would_take_new_seat(state, context)
    if closed is not None:
        return closed
    board = knock.role == "board"
    name = BOARD_NAME if board else clean_name(knock.name)
    if isinstance(name, Error):
        return name
    joined = ParticipantJoined(participant=knock.new_seat, name=name, at=now, board=board)
    matched = () if board else roster.on_join(state, knock.new_seat, name, now)
    return Decision(
        events=drafts(joined, *matched), actor=Actor(role=knock.role, seat=knock.new_seat)
    )
