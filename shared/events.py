"""Hub → client messages.

``Event`` subclasses are the session's log: each is stored with a per-session sequence number
and is the only input of ``reduce``. The other messages (``Welcome``, ``Logged``, ``Ack``,
``Error``) frame the conversation and are never stored. Unknown fields are ignored so an older
client tolerates a newer hub; new fields need defaults.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from msgspec import Struct

from shared.commands import Role
from shared.exercises import Exercise
from shared.templates import ItemKind

Reach = Literal["room", "facilitators", "seat", "shown"]
"""Who receives an event of a kind: ``room`` everyone in the session (facilitators,
participants, boards); ``facilitators`` only them; ``seat`` the one participant or board the
event names, and the facilitators; ``shown`` everyone once the share it is about has been shown
to the room, before that only the facilitators. Facilitators receive every event."""


class Event(Struct, tag_field="type", frozen=True, kw_only=True, omit_defaults=True):
    reach: ClassVar[Reach] = "room"


class PlannedItem(Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An agenda item as the room sees it: no facilitator notes."""

    kind: ItemKind
    title: str
    minutes: int
    exercise: str | None = None


class SessionCreated(Event, tag="session.created", frozen=True):
    session_id: str
    title: str
    template: str
    code: str
    agenda: tuple[PlannedItem, ...]
    at: float
    record_shares: bool = False


class FacilitatorNotes(Event, tag="agenda.notes", frozen=True):
    """The template's private notes, one per agenda item (facilitators only)."""

    reach: ClassVar[Reach] = "facilitators"

    notes: tuple[str, ...]


class ParticipantJoined(Event, tag="participant.joined", frozen=True):
    """A new seat in the session: a participant, or a room board (``board``)."""

    reach: ClassVar[Reach] = "seat"

    participant: str
    name: str
    at: float
    board: bool = False


class PresenceChanged(Event, tag="participant.presence", frozen=True):
    reach: ClassVar[Reach] = "seat"

    participant: str
    online: bool
    at: float


class HeadCount(Event, tag="room.head_count", frozen=True):
    """How many participants are here now (boards not counted): all that participants and
    boards learn of who is in the room."""

    present: int


class FacilitatorAdded(Event, tag="session.facilitator_added", frozen=True):
    """Who may run the session: its owner first, then co-facilitators (facilitators only)."""

    reach: ClassVar[Reach] = "facilitators"

    account: str
    owner: bool = False


class RoomLocked(Event, tag="room.locked", frozen=True):
    locked: bool
    at: float


class ParticipantRemoved(Event, tag="participant.removed", frozen=True):
    reach: ClassVar[Reach] = "seat"

    participant: str
    at: float


class ParticipantReadmitted(Event, tag="participant.readmitted", frozen=True):
    reach: ClassVar[Reach] = "seat"

    participant: str


class SeatsMerged(Event, tag="participant.merged", frozen=True):
    """The earlier seat ``participant`` and the seat ``into`` are one person: the record keeps
    one row for them, under ``into``."""

    reach: ClassVar[Reach] = "facilitators"

    participant: str
    into: str
    at: float


class CodeChanged(Event, tag="room.code_changed", frozen=True):
    """A new room code, after someone was removed: the old one no longer lets anyone in."""

    code: str


class SessionStarted(Event, tag="session.started", frozen=True):
    at: float


class AgendaMoved(Event, tag="agenda.moved", frozen=True):
    """The current item (if any) closes at ``at``; ``index`` opens (None: past the last item)."""

    index: int | None
    at: float


class ItemExtended(Event, tag="agenda.extended", frozen=True):
    index: int
    minutes: int


class ItemSkipped(Event, tag="agenda.skipped", frozen=True):
    index: int


class ItemRestored(Event, tag="agenda.restored", frozen=True):
    """A skipped item is planned again (it had not run)."""

    index: int


class ItemAdded(Event, tag="agenda.item_added", frozen=True):
    index: int
    item: PlannedItem


class ItemRemoved(Event, tag="agenda.item_removed", frozen=True):
    index: int


class ItemMoved(Event, tag="agenda.item_moved", frozen=True):
    index: int
    to: int


class MinutesSet(Event, tag="agenda.minutes_set", frozen=True):
    index: int
    minutes: int


class SessionEnded(Event, tag="session.ended", frozen=True):
    at: float


class ShareSubmitted(Event, tag="share.submitted", frozen=True):
    """A new anonymous share waiting for the facilitator. It has no author and no time, and
    arrives in a shuffled batch with the others received in the same interval."""

    reach: ClassVar[Reach] = "facilitators"

    share: int
    text: str


class ShareShown(Event, tag="share.shown", frozen=True):
    share: int
    text: str


class ShareTakenBack(Event, tag="share.taken_back", frozen=True):
    """The facilitator took back a shown share: it leaves the room's screens."""

    share: int


class ShareSetAside(Event, tag="share.set_aside", frozen=True):
    reach: ClassVar[Reach] = "shown"

    share: int


class ShareDiscussed(Event, tag="share.discussed", frozen=True):
    reach: ClassVar[Reach] = "shown"

    share: int


class ExerciseStarted(Event, tag="exercise.started", frozen=True):
    """The exercise as configured travels with the event: terminals need no copy of the file."""

    run: int
    exercise: Exercise
    at: float


class ExercisePaused(Event, tag="exercise.paused", frozen=True):
    run: int
    at: float


class ExerciseResumed(Event, tag="exercise.resumed", frozen=True):
    run: int
    at: float


class ExerciseSkipped(Event, tag="exercise.skipped", frozen=True):
    """The room's timeline jumps ``seconds`` ahead, to the start of the next step."""

    run: int
    seconds: float


class ExerciseStopped(Event, tag="exercise.stopped", frozen=True):
    run: int
    at: float


class FeelingsSummary(Event, tag="feelings.summary", frozen=True):
    """Published once, when the facilitator closes the question; ``counts`` (answers per score
    0-10) is withheld when fewer than the minimum answered."""

    reach: ClassVar[Reach] = "facilitators"

    run: int
    answered: int
    counts: tuple[int, ...] | None = None
    minimum: int = 3
    """The hub's threshold, so a client can say how many answers were needed."""


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
    | FeelingsSummary
)


class Frame(Struct, tag_field="type", frozen=True, kw_only=True, omit_defaults=True):
    pass


class Welcome(Frame, tag="welcome", frozen=True):
    """The hub accepted the handshake. Logged events follow."""

    protocol: int
    session_id: str
    code: str
    role: Role
    token: str
    """Send this back in ``Hello.token`` to come back as the same facilitator or participant."""
    epoch: str
    server_time: float
    participant: str | None = None
    reset: bool = False
    """True when the events that follow start from the beginning: drop any local state."""


class Logged(Frame, tag="event", frozen=True):
    seq: int
    event: AnyEvent


class CaughtUp(Frame, tag="caught_up", frozen=True):
    """Every logged event up to ``seq`` that this connection may see has been sent (the
    replay after a ``Welcome`` is complete); every ``event`` frame after this one is live."""

    seq: int


class Ack(Frame, tag="ack", frozen=True):
    """The command was applied and its events are durable.

    For an anonymous share it means "received": the share is stored, and reaches the
    facilitator with the next shuffled batch. This frame is never stored."""

    command: str
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


class Error(Frame, tag="error", frozen=True):
    code: ErrorCode
    detail: str
    command: str | None = None


ServerMessage = Welcome | Logged | CaughtUp | Ack | Error
