"""Hub → client messages.

``Event`` subclasses are the session's log: each is stored with a per-session sequence number
and is the only input of ``reduce``. The other messages (``Welcome``, ``Logged``, ``Ack``,
``Error``) frame the conversation and are never stored. Unknown fields are ignored so an older
client tolerates a newer hub; new fields need defaults.
"""

from __future__ import annotations

from typing import ClassVar, Literal, NamedTuple

from msgspec import Struct

from shared.commands import Role
from shared.exercises import Exercise
from shared.questions import Question
from shared.templates import ItemKind

Reach = Literal["room", "facilitators", "seat", "shown"]
"""Who receives an event of a kind: ``room`` everyone in the session (facilitators,
participants, boards); ``facilitators`` only them; ``seat`` the one participant or board the
event names, and the facilitators; ``shown`` everyone once the share it is about has been shown
to the room, before that only the facilitators. Facilitators receive every event."""


class Event(Struct, tag_field="type", frozen=True, kw_only=True, omit_defaults=True):
    reach: ClassVar[Reach] = "room"
    latest_only: ClassVar[bool] = False
    """Each event of this kind replaces the last one's news entirely (a head count), so a
    terminal catching up is sent only the latest."""


class PlannedItem(Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An agenda item as the room sees it: no facilitator notes."""

    kind: ItemKind
    """What sort of block it is (drawn differently, never a rule)."""
    title: str
    minutes: int
    """Planned minutes, before any extension."""
    exercise: str | None = None
    """The id of an exercise the item is for, if any (a suggestion to the facilitator)."""


class SessionCreated(Event, tag="session.created", frozen=True):
    """The session exists: the first event of every session's log."""

    session_id: str
    """The session's id, as in ``Welcome.session_id``."""
    title: str
    """The session's title, to show."""
    template: str
    """The id of the agenda template it was made from."""
    code: str
    """The room code at first (``room.code_changed`` gives a new one)."""
    agenda: tuple[PlannedItem, ...]
    """The plan, in order. Every agenda ``index`` in a later event is a 0-based position in
    this list as the events before it have changed it (added, removed, moved items)."""
    at: float
    """When, in the hub's clock (Unix seconds, as every ``at`` field)."""
    record_shares: bool = False
    """Share text stays in the record after the session ends."""


class FacilitatorNotes(Event, tag="agenda.notes", frozen=True):
    """The template's private notes, one per agenda item (facilitators only)."""

    reach: ClassVar[Reach] = "facilitators"

    notes: tuple[str, ...]
    """One note per agenda item, in agenda order ("" for none). Sent whole again when an
    item is added while any item has notes; notes move with their items."""


class ParticipantJoined(Event, tag="participant.joined", frozen=True):
    """A new seat in the session: a participant, or a room board (``board``)."""

    reach: ClassVar[Reach] = "seat"

    participant: str
    """The new seat's id: commands name the seat by it (a participant learns its own from
    ``Welcome.participant``). Every ``participant`` field holds such a seat id."""
    name: str
    """The name the person chose (a board's is "Room board")."""
    at: float
    board: bool = False
    """The seat is a room board, never counted as a person."""


class PresenceChanged(Event, tag="participant.presence", frozen=True):
    """A seat's terminal came back, or went away. An absence shorter than the hub's grace
    (a dropped connection, a hub restart) is not recorded at all; a longer one is recorded
    from the moment the terminal went."""

    reach: ClassVar[Reach] = "seat"

    participant: str
    online: bool
    """True: here again; false: away."""
    at: float


class HeadCount(Event, tag="room.head_count", frozen=True):
    """How many participants are here now (boards not counted): all that participants and
    boards learn of who is in the room. A terminal catching up gets only the latest."""

    latest_only: ClassVar[bool] = True

    present: int
    """Participants here now (not away, not removed)."""


class FacilitatorAdded(Event, tag="session.facilitator_added", frozen=True):
    """Who may run the session: its owner first, then co-facilitators (facilitators only)."""

    reach: ClassVar[Reach] = "facilitators"

    account: str
    """The facilitator account's name."""
    owner: bool = False
    """The account created the session (only the owner adds co-facilitators)."""


class RoomLocked(Event, tag="room.locked", frozen=True):
    """The room was locked (no new seats with the code) or opened again."""

    locked: bool
    """True: locked; false: open again."""
    at: float


class ParticipantRemoved(Event, tag="participant.removed", frozen=True):
    """The facilitator asked a seat to leave. Its terminal was disconnected first (close
    1008, reason ``removed``), and a ``room.code_changed`` follows."""

    reach: ClassVar[Reach] = "seat"

    participant: str
    at: float


class ParticipantReadmitted(Event, tag="participant.readmitted", frozen=True):
    """A removed seat may come back with its token."""

    reach: ClassVar[Reach] = "seat"

    participant: str


class TerminalCleared(Event, tag="participant.reset_asked", frozen=True):
    """The facilitator asked this seat's terminal to clear itself (``participant.reset``): a
    kiosk terminal goes back to its join screen and forgets the session; any other terminal
    says the facilitator cleared its screen. Nothing else about the seat changes."""

    reach: ClassVar[Reach] = "seat"

    participant: str
    at: float


class SeatsMerged(Event, tag="participant.merged", frozen=True):
    """The earlier seat ``participant`` and the seat ``into`` are one person: the record keeps
    one row for them, under ``into``."""

    reach: ClassVar[Reach] = "facilitators"

    participant: str
    """The earlier seat: it is gone from the list of seats."""
    into: str
    """The seat that stays."""
    at: float


class CodeChanged(Event, tag="room.code_changed", frozen=True):
    """A new room code, after someone was removed: the old one no longer lets anyone in."""

    code: str
    """The room code from now on."""


class SessionStarted(Event, tag="session.started", frozen=True):
    """The session is running; an ``agenda.moved`` opening the first item follows."""

    at: float


class AgendaMoved(Event, tag="agenda.moved", frozen=True):
    """The current item (if any) closes at ``at``; ``index`` opens (null: past the last item)."""

    index: int | None
    """The agenda position of the item that starts now; null once past the last item."""
    at: float
    """When the item closed and the next one started: its countdown starts from here."""


class ItemExtended(Event, tag="agenda.extended", frozen=True):
    """The running item got more time."""

    index: int
    """The running item's agenda position."""
    minutes: int
    """Minutes added to the item's planned minutes: a delta, and extensions add up."""


class ItemSkipped(Event, tag="agenda.skipped", frozen=True):
    """An item still to come is taken off the plan (it keeps its place, marked skipped)."""

    index: int


class ItemRestored(Event, tag="agenda.restored", frozen=True):
    """A skipped item is planned again (it had not run)."""

    index: int


class ItemAdded(Event, tag="agenda.item_added", frozen=True):
    """A new item in the agenda."""

    index: int
    """Its position: the item there and those after it move one down."""
    item: PlannedItem
    """The new item, pending (to come)."""


class ItemRemoved(Event, tag="agenda.item_removed", frozen=True):
    """An item is gone from the agenda; those after it move one up."""

    index: int


class ItemMoved(Event, tag="agenda.item_moved", frozen=True):
    """An item changed places: take it out of the list at ``index``, then insert it at
    ``to``."""

    index: int
    """The item's position before the move."""
    to: int
    """Its position after the move, in the final list (counted after it was taken out)."""


class MinutesSet(Event, tag="agenda.minutes_set", frozen=True):
    """An item's planned minutes changed."""

    index: int
    minutes: int
    """The item's planned minutes from now on, replacing the plan; extensions stay added."""


class SessionEnded(Event, tag="session.ended", frozen=True):
    """The session is over: the running item closes at ``at``; no more commands or joins."""

    at: float


class ShareSubmitted(Event, tag="share.submitted", frozen=True):
    """A new anonymous share waiting for the facilitator. It has no author and no time, and
    arrives in a shuffled batch with the others received in the same interval."""

    reach: ClassVar[Reach] = "facilitators"

    share: int
    """The share's number in the session: 1, 2, 3 … in the order shares enter the log (not
    the order they were written). Commands and later events name the share by it."""
    text: str
    """The share as written, spaces at the ends trimmed."""


class ShareShown(Event, tag="share.shown", frozen=True):
    """A share is on the room's screens, on top (again, if it was shown before). The text
    travels with it: participants and boards never received the share pending."""

    share: int
    text: str
    """The share's text, as in ``share.submitted``."""


class ShareTakenBack(Event, tag="share.taken_back", frozen=True):
    """The facilitator took back a shown share: it leaves the room's screens."""

    share: int


class ShareSetAside(Event, tag="share.set_aside", frozen=True):
    """The facilitator set a share aside: the group will not take it up."""

    reach: ClassVar[Reach] = "shown"

    share: int


class ShareDiscussed(Event, tag="share.discussed", frozen=True):
    """The group has talked about a share."""

    reach: ClassVar[Reach] = "shown"

    share: int


class ExerciseStarted(Event, tag="exercise.started", frozen=True):
    """The exercise as configured travels with the event: terminals need no copy of the file.
    An exercise still running is stopped at ``at``."""

    run: int
    """The run's number in the session (1, 2, 3 …); later exercise events name it."""
    exercise: Exercise
    """The exercise as it will be timed: its steps, or its breathing pattern, after the
    facilitator's choices (a variant, optional steps included)."""
    at: float
    """When the run's timeline starts."""


class ExercisePaused(Event, tag="exercise.paused", frozen=True):
    """The run's timeline stands still from ``at``."""

    run: int
    at: float


class ExerciseResumed(Event, tag="exercise.resumed", frozen=True):
    """The run goes on: the time since its ``exercise.paused`` is left out of its timeline."""

    run: int
    at: float


class ExerciseSkipped(Event, tag="exercise.skipped", frozen=True):
    """The room's timeline jumps ``seconds`` ahead, to the start of the next step."""

    run: int
    seconds: float
    """Seconds added to the run's timeline (what was left of the step or phase)."""


class ExerciseStopped(Event, tag="exercise.stopped", frozen=True):
    """The run ended at ``at``, before its time was up or after."""

    run: int
    at: float


class CheckinOpened(Event, tag="checkin.opened", frozen=True):
    """A check-in question is open: each participant may answer it, anonymously, until it
    closes. While it is open, everyone is told only how many have answered (``answering``)."""

    checkin: int
    """The check-in's number in the session (1, 2, 3 …)."""
    question: Question
    """What is asked, and the answers it takes."""
    at: float
    run: int | None = None
    """The room exercise it follows, if any ("How do you feel now?")."""


class CheckinClosed(Event, tag="checkin.closed", frozen=True):
    """The answers, published once: the only record of a check-in's answers. ``counts`` is
    withheld when fewer than ``minimum`` answered."""

    checkin: int
    """The check-in's number (``checkin`` in ``checkin.opened``)."""
    answered: int
    """How many answered."""
    at: float
    counts: tuple[int, ...] | None = None
    """How many chose each answer from the question's ``low`` to its ``high``; absent below
    ``minimum`` answers."""
    minimum: int = 3
    """The hub's threshold, so a client can say how many answers were needed."""


class HandRaised(Event, tag="hand.raised", frozen=True):
    """A participant raised (or lowered) a hand: the queue is in the order hands went up."""

    reach: ClassVar[Reach] = "seat"

    participant: str
    raised: bool
    """True: in the queue; false: out of it."""
    at: float


class SpeakerCalled(Event, tag="floor.called", frozen=True):
    """``participant`` has the floor from ``at`` (a hand called, or a turn in a round); whoever
    spoke before has finished. Everyone sees who speaks and the speaking timer."""

    participant: str
    name: str
    """The speaker's display name, shown to the room."""
    at: float
    minutes: int
    """The soft limit: after it the timer asks the speaker to finish their thought."""
    hard_minutes: int | None = None
    """The hard limit, if any: after it the timer says the time is up."""
    turn: int | None = None
    """In a round: the turn's number (1, 2, 3 …)."""
    of: int | None = None
    """In a round: how many turns it has."""


class SpeakerDone(Event, tag="floor.done", frozen=True):
    """The speaker finished at ``at``: nobody has the floor."""

    at: float


class RoundStarted(Event, tag="round.started", frozen=True):
    """A go-around begins: the order is for facilitators; the room sees each turn as it comes
    (``floor.called``)."""

    reach: ClassVar[Reach] = "facilitators"

    order: tuple[str, ...]
    """The seats in speaking order."""
    minutes: int
    """Each turn's soft limit."""
    at: float
    hard_minutes: int | None = None
    """Each turn's hard limit, if any."""


class RoundReordered(Event, tag="round.reordered", frozen=True):
    """The round's order changed: turns taken stay, the rest follow ``order``."""

    reach: ClassVar[Reach] = "facilitators"

    order: tuple[str, ...]
    """The whole order now: turns taken, the current one, then those to come."""


class RoundEnded(Event, tag="round.ended", frozen=True):
    """The go-around is over (after its last turn, or ended early)."""

    at: float


class TalkRequested(Event, tag="request.made", frozen=True):
    """A participant asked to talk with a counselor after group: for facilitators and that
    participant only."""

    reach: ClassVar[Reach] = "seat"

    request: int
    """The request's number in the session (1, 2, 3 …)."""
    participant: str
    name: str
    """The participant's display name when they asked."""
    at: float
    note: str = ""
    """Their optional note, spaces at the ends trimmed."""


class RequestHandled(Event, tag="request.handled", frozen=True):
    """A facilitator took care of a private request."""

    reach: ClassVar[Reach] = "seat"

    request: int
    """The request's number (``request`` in ``request.made``)."""
    participant: str
    """Who asked (so that participant learns it was seen)."""
    at: float


class FeelingsSummary(Event, tag="feelings.summary", frozen=True):
    """The answers to "How do you feel now?" after exercise ``run``, as hubs before protocol 4
    recorded them (now a ``checkin.closed``). Kept so older records still read."""

    reach: ClassVar[Reach] = "facilitators"

    run: int
    answered: int
    """How many answered."""
    counts: tuple[int, ...] | None = None
    """Eleven numbers: how many answered 0, 1, … 10; absent below ``minimum`` answers."""
    minimum: int = 3
    """The hub's threshold, so a client can say how many answers were needed."""


AttendanceStatus = Literal["present", "absent", "excused"]
"""A roster member's attendance at one session, as the facilitator records it."""


class RosterEntry(Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A member of the group's roster, as the session's facilitators see it (no facility id)."""

    member: str
    """The member's id on the hub's roster; roster commands name the member by it."""
    name: str
    """The display name or initials on the roster."""
    missed: int = 0
    """The group's sessions in a row this member missed just before this one."""


class RosterSet(Event, tag="roster.set", frozen=True):
    """The session is one meeting of a recurring group: its roster (facilitators only)."""

    reach: ClassVar[Reach] = "facilitators"

    group: str
    """The group's id on the hub."""
    group_name: str
    """The group's name, to show."""
    members: tuple[RosterEntry, ...]
    """Members on the roster on the day of the session, in roster order."""
    flag_after: int = 2
    """The group's setting: a member who missed this many sessions in a row is flagged."""


class MemberMatched(Event, tag="roster.matched", frozen=True):
    """A seat is a roster member (or, with no ``seat``, a match was undone). Facilitators only."""

    reach: ClassVar[Reach] = "facilitators"

    member: str
    """The member's id (``member`` in ``roster.set``)."""
    at: float
    seat: str | None = None
    """The seat's id (``participant`` in ``participant.joined``); absent when undone."""


class MemberMarkedPresent(Event, tag="roster.marked_present", frozen=True):
    """The facilitator marked a member present who has no terminal (facilitators only)."""

    reach: ClassVar[Reach] = "facilitators"

    member: str
    """The member's id (``member`` in ``roster.set``)."""
    at: float


class AttendanceCorrected(Event, tag="attendance.corrected", frozen=True):
    """The facilitator's own word on a member's attendance, over what the terminals showed."""

    reach: ClassVar[Reach] = "facilitators"

    member: str
    """The member's id (``member`` in ``roster.set``)."""
    status: AttendanceStatus
    """What the record says from now on."""
    at: float
    late_minutes: int = 0
    """Minutes late (with ``present`` only)."""
    left_early_minutes: int = 0
    """Minutes before the end they left (with ``present`` only)."""


AnyEvent = (
    SessionCreated
    | FacilitatorNotes
    | ParticipantJoined
    | PresenceChanged
    | HeadCount
    | FacilitatorAdded
    | RoomLocked
    | ParticipantRemoved
    | ParticipantReadmitted
    | TerminalCleared
    | SeatsMerged
    | CodeChanged
    | SessionStarted
    | AgendaMoved
    | ItemExtended
    | ItemSkipped
    | ItemRestored
    | ItemAdded
    | ItemRemoved
    | ItemMoved
    | MinutesSet
    | SessionEnded
    | ShareSubmitted
    | ShareShown
    | ShareTakenBack
    | ShareSetAside
    | ShareDiscussed
    | ExerciseStarted
    | ExercisePaused
    | ExerciseResumed
    | ExerciseSkipped
    | ExerciseStopped
    | CheckinOpened
    | CheckinClosed
    | HandRaised
    | SpeakerCalled
    | SpeakerDone
    | RoundStarted
    | RoundReordered
    | RoundEnded
    | TalkRequested
    | RequestHandled
    | FeelingsSummary
    | RosterSet
    | MemberMatched
    | MemberMarkedPresent
    | AttendanceCorrected
)


class Frame(Struct, tag_field="type", frozen=True, kw_only=True, omit_defaults=True):
    pass


class Welcome(Frame, tag="welcome", frozen=True):
    """The hub accepted the handshake. Logged events follow."""

    protocol: int
    """The protocol version the hub speaks (the same as the handshake's)."""
    session_id: str
    """The session's id: send it in ``Hello.session`` to come back."""
    code: str
    """The room code now, for people to join with."""
    role: Role
    """The role the connection has, as the handshake asked."""
    token: str
    """Send this back in ``Hello.token`` to come back as the same facilitator, participant or
    board. Each welcome gives a fresh one; a facilitator's expires (see the hub's
    ``token_idle_seconds``), a seat's does not."""
    epoch: str
    """The log's epoch: send it back in ``Hello.epoch`` with ``after``."""
    server_time: float
    """The hub's clock when it sent this (Unix seconds): every ``at`` is on that clock, so
    estimate your offset to it from here."""
    participant: str | None = None
    """Your seat's id (participants and boards); absent for a facilitator."""
    crisis: str = ""
    """The facility's words for someone in crisis now (the hub's ``crisis_text``), shown by
    the participant terminal's help key next to the crisis line for ``locale``."""
    locale: str = "US"
    """The country whose crisis line the terminals show (``shared.crisis``)."""
    reset: bool = False
    """True when the events that follow start from the beginning: drop any local state. It is
    true on every first welcome, and on a resume whose ``epoch`` is not the session's or whose
    ``after`` is ahead of the log."""


class Logged(Frame, tag="event", frozen=True):
    """One event of the session's log."""

    seq: int
    """The event's sequence number in the session's log (1, 2, 3 …). A client receives only
    the events meant for it, so the numbers it sees may skip; remember the last one applied
    for ``Hello.after``."""
    event: AnyEvent
    """The event: an object whose ``type`` names it."""


class Answering(Frame, tag="answering", frozen=True):
    """How many have answered the open check-in so far: to everyone, after each new answer and
    after each replay. Never stored, and never a score: the distribution is published once,
    when the check-in closes (``checkin.closed``)."""

    checkin: int
    """The open check-in's number."""
    answered: int
    """How many participants have answered so far (each counted once)."""


class Passed(Frame, tag="passed", frozen=True):
    """``participant`` passed on their turn in the round. Facilitators only, never stored:
    the room and the record see only that the next turn started."""

    participant: str
    turn: int
    """The turn they passed (``turn`` in ``floor.called``)."""


class CaughtUp(Frame, tag="caught_up", frozen=True):
    """Every logged event up to ``seq`` that this connection may see has been sent (the
    replay after a ``Welcome`` is complete); every ``event`` frame after this one is live."""

    seq: int
    """The log's last sequence number when the replay ended (it may be one of an event this
    client does not receive)."""


class Ack(Frame, tag="ack", frozen=True):
    """The command was applied and its events are durable.

    For an anonymous share it means "received": the share is stored, and reaches the
    facilitator with the next shuffled batch. This frame is never stored."""

    command: str
    """The ``id`` of the command acknowledged."""
    duplicate: bool = False
    """A command with this id was applied before in this session (ids are unique per session,
    whoever sends them): this one was acknowledged again, not applied again."""


ErrorCode = Literal[
    "bad_frame",
    "invalid",
    "unknown_command",
    "protocol_mismatch",
    "not_joined",
    "already_joined",
    "no_such_exercise",
    "no_such_room",
    "no_such_template",
    "session_ended",
    "not_allowed",
    "rate_limited",
    "busy",
    "room_full",
    "sign_in_failed",
    "room_locked",
    "removed",
]


class ErrorUse(NamedTuple):
    """When the hub sends one ``ErrorCode``, and what becomes of the connection."""

    when: str
    """What the client sent, or what the hub found, in a sentence or two."""
    handshake: int | None
    """The close code that follows when it refuses a handshake; None if it never does."""
    command: bool
    """It also answers frames after the ``Welcome``; the connection then stays open."""


ERRORS: dict[ErrorCode, ErrorUse] = {
    "bad_frame": ErrorUse(
        "The frame is not JSON (malformed, not UTF-8, or nested too deeply). "
        "No `command` id is given.",
        1008,
        True,
    ),
    "invalid": ErrorUse(
        "The JSON does not fit the message its `type` names (not an object, `type` missing, a "
        "field missing, unknown, of the wrong type or out of range); or the name in a `hello` "
        "cannot be used; or the rules refuse the command in the session's present state "
        "(starting a session twice, moderating a share that does not exist, extending when "
        "no item runs …). `detail` says which.",
        1008,
        True,
    ),
    "unknown_command": ErrorUse(
        "The `type` names no message this hub knows.",
        1008,
        True,
    ),
    "protocol_mismatch": ErrorUse(
        "The handshake's `protocol` is not the hub's version (also when a handshake that does "
        "not decode says it speaks another one).",
        1008,
        False,
    ),
    "not_joined": ErrorUse(
        "The first frame is a command, not a handshake, or no handshake came within the "
        "handshake timeout.",
        1008,
        False,
    ),
    "already_joined": ErrorUse(
        "A handshake on a connection that already has its welcome. No `command` id is given.",
        None,
        True,
    ),
    "no_such_exercise": ErrorUse(
        "`exercise.start` names an exercise this hub does not have.",
        None,
        True,
    ),
    "no_such_room": ErrorUse(
        "`hello` names no session: no session has that `session` id, or no session ever had "
        "that `code`.",
        1008,
        False,
    ),
    "no_such_template": ErrorUse(
        "`session.create` names a template this hub does not have; `detail` lists the ids "
        "it knows.",
        1008,
        False,
    ),
    "session_ended": ErrorUse(
        "The session has ended: a `hello` to it, or any command after `session.end`.",
        1008,
        True,
    ),
    "not_allowed": ErrorUse(
        "The sender's role may not do this: a facilitator's command from a participant, any "
        "command from a board, a participant's command (`checkin.answer`, `hand.raise` …) from a "
        "facilitator, a co-facilitator adding "
        "another. At the handshake: a seat `token` that does not prove a seat of this role "
        "in this session, or a new seat asked for without the current room `code`.",
        1008,
        True,
    ),
    "rate_limited": ErrorUse(
        "Over a budget. At the handshake: too many refused handshakes from this address in "
        "the last minute; the error comes as soon as the connection opens, before the "
        "handshake is read. After the welcome: the first frame past the connection's command "
        "budget, readable or not, is answered with this (with the `command` id when one can "
        "be read); it and every frame after it are dropped unread, not applied, until the "
        "budget allows again. A connection that keeps sending past its budget for a second "
        "is closed (1008, reason `rate_limited`).",
        1013,
        True,
    ),
    "busy": ErrorUse(
        "`session.create` while the hub runs as many live sessions as it may.",
        1013,
        False,
    ),
    "room_full": ErrorUse(
        "A new seat in a session that has as many participants as it may (those who left "
        "count too).",
        1008,
        False,
    ),
    "sign_in_failed": ErrorUse(
        "A facilitator's account or password is wrong, the account does not run this session, "
        "or its `token` proves nothing any more (expired, the password was reset, the account "
        "removed). The same words for each, so nobody learns which accounts exist.",
        1008,
        False,
    ),
    "room_locked": ErrorUse(
        "A new seat while the room is locked (`room.lock`); seats already given still come "
        "back with their tokens.",
        1008,
        False,
    ),
    "removed": ErrorUse(
        "The facilitator asked this seat to leave: its `hello` is refused until it is "
        "readmitted. A command it had in flight is refused too, while the hub closes its "
        "connection (1008, reason `removed`).",
        1008,
        True,
    ),
}
"""Every ``ErrorCode``: when the hub sends it; the close code after a refused handshake (the
close reason is the error code); whether it answers frames after the welcome, which leave the
connection open. ``docs/protocol.md`` is generated from this."""

CLOSE_CODES: dict[int, str] = {
    1000: "Normal closure: the hub's answer when the client closes the connection.",
    1001: "Going away: the hub is shutting down. Reconnect with a growing delay and resume.",
    1006: "Never sent (the connection ends without a close frame): the hub aborted a client "
    "that stopped reading, past its send-buffer bound, or the network failed. Reconnect and "
    "resume: nothing is lost.",
    1008: "Policy violation: a handshake was refused (an `error` frame comes first and the "
    "close reason is its code); no handshake came within the handshake timeout (reason "
    "`no handshake`); the facilitator removed this seat (reason `removed`, no `error` "
    "frame: a `hello` after it is refused with `removed`); or the client kept sending past "
    "its command budget (reason `rate_limited`). Do not reconnect blindly.",
    1009: "Message too big: the client sent a frame larger than the hub's maximum. Drop that "
    "command, then reconnect and resume.",
    1011: "Internal error: the client did not answer the hub's keepalive pings in time, or "
    "the hub failed unexpectedly. Reconnect and resume.",
    1013: "Try again later: the hub runs as many sessions as it may (`busy`), or this address "
    "had too many refused handshakes in the last minute (`rate_limited`). Wait, then retry.",
}
"""Every close code a client can see from the hub, with when and what to do about it."""


class Error(Frame, tag="error", frozen=True):
    """The hub refused a handshake (the connection then closes) or a later frame (it stays
    open). Nothing the frame asked for was applied."""

    code: ErrorCode
    """What went wrong, for programs. ``ERRORS`` (the errors table of ``docs/protocol.md``)
    says when each code is sent and what becomes of the connection."""
    detail: str
    """What went wrong, in plain English words for the person at the terminal."""
    command: str | None = None
    """The ``id`` of the command refused, when the frame had a readable one."""


ServerMessage = Welcome | Logged | CaughtUp | Answering | Passed | Ack | Error
