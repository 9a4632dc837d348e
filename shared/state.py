"""The state of one session as ``reduce`` builds it from the log.

Everything here is immutable; ``reduce`` returns a new state per event. Times are the hub's
clock in Unix seconds, so every terminal computes the same countdown.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

from shared.exercises import Exercise, Position, phase_at
from shared.questions import Question, median
from shared.templates import ItemKind

ItemStatus = Literal["pending", "current", "done", "skipped"]
ShareStatus = Literal["pending", "shown", "set_aside", "discussed"]
SessionStatus = Literal["new", "lobby", "running", "ended"]


class ItemState(Struct, frozen=True, kw_only=True):
    kind: ItemKind
    title: str
    minutes: int
    """Planned minutes: from ``session.created`` or ``agenda.item_added``, replaced by each
    ``agenda.minutes_set``."""
    exercise: str | None = None
    notes: str = ""
    status: ItemStatus = "pending"
    extra_minutes: int = 0
    """The sum of every ``agenda.extended`` ``minutes`` for this item."""
    started_at: float | None = None
    """The ``at`` of the ``agenda.moved`` that opened the item."""
    ended_at: float | None = None
    """The ``at`` of the ``agenda.moved`` or ``session.ended`` that closed it."""

    @property
    def planned_seconds(self) -> int:
        """The item's time: its minutes (as planned, or as the last ``agenda.minutes_set``
        says) plus every extension, in seconds."""
        return (self.minutes + self.extra_minutes) * 60

    def remaining(self, now: float) -> float | None:
        """Seconds left on this item's clock; negative once it runs over.

        ``(minutes + extra_minutes) * 60 - (end - started_at)``, where ``end`` is ``now`` on
        the hub's clock while the item runs and ``ended_at`` once it has closed. None for an
        item that has not started."""
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else now
        return self.planned_seconds - (end - self.started_at)

    def actual_seconds(self, now: float) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else now
        return end - self.started_at


class Participant(Struct, frozen=True, kw_only=True):
    id: str
    name: str
    online: bool = True
    joined_at: float = 0.0
    removed: bool = False
    """Asked to leave by the facilitator: their credential no longer lets them in."""
    board: bool = False
    """A room board's seat: it displays the session and is never counted as a person."""
    earlier: tuple[str, ...] = ()
    """Seats this person had before in the session, merged into this one (``SeatsMerged``)."""


class Share(Struct, frozen=True, kw_only=True):
    id: int
    text: str
    status: ShareStatus = "pending"
    public: bool = False
    """Once shown to the room, every later change to it is the room's business too."""


class ExerciseRun(Struct, frozen=True, kw_only=True):
    """One guided exercise as the room ran it. Every terminal derives the same position from it
    and the hub's clock, so no tick is ever sent."""

    run: int
    exercise: Exercise
    started_at: float
    """The ``at`` of ``exercise.started``."""
    paused_at: float | None = None
    """The ``at`` of the ``exercise.paused`` not yet resumed, if any."""
    paused_for: float = 0.0
    """Seconds paused so far: each ``exercise.resumed`` ``at`` minus its pause's ``at``."""
    skipped: float = 0.0
    """The sum of every ``exercise.skipped`` ``seconds``."""
    stopped_at: float | None = None
    """The ``at`` of ``exercise.stopped`` (or of the next ``exercise.started``)."""

    @property
    def active(self) -> bool:
        return self.stopped_at is None

    def elapsed(self, now: float) -> float:
        """Seconds into the exercise's timeline: pauses left out, skips added.

        ``max(0, end - started_at - paused_for) + skipped``, where ``end`` is the earliest of
        ``now`` (the hub's clock), ``stopped_at`` and ``paused_at``. The steps (or, for
        breathing, the phases repeated ``cycles`` times) follow one another from 0 for their
        ``seconds`` each, optional steps left out unless included; the exercise is finished
        once this reaches their total."""
        end = now if self.stopped_at is None else self.stopped_at
        if self.paused_at is not None:
            end = min(end, self.paused_at)
        return max(0.0, end - self.started_at - self.paused_for) + self.skipped

    def position(self, now: float) -> Position:
        return phase_at(self.exercise, self.elapsed(now))


class Checkin(Struct, frozen=True, kw_only=True):
    """One check-in question and, once closed, its published answers (nothing per person)."""

    number: int
    question: Question
    opened_at: float
    run: int | None = None
    """The room exercise it followed, if any."""
    closed_at: float | None = None
    answered: int | None = None
    """How many answered, once closed."""
    counts: tuple[int, ...] | None = None
    """Answers per value from ``question.low``; None while open or below the minimum."""
    minimum: int = 3

    @property
    def open(self) -> bool:
        return self.closed_at is None

    @property
    def median(self) -> float | None:
        return None if self.counts is None else median(self.counts, self.question.low)


class Turn(Struct, frozen=True, kw_only=True):
    """Someone had the floor: a called hand or a turn in a round. Durations, never content."""

    participant: str
    name: str
    started_at: float
    minutes: int
    hard_minutes: int | None = None
    turn: int | None = None
    """Its number in a round, if it was one."""
    of: int | None = None
    ended_at: float | None = None

    def elapsed(self, now: float) -> float:
        return (self.ended_at if self.ended_at is not None else now) - self.started_at


class Round(Struct, frozen=True, kw_only=True):
    """A go-around, as facilitators see it (the room sees only its turns)."""

    order: tuple[str, ...]
    minutes: int
    hard_minutes: int | None = None
    started_at: float
    taken: int = 0
    """Turns started so far: ``order[taken - 1]`` speaks (or spoke last)."""
    ended_at: float | None = None

    @property
    def to_come(self) -> tuple[str, ...]:
        return self.order[self.taken :]


class TalkRequest(Struct, frozen=True, kw_only=True):
    """ "I'd like to talk with a counselor after group" (facilitators and the asker only)."""

    number: int
    participant: str
    name: str
    at: float
    note: str = ""
    handled_at: float | None = None


class RosterMember(Struct, frozen=True, kw_only=True):
    """A member of the group's roster in this session (facilitators only)."""

    member: str
    name: str
    seat: str | None = None
    """The seat matched to the member, if any."""
    marked_at: float | None = None
    """When the facilitator marked them present without a terminal."""
    status: Literal["present", "absent", "excused"] | None = None
    """The facilitator's correction, if any: it wins over what the terminals showed."""
    late_minutes: int = 0
    left_early_minutes: int = 0
    missed: int = 0
    """The group's sessions in a row they missed just before this one."""


class SessionState(Struct, frozen=True, kw_only=True):
    session_id: str = ""
    title: str = ""
    template: str = ""
    code: str = ""
    record_shares: bool = False
    status: SessionStatus = "new"
    agenda: tuple[ItemState, ...] = ()
    current: int | None = None
    participants: tuple[Participant, ...] = ()
    shares: tuple[Share, ...] = ()
    created_at: float | None = None
    started_at: float | None = None
    ended_at: float | None = None
    exercises: tuple[ExerciseRun, ...] = ()
    checkins: tuple[Checkin, ...] = ()
    hands: tuple[str, ...] = ()
    """Seats with a raised hand, first raised first (a participant knows only their own)."""
    turns: tuple[Turn, ...] = ()
    """Everyone who had the floor, in order; the last one speaks if it has not ended."""
    rounds: tuple[Round, ...] = ()
    """Go-arounds (facilitators only)."""
    requests: tuple[TalkRequest, ...] = ()
    """Private requests to talk after group (facilitators, and each asker their own)."""
    facilitators: tuple[str, ...] = ()
    """Accounts that may run the session, owner first (only facilitators see this)."""
    locked: bool = False
    """No new people may join with the room code."""
    head_count: int = 0
    """Participants here now, as the hub announces it to every seat (``HeadCount``)."""
    shown_order: tuple[int, ...] = ()
    """Share numbers in the order they were last shown to the room (``shares`` keeps them by
    number, which is the order they were written)."""
    group: str = ""
    """The recurring group this session is a meeting of (facilitators only)."""
    group_name: str = ""
    flag_after: int = 2
    """A member who missed this many of the group's sessions in a row is flagged."""
    roster: tuple[RosterMember, ...] = ()
    """The group's members, matched to seats as people arrive (facilitators only)."""

    def member(self, member_id: str) -> RosterMember | None:
        return next((m for m in self.roster if m.member == member_id), None)

    def member_at(self, seat: str) -> RosterMember | None:
        """The roster member a seat was matched to, if any."""
        return next((m for m in self.roster if m.seat == seat), None)

    @property
    def flagged(self) -> tuple[RosterMember, ...]:
        """Members who missed ``flag_after`` or more sessions in a row before this one."""
        return tuple(m for m in self.roster if m.missed >= self.flag_after)

    @property
    def exercise(self) -> ExerciseRun | None:
        """The exercise the room is doing now, if any."""
        last = self.exercises[-1] if self.exercises else None
        return last if last is not None and last.active else None

    @property
    def open_checkin(self) -> Checkin | None:
        last = self.checkins[-1] if self.checkins else None
        return last if last is not None and last.open else None

    def checkin(self, number: int) -> Checkin | None:
        return next((c for c in self.checkins if c.number == number), None)

    def checkin_after(self, run: int) -> Checkin | None:
        """The check-in that followed room exercise ``run``, if one was asked."""
        return next((c for c in self.checkins if c.run == run), None)

    @property
    def speaker(self) -> Turn | None:
        """Who has the floor now, if anyone."""
        last = self.turns[-1] if self.turns else None
        return last if last is not None and last.ended_at is None else None

    @property
    def round(self) -> Round | None:
        """The go-around going on now (facilitators only know its order)."""
        last = self.rounds[-1] if self.rounds else None
        return last if last is not None and last.ended_at is None else None

    def request(self, number: int) -> TalkRequest | None:
        return next((r for r in self.requests if r.number == number), None)

    @property
    def open_requests(self) -> tuple[TalkRequest, ...]:
        return tuple(r for r in self.requests if r.handled_at is None)

    def here(self, seat: str) -> bool:
        """A participant's seat whose person is in the room now."""
        person = self.participant(seat)
        return person is not None and person.online and not person.removed and not person.board

    def run(self, number: int) -> ExerciseRun | None:
        return next((r for r in self.exercises if r.run == number), None)

    @property
    def current_item(self) -> ItemState | None:
        return None if self.current is None else self.agenda[self.current]

    def next_index(self) -> int | None:
        """The first item after the current one that is still planned."""
        start = -1 if self.current is None else self.current
        for index in range(start + 1, len(self.agenda)):
            if self.agenda[index].status == "pending":
                return index
        return None

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)

    def share(self, share_id: int) -> Share | None:
        return next((s for s in self.shares if s.id == share_id), None)

    @property
    def present(self) -> int:
        """Participants here now: every role knows this number, only facilitators the names."""
        return self.head_count

    @property
    def people(self) -> tuple[Participant, ...]:
        """The participants' seats (boards left out), as only facilitators receive them."""
        return tuple(p for p in self.participants if not p.board)

    def count_present(self) -> int:
        """Recount from the seats (the hub's view): what the next ``HeadCount`` says."""
        return sum(1 for p in self.people if p.online and not p.removed)

    def shares_with(self, *statuses: ShareStatus) -> list[Share]:
        return [s for s in self.shares if s.status in statuses]

    def duration(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.ended_at or self.started_at) - self.started_at
