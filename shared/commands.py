"""Client → hub messages: one tagged union, decoded strictly at the hub's edge.

The first frame of a connection is a handshake (``CreateSession`` or ``Hello``); every later frame
is a ``Command`` carrying a client-generated ``id`` so that a retried command is applied once.
Tags are explicit strings so renaming a class never changes the wire.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from shared.templates import ItemKind

PROTOCOL_VERSION = 1
MAX_SHARE_CHARS = 1000
"""The longest share after trimming spaces at the ends (checked by the hub, shown by clients)."""

CommandId = Annotated[str, Meta(min_length=1, max_length=36)]
RoomCode = Annotated[str, Meta(min_length=1, max_length=16)]
Role = Literal["facilitator", "participant", "board"]


class Handshake(Struct, tag_field="type", frozen=True, kw_only=True, forbid_unknown_fields=True):
    protocol: int
    """The protocol version the client speaks; the hub refuses any other."""


class CreateSession(Handshake, tag="session.create", frozen=True):
    """Open a new session from an agenda template; the sender becomes its facilitator."""

    template: Annotated[str, Meta(min_length=1, max_length=63)]
    title: Annotated[str, Meta(min_length=1, max_length=120)] | None = None
    record_shares: bool = False
    """Keep share text in the record after the session ends (off by default)."""


class Hello(Handshake, tag="hello", frozen=True):
    """Join a session, or come back to it after a dropped connection."""

    role: Role
    code: RoomCode
    name: Annotated[str, Meta(max_length=40)] | None = None
    """A participant's chosen display name (first join only)."""
    token: Annotated[str, Meta(max_length=100)] | None = None
    """The credential from an earlier ``Welcome``: a facilitator's, or a participant's to rejoin."""
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
    minutes: Annotated[int, Meta(ge=1, le=240)]
    notes: Annotated[str, Meta(max_length=2000)] = ""
    """Facilitator-only, like a template's notes."""


class RemoveItem(Command, tag="agenda.remove", frozen=True):
    index: Annotated[int, Meta(ge=0)]


class MoveItem(Command, tag="agenda.move", frozen=True):
    index: Annotated[int, Meta(ge=0)]
    to: Annotated[int, Meta(ge=0)]


class SetMinutes(Command, tag="agenda.set_minutes", frozen=True):
    """Change an upcoming or the running item's planned minutes."""

    index: Annotated[int, Meta(ge=0)]
    minutes: Annotated[int, Meta(ge=1, le=240)]


class EndSession(Command, tag="session.end", frozen=True):
    pass


class SubmitShare(Command, tag="share.submit", frozen=True):
    """An anonymous share; the hub never records who sent it."""

    text: Annotated[str, Meta(max_length=8000)]


ShareAction = Literal["show", "set_aside", "discussed"]


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
    | EndSession
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
        EndSession,
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
