"""Client → hub messages: one tagged union, decoded strictly at the hub's edge.

The first frame of a connection is a handshake (``CreateSession`` or ``Hello``); every later frame
is a ``Command`` carrying a client-generated ``id`` so that a retried command is applied once.
Tags are explicit strings so renaming a class never changes the wire.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from msgspec import Meta, Struct

from shared.questions import Question
from shared.templates import ItemKind

PROTOCOL_VERSION = 4
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
    """The facilitator account's name, as the hub's operator created it."""
    password: Annotated[str, Meta(min_length=1, max_length=256)]
    """The account's password, in clear: send it only over ``wss://`` beyond this machine."""

    def __repr__(self) -> str:  # never print a password into a log or a traceback
        return f"Login(account={self.account!r}, password='…')"


class Handshake(Struct, tag_field="type", frozen=True, kw_only=True, forbid_unknown_fields=True):
    protocol: int
    """The protocol version the client speaks; the hub refuses any other."""


class CreateSession(Handshake, tag="session.create", frozen=True):
    """Open a new session from an agenda template; the signed-in sender owns it."""

    login: Login
    """The facilitator's account and password: that account owns the new session."""
    template: Annotated[str, Meta(min_length=1, max_length=63)]
    """The id of an agenda template on the hub (e.g. ``relapse-prevention``); an unknown one
    is refused with ``no_such_template``, whose detail lists the ids the hub knows."""
    title: Annotated[str, Meta(min_length=1, max_length=120)] | None = None
    """The session's title; without one, the template's title."""
    record_shares: bool = False
    """Keep share text in the record after the session ends (off by default)."""
    group: Annotated[str, Meta(min_length=1, max_length=120)] | None = None
    """A recurring group on the hub (its name or id): the session is one of its meetings and
    its facilitators see the group's roster. An unknown group is refused (``invalid``)."""


class Hello(Handshake, tag="hello", frozen=True):
    """Join a session, or come back to it after a dropped connection."""

    role: Role
    """Who connects: a ``facilitator``, a ``participant``, or a ``board`` (a read-only room
    display, which gets a seat and a token like a participant)."""
    code: RoomCode | None = None
    """The room code people are given (case, spaces and dashes do not matter): a new seat
    needs the current one. A reconnecting client sends ``session`` instead, since the code
    may have changed."""
    session: Annotated[str, Meta(max_length=64)] | None = None
    """The ``session_id`` from an earlier ``Welcome``, to come back to that session (the code
    may have changed since). When given, ``code`` is not used to find the session."""
    name: Annotated[str, Meta(max_length=MAX_NAME_CHARS)] | None = None
    """A participant's chosen display name, on the first join only: runs of spaces become one,
    and it must keep 1 to 40 characters and no control characters (else ``invalid``). A board
    needs none."""
    token: Annotated[str, Meta(max_length=150)] | None = None
    """The ``token`` from an earlier ``Welcome``, to come back as the same facilitator (until
    it expires) or to the same participant's or board's seat (it does not expire). Opaque."""
    login: Login | None = None
    """A facilitator of the session signing in with account and password, with ``code`` or
    ``session`` (a co-facilitator, or the owner on another computer)."""
    after: Annotated[int, Meta(ge=0)] = 0
    """The last event sequence number this client applied; the hub sends what follows.
    0 asks for the whole log."""
    epoch: Annotated[str, Meta(max_length=64)] | None = None
    """The ``epoch`` from the same earlier ``Welcome`` as ``after``. Unless it is the
    session's epoch now, ``after`` is ignored and the whole log follows (``Welcome.reset``)."""


class Command(Struct, tag_field="type", frozen=True, kw_only=True, forbid_unknown_fields=True):
    counted_as: ClassVar[str | None] = None
    """The kind the hub's metrics count it as, when its own would tell too much (None: its
    ``type``)."""

    id: CommandId
    """Chosen by the client, unique in the session (a random UUID): the ``ack`` or ``error``
    answering the command names it, and a command sent again with an id already applied is
    acknowledged (``duplicate``), not applied again."""


class StartSession(Command, tag="session.start", frozen=True):
    """Start the clock on the first agenda item."""


class NextItem(Command, tag="agenda.next", frozen=True):
    """Close the current agenda item and start the next one not skipped."""


class ExtendItem(Command, tag="agenda.extend", frozen=True):
    """Give the running agenda item more time."""

    minutes: Annotated[int, Meta(ge=1, le=60)] = 5
    """Minutes added to the running item's planned time."""


class SkipItem(Command, tag="agenda.skip", frozen=True):
    """Take an upcoming item off the plan (default: the next one)."""

    index: Annotated[int, Meta(ge=0)] | None = None
    """The agenda position (0-based) of an item still planned; default: the next one."""


class AddItem(Command, tag="agenda.add", frozen=True):
    """Insert an item into the part of the agenda still to come."""

    index: Annotated[int, Meta(ge=0)]
    """The position (0-based) the new item takes; the item there and those after it move one
    down. It cannot come before an item that has run or is running."""
    kind: ItemKind
    """What sort of block it is (drawn differently, never a rule)."""
    title: Annotated[str, Meta(min_length=1, max_length=120)]
    minutes: ItemMinutes
    """Planned minutes."""
    notes: Annotated[str, Meta(max_length=2000)] = ""
    """Facilitator-only, like a template's notes."""


class RestoreItem(Command, tag="agenda.restore", frozen=True):
    """Bring back a skipped item that has not run (undo ``agenda.skip``)."""

    index: Annotated[int, Meta(ge=0)]
    """The skipped item's agenda position (0-based)."""


class RemoveItem(Command, tag="agenda.remove", frozen=True):
    """Take an item still to come out of the agenda; the items after it move one up."""

    index: Annotated[int, Meta(ge=0)]
    """The item's agenda position (0-based)."""


class MoveItem(Command, tag="agenda.move", frozen=True):
    """Put an item still to come in another place among the items still to come."""

    index: Annotated[int, Meta(ge=0)]
    """The item's agenda position (0-based) now."""
    to: Annotated[int, Meta(ge=0)]
    """Its position once moved, in the final list: the item is taken out, then inserted at
    ``to``."""


class SetMinutes(Command, tag="agenda.set_minutes", frozen=True):
    """Change an upcoming or the running item's planned minutes."""

    index: Annotated[int, Meta(ge=0)]
    """The item's agenda position (0-based)."""
    minutes: ItemMinutes
    """The new planned minutes; extensions given so far stay added on top."""


class EndSession(Command, tag="session.end", frozen=True):
    """End the session: the running item, exercise, turn and round close, held shares are
    released, an open check-in is published, and nobody can join or act any more."""


class LockRoom(Command, tag="room.lock", frozen=True):
    """Stop (or allow again) new people joining with the room code."""

    locked: bool = True
    """True locks the room, false opens it again. Seats already given come back either way."""


class RemoveParticipant(Command, tag="participant.remove", frozen=True):
    """Ask someone to leave: their terminal is disconnected and the room code changes, so they
    cannot come back with the code they had unless the facilitator readmits them."""

    participant: ParticipantId
    """The seat's id (``participant`` in ``participant.joined``)."""


class ReadmitParticipant(Command, tag="participant.readmit", frozen=True):
    """Let a removed seat come back with its token (it is not told the new room code)."""

    participant: ParticipantId
    """The removed seat's id."""


class ClearTerminal(Command, tag="participant.reset", frozen=True):
    """Clear one seat's terminal for the next person: a kiosk terminal (``circle join --kiosk``)
    goes back to its join screen and forgets everything shown or typed on it; any other terminal
    says that the facilitator cleared its screen. The seat stays in the session's record."""

    participant: ParticipantId
    """The seat whose terminal to clear (a participant's, not a board's)."""


class MergeSeats(Command, tag="participant.merge", frozen=True):
    """One person, one seat: ``participant`` (an earlier seat, now away) was the same person
    as ``into`` (who joined again without their terminal's credential). The earlier seat's
    record becomes part of ``into``'s."""

    participant: ParticipantId
    """The earlier seat's id; it must be away."""
    into: ParticipantId
    """The id of the seat that stays."""


class AddCofacilitator(Command, tag="session.add_cofacilitator", frozen=True):
    """Let another facilitator account sign in to this session with its room code."""

    account: Account
    """A facilitator account on this hub. Only the session's owner may add one."""


class SubmitShare(Command, tag="share.submit", frozen=True):
    """An anonymous share; the hub never records who sent it."""

    text: Annotated[str, Meta(max_length=8000)]
    """What the person wants to share. Spaces at the ends are trimmed; what is left must not
    be blank and may have up to ``MAX_SHARE_CHARS`` (1000) characters, else ``invalid``."""


ShareAction = Literal["show", "set_aside", "discussed", "take_back"]
"""``take_back`` undoes ``show``: the share leaves the room's screens and is pending again."""


class ModerateShare(Command, tag="share.moderate", frozen=True):
    """Decide what happens to a share."""

    share: Annotated[int, Meta(ge=1)]
    """The share's number (``share`` in ``share.submitted``)."""
    action: ShareAction
    """``show`` puts it on the room's screens (a shown share shown again comes back to the
    top), ``set_aside`` and ``discussed`` close it, ``take_back`` undoes ``show``: the share
    leaves the room's screens and is pending again."""


class StartExercise(Command, tag="exercise.start", frozen=True):
    """Guide the whole room through an exercise; every terminal follows the same step."""

    exercise: Annotated[str, Meta(min_length=1, max_length=63)]
    """The id of an exercise on the hub (e.g. ``box-breathing``); an unknown one gets
    ``no_such_exercise``, a private one (answered on each terminal alone) ``invalid``."""
    variant: Annotated[str, Meta(max_length=63)] | None = None
    """A breathing exercise's variant (another pace), by its id."""
    include_optional: bool = False
    """Include steps left out by default (e.g. TIPP's temperature and exercise steps)."""


class PauseExercise(Command, tag="exercise.pause", frozen=True):
    """Hold the room's exercise still; its timeline waits until it is resumed."""


class ResumeExercise(Command, tag="exercise.resume", frozen=True):
    """Go on with a paused exercise from where it stopped."""


class SkipExerciseStep(Command, tag="exercise.skip", frozen=True):
    """Move the room on to the next step or breath phase."""


class StopExercise(Command, tag="exercise.stop", frozen=True):
    """End the room's exercise now, before its time is up or after."""


class OpenCheckin(Command, tag="checkin.open", frozen=True):
    """Ask the room a scale question, answered anonymously (one check-in open at a time)."""

    question: Question
    """The question: one of the presets (``shared.questions.PRESETS``) or the facilitator's
    own words."""
    run: Annotated[int, Meta(ge=1)] | None = None
    """The room exercise this check-in follows ("How do you feel now?"), once it has
    finished; none for a check-in of its own."""


class AnswerCheckin(Command, tag="checkin.answer", frozen=True):
    """A participant's answer to the open check-in: anonymous, counted, never stored one by
    one. Answering again changes the answer until the check-in closes."""

    checkin: Annotated[int, Meta(ge=1)]
    """The check-in's number (``checkin`` in ``checkin.opened``)."""
    value: Annotated[int, Meta(ge=0, le=10)]
    """The answer, from the question's ``low`` to its ``high``."""


class CloseCheckin(Command, tag="checkin.close", frozen=True):
    """Publish the answers once: their distribution if enough people answered, else the count."""

    checkin: Annotated[int, Meta(ge=1)]
    """The open check-in's number."""


class RaiseHand(Command, tag="hand.raise", frozen=True):
    """A participant asks to speak (or takes the request back): the facilitator sees their name
    in the queue."""

    raised: bool = True
    """True raises the hand, false lowers it."""


class LowerHand(Command, tag="hand.lower", frozen=True):
    """The facilitator takes someone out of the queue of raised hands."""

    participant: ParticipantId


SpeakingMinutes = Annotated[int, Meta(ge=1, le=30)]


class CallSpeaker(Command, tag="floor.call", frozen=True):
    """Give someone with a raised hand the floor, with a speaking timer everyone sees."""

    participant: ParticipantId | None = None
    """Whose hand; default: the first in the queue."""
    minutes: SpeakingMinutes = 3
    """The soft limit: the timer asks them to finish their thought after this."""
    hard_minutes: SpeakingMinutes | None = None
    """An optional hard limit (at least ``minutes``): the timer says the time is up."""


class EndTurn(Command, tag="floor.done", frozen=True):
    """The speaker has finished: the floor is open again."""


class StartRound(Command, tag="round.start", frozen=True):
    """A go-around: everyone in ``order`` speaks in turn, the first one now."""

    order: Annotated[tuple[ParticipantId, ...], Meta(min_length=1, max_length=500)]
    """Seats of people here now, each once, in speaking order (the console can shuffle it)."""
    minutes: SpeakingMinutes = 3
    """Each turn's soft limit."""
    hard_minutes: SpeakingMinutes | None = None
    """Each turn's optional hard limit."""


class ReorderRound(Command, tag="round.reorder", frozen=True):
    """Change who is still to speak in the round, and in what order."""

    order: Annotated[tuple[ParticipantId, ...], Meta(max_length=500)]
    """The turns still to come, in order: seats of people here now who have not had a turn."""


class NextTurn(Command, tag="round.next", frozen=True):
    """Move the round to the next person here (the round ends after the last)."""


class PassTurn(Command, tag="round.pass", frozen=True):
    """A participant passes on their turn: only the facilitators' screens learn it was a pass.
    The room and the record see the next turn start, as after ``round.next``; the metrics count
    it as one too, so a scraped counter cannot tell which turn was passed."""

    counted_as: ClassVar[str | None] = "round.next"


class EndRound(Command, tag="round.end", frozen=True):
    """End the go-around now (turns not taken are left out)."""


MAX_NOTE_CHARS = 200


class RequestTalk(Command, tag="request.send", frozen=True):
    """ "I'd like to talk with a counselor after group": facilitators see it with the sender's
    name (the participant is told so before sending)."""

    note: Annotated[str, Meta(max_length=2000)] = ""
    """An optional short note: up to ``MAX_NOTE_CHARS`` (200) characters once trimmed."""


class HandleRequest(Command, tag="request.handle", frozen=True):
    """A facilitator has taken care of a private request."""

    request: Annotated[int, Meta(ge=1)]
    """The request's number (``request`` in ``request.made``)."""


MemberId = Annotated[str, Meta(min_length=1, max_length=32)]


class MatchMember(Command, tag="roster.match", frozen=True):
    """Say which roster member a seat is (or, without ``participant``, undo a match)."""

    member: MemberId
    """The member's id (``member`` in ``roster.set``)."""
    participant: ParticipantId | None = None
    """The seat's id; a member or a seat already matched is refused."""


class MarkPresent(Command, tag="roster.present", frozen=True):
    """Mark a roster member present who has no terminal."""

    member: MemberId
    """The member's id (``member`` in ``roster.set``)."""


class SetAttendance(Command, tag="attendance.set", frozen=True):
    """Correct a member's attendance (kept in the audit log)."""

    member: MemberId
    """The member's id (``member`` in ``roster.set``)."""
    status: Literal["present", "absent", "excused"]
    """What the record says from now on, over what the terminals showed."""
    late_minutes: Annotated[int, Meta(ge=0, le=600)] = 0
    """Minutes late (present only)."""
    left_early_minutes: Annotated[int, Meta(ge=0, le=600)] = 0
    """Minutes before the end they left (present only)."""


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
    | ClearTerminal
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
    | OpenCheckin
    | AnswerCheckin
    | CloseCheckin
    | RaiseHand
    | LowerHand
    | CallSpeaker
    | EndTurn
    | StartRound
    | ReorderRound
    | NextTurn
    | PassTurn
    | EndRound
    | RequestTalk
    | HandleRequest
    | MatchMember
    | MarkPresent
    | SetAttendance
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
        ClearTerminal,
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
        OpenCheckin,
        CloseCheckin,
        LowerHand,
        CallSpeaker,
        EndTurn,
        StartRound,
        ReorderRound,
        NextTurn,
        EndRound,
        HandleRequest,
        MatchMember,
        MarkPresent,
        SetAttendance,
    }
)
PARTICIPANT_COMMANDS: frozenset[type[Command]] = frozenset(
    {SubmitShare, AnswerCheckin, RaiseHand, PassTurn, RequestTalk}
)
"""Only a participant's seat may send these."""
ANONYMOUS_COMMANDS: frozenset[type[Command]] = frozenset({SubmitShare, AnswerCheckin})
"""Their ids are never stored and their acks go to the sender only; nothing stored says who
sent them."""
