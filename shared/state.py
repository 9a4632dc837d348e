"""The state of one session as ``reduce`` builds it from the log.

Everything here is immutable; ``reduce`` returns a new state per event. Times are the hub's
clock in Unix seconds, so every terminal computes the same countdown.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

from shared.exercises import Exercise, Position, phase_at
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


class Feelings(Struct, frozen=True, kw_only=True):
    """The room's answers to "How do you feel now?" after one exercise run."""

    run: int
    answered: int
    counts: tuple[int, ...] | None = None
    """Answers per score 0-10; None when fewer than the minimum answered."""
    minimum: int = 3


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
    feelings: tuple[Feelings, ...] = ()
    facilitators: tuple[str, ...] = ()
    """Accounts that may run the session, owner first (only facilitators see this)."""
    locked: bool = False
    """No new people may join with the room code."""
    head_count: int = 0
    """Participants here now, as the hub announces it to every seat (``HeadCount``)."""
    shown_order: tuple[int, ...] = ()
    """Share numbers in the order they were last shown to the room (``shares`` keeps them by
    number, which is the order they were written)."""

    @property
    def exercise(self) -> ExerciseRun | None:
        """The exercise the room is doing now, if any."""
        last = self.exercises[-1] if self.exercises else None
        return last if last is not None and last.active else None

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
