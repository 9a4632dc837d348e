"""Client → hub messages: one tagged union, decoded strictly at the hub's edge.

The first frame of a connection is a handshake (``CreateSession`` or ``Hello``); every later frame
is a ``Command`` carrying a client-generated ``id`` so that a retried command is applied once.
Tags are explicit strings so renaming a class never changes the wire.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from shared.templates import ItemKind

PROTOCOL_VERSION = 3
MAX_SHARE_CHARS = 1000
"""The longest share after trimming spaces at the ends (checked by the hub, shown by clients)."""

MAX_ITEM_MINUTES = 240
"""The longest an agenda item may be planned for, in minutes (at least 1)."""
ItemMinutes = Annotated[int, Meta(ge=1, le=MAX_ITEM_MINUTES)]

CommandId = Annotated[str, Meta(min_length=1, max_length=36)]
RoomCode = Annotated[str, Meta(min_length=1, max_length=16)]
MAX_NAME_CHARS = 40
"""The longest display name or facilitator account name."""
Account = Annotated[str, Meta(min_length=1, max_length=MAX_NAME_CHARS)]
ParticipantId = Annotated[str, Meta(min_length=1, max_length=32)]
Role = Literal["facilitator", "participant", "board"]


class Login(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A facilitator's account name and password; sent in a handshake only, never stored."""

    account: Account
    password: Annotated[str, Meta(min_length=1, max_length=256)]

    def __repr__(self) -> str:  # never print a password into a log or a traceback
        return f"Login(account={self.account!r}, password='…')"


class Handshake(Struct, tag_field="type", frozen=True, kw_only=True, forbid_unknown_fields=True):
    protocol: int
    """The protocol version the client speaks; the hub refuses any other."""


class CreateSession(Handshake, tag="session.create", frozen=True):
    """Open a new session from an agenda template; the signed-in sender owns it."""

    login: Login
    template: Annotated[str, Meta(min_length=1, max_length=63)]
    title: Annotated[str, Meta(min_length=1, max_length=120)] | None = None
    record_shares: bool = False
    """Keep share text in the record after the session ends (off by default)."""


class Hello(Handshake, tag="hello", frozen=True):
    """Join a session, or come back to it after a dropped connection."""

    role: Role
    code: RoomCode | None = None
    """The room code people are given; a reconnecting client sends ``session`` instead."""
    session: Annotated[str, Meta(max_length=64)] | None = None
    """The session id from an earlier ``Welcome``: the code may have changed since."""
    name: Annotated[str, Meta(max_length=MAX_NAME_CHARS)] | None = None
    """A participant's chosen display name (first join only)."""
    token: Annotated[str, Meta(max_length=150)] | None = None
    """The credential from an earlier ``Welcome``: a facilitator's, or a participant's to rejoin."""
    login: Login | None = None
    """A co-facilitator signing in to a session by its room code."""
    after: Annotated[int, Meta(ge=0)] = 0
    """The last event sequence number this client applied; the hub sends what follows."""
    epoch: Annotated[str, Meta(max_length=64)] | None = None


class Command(Struct, tag_field="type", frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: CommandId


class StartSession(Command, tag="session.start", frozen=True):
    """Start the clock on the first agenda item."""


class NextItem(Command, tag="agenda.next", frozen=True):
    """Close the current agenda item and start the next one not skipped."""


class ExtendItem(Command, tag="agenda.extend", frozen=True):
    minutes: Annotated[int, Meta(ge=1, le=60)] = 5


class SkipItem(Command, tag="agenda.skip", frozen=True):
    """Take an upcoming item off the plan (default: the next one)."""

    index: Annotated[int, Meta(ge=0)] | None = None


class AddItem(Command, tag="agenda.add", frozen=True):
    """Insert an item into the part of the agenda still to come."""

    index: Annotated[int, Meta(ge=0)]
    kind: ItemKind
    title: Annotated[str, Meta(min_length=1, max_length=120)]
    minutes: ItemMinutes
    notes: Annotated[str, Meta(max_length=2000)] = ""
    """Facilitator-only, like a template's notes."""


class RestoreItem(Command, tag="agenda.restore", frozen=True):
    """Bring back a skipped item that has not run (undo ``agenda.skip``)."""

    index: Annotated[int, Meta(ge=0)]


class RemoveItem(Command, tag="agenda.remove", frozen=True):
    index: Annotated[int, Meta(ge=0)]


class MoveItem(Command, tag="agenda.move", frozen=True):
    index: Annotated[int, Meta(ge=0)]
    to: Annotated[int, Meta(ge=0)]


class SetMinutes(Command, tag="agenda.set_minutes", frozen=True):
    """Change an upcoming or the running item's planned minutes."""

    index: Annotated[int, Meta(ge=0)]
    minutes: ItemMinutes


class EndSession(Command, tag="session.end", frozen=True):
    pass


class LockRoom(Command, tag="room.lock", frozen=True):
    """Stop (or allow again) new people joining with the room code."""

    locked: bool = True


class RemoveParticipant(Command, tag="participant.remove", frozen=True):
    """Ask someone to leave: their terminal is disconnected and the room code changes, so they
    cannot come back with the code they had unless the facilitator readmits them."""

    participant: ParticipantId


class ReadmitParticipant(Command, tag="participant.readmit", frozen=True):
    participant: ParticipantId


class MergeSeats(Command, tag="participant.merge", frozen=True):
    """One person, one seat: ``participant`` (an earlier seat, now away) was the same person
    as ``into`` (who joined again without their terminal's credential). The earlier seat's
    record becomes part of ``into``'s."""

    participant: ParticipantId
    into: ParticipantId


class AddCofacilitator(Command, tag="session.add_cofacilitator", frozen=True):
    """Let another facilitator account sign in to this session with its room code."""

    account: Account


class SubmitShare(Command, tag="share.submit", frozen=True):
    """An anonymous share; the hub never records who sent it."""

    text: Annotated[str, Meta(max_length=8000)]


ShareAction = Literal["show", "set_aside", "discussed", "take_back"]
"""``take_back`` undoes ``show``: the share leaves the room's screens and is pending again."""


class ModerateShare(Command, tag="share.moderate", frozen=True):
    share: Annotated[int, Meta(ge=1)]
    action: ShareAction


class StartExercise(Command, tag="exercise.start", frozen=True):
    """Guide the whole room through an exercise; every terminal follows the same step."""

    exercise: Annotated[str, Meta(min_length=1, max_length=63)]
    variant: Annotated[str, Meta(max_length=63)] | None = None
    include_optional: bool = False
    """Include steps left out by default (e.g. TIPP's temperature and exercise steps)."""


class PauseExercise(Command, tag="exercise.pause", frozen=True):
    pass


class ResumeExercise(Command, tag="exercise.resume", frozen=True):
    pass


class SkipExerciseStep(Command, tag="exercise.skip", frozen=True):
    """Move the room on to the next step or breath phase."""


class StopExercise(Command, tag="exercise.stop", frozen=True):
    pass


class RateFeeling(Command, tag="feeling.rate", frozen=True):
    """ "How do you feel now?" after an exercise: anonymous, counted, never stored one by one."""

    run: Annotated[int, Meta(ge=1)]
    score: Annotated[int, Meta(ge=0, le=10)]


class CloseFeelings(Command, tag="feeling.close", frozen=True):
    """Publish the distribution of answers (only if enough people answered)."""

    run: Annotated[int, Meta(ge=1)]


AnyCommand = (
    StartSession
    | NextItem
    | ExtendItem
    | SkipItem
    | RestoreItem
    | EndSession
    | LockRoom
    | RemoveParticipant
    | ReadmitParticipant
    | MergeSeats
    | AddCofacilitator
    | AddItem
    | RemoveItem
    | MoveItem
    | SetMinutes
    | SubmitShare
    | ModerateShare
    | StartExercise
    | PauseExercise
    | ResumeExercise
    | SkipExerciseStep
    | StopExercise
    | RateFeeling
    | CloseFeelings
)
AnyHandshake = CreateSession | Hello
ClientMessage = CreateSession | Hello | AnyCommand

FACILITATOR_COMMANDS: frozenset[type[Command]] = frozenset(
    {
        StartSession,
        NextItem,
        ExtendItem,
        SkipItem,
        RestoreItem,
        EndSession,
        LockRoom,
        RemoveParticipant,
        ReadmitParticipant,
        MergeSeats,
        AddCofacilitator,
        AddItem,
        RemoveItem,
        MoveItem,
        SetMinutes,
        ModerateShare,
        StartExercise,
        PauseExercise,
        ResumeExercise,
        SkipExerciseStep,
        StopExercise,
        CloseFeelings,
    }
)
ANONYMOUS_COMMANDS: frozenset[type[Command]] = frozenset({SubmitShare, RateFeeling})
"""Their ids are never stored and their acks go to the sender only."""
