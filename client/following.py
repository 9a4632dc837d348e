"""Following the room from one participant's seat: what the participant terminal shows, without
Textual.

What the terminal shows is a function of three things: the session state (``reduce`` over what
the hub sent), the hub's time, and what this terminal did on its own (it joined, stepped out of
an exercise, put a question away; none of that is ever sent). This module answers from those
three, so the screens only draw its answers and it can be tested without a terminal.

It asks the rule core rather than copying it: whether sharing is open is ``shared.decide.allowed``,
whether a share can be sent is ``shared.decide.share_text``, whether a handshake would get
through the hub's decoder is the hub's own decoder, and every change to an exercise run is
``shared.exercise_run``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import msgspec

from shared.codec import decode_client, encode
from shared.commands import MAX_SHARE_CHARS, Hello, SubmitShare
from shared.decide import allowed, share_text
from shared.decision import Actor
from shared.events import Error
from shared.exercise_run import in_progress
from shared.exercises import Position, pacer_size
from shared.state import ExerciseRun, SessionState

__all__ = [
    "FEW_PEOPLE",
    "Draft",
    "FeelingAsk",
    "FeelingStatus",
    "Following",
    "Moment",
    "View",
    "draft",
    "few_people",
    "hello_fits",
    "moment",
    "shown_shares",
]

FEW_PEOPLE = 3
"""With fewer participants here than this, the share box says that others might guess who
wrote a share (the hub announces the head count; nothing here counts seats)."""

View = Literal["join", "session", "exercise", "ended"]
"""The one view the participant's main screen shows."""

FeelingStatus = Literal["asking", "sending", "thanked", "problem"]


# -- the session -------------------------------------------------------------------------------


def shown_shares(state: SessionState) -> list[str]:
    """The shares the room has seen, in order; pending or set-aside ones never appear."""
    return [s.text for s in state.shares_with("shown", "discussed") if s.public]


def few_people(state: SessionState) -> bool:
    """Whether so few are here that anonymity may not hold (``SessionState.present``)."""
    return state.present < FEW_PEOPLE


@dataclass(frozen=True, slots=True)
class Draft:
    """A share as typed, as the hub would take it."""

    length: int
    """Characters as the hub counts them (spaces at the ends left out); 0 when the text is
    nothing to send."""
    problem: Literal["empty", "too_long"] | None = None

    @property
    def sendable(self) -> bool:
        return self.problem is None


def draft(text: str) -> Draft:
    """What the hub would make of ``text`` (``shared.decide.share_text``), for the counter and
    the send key: blank or invisible characters alone (a zero-width space) are nothing to send."""
    kept = share_text(text)
    if not isinstance(kept, Error):
        return Draft(len(kept))
    # Refused. Too long if its first MAX_SHARE_CHARS characters alone would be taken; anything
    # else the core refuses is nothing to send (blank, or only invisible characters).
    trimmed = text.strip()
    cut = share_text(trimmed[:MAX_SHARE_CHARS])
    if len(trimmed) > MAX_SHARE_CHARS and not isinstance(cut, Error):
        return Draft(len(trimmed), "too_long")
    return Draft(0, "empty")


def hello_fits(hello: Hello) -> bool:
    """Whether the hub's decoder takes this handshake (a room code too long for the protocol
    does not): the limits are the protocol's, checked by the same decoder the hub runs."""
    try:
        decode_client(encode(hello))
    except msgspec.MsgspecError:
        return False
    return True


# -- the room's exercise -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moment:
    """Where an exercise run is at one moment: what a guided view draws of it."""

    position: Position
    over: bool
    """Stopped, or its time is up: nothing left to follow."""
    paused: bool
    """Held still by a pause (never said of a run that is over)."""

    @property
    def fullness(self) -> float:
        """How full the breathing pacer is, 0..1 (empty once the run is over)."""
        return 0.0 if self.over else pacer_size(self.position)


def moment(run: ExerciseRun, now: float) -> Moment:
    """``run`` at ``now``: on the hub's clock in the room, the terminal's own practising alone."""
    over = not in_progress(run, now)
    return Moment(run.position(now), over, run.paused_at is not None and not over)


@dataclass
class FeelingAsk:
    """Where this terminal is with "How do you feel now?" for one room exercise run."""

    run: int
    status: FeelingStatus = "asking"
    words: str = ""
    """The hub's words when it could not take the answer."""
    command: str | None = None
    """The id of the RateFeeling sent, to match its Ack or Error."""

    @property
    def answering(self) -> bool:
        """The question takes an answer now (first try, or again after a problem)."""
        return self.status in ("asking", "problem")


@dataclass
class Following:
    """This terminal's own part in following the room; the room's part is the ``SessionState``.

    Everything here stays on this terminal: stepping out of an exercise or putting its question
    away sends nothing and nobody is told.
    """

    joined: bool = False
    """The hub has let us in (and has not turned a later link away)."""
    seat: str | None = None
    """Our seat, from the hub's ``Welcome``."""
    followed: set[int] = field(default_factory=set)
    """Runs this terminal saw running: only those ask "How do you feel now?"."""
    left: set[int] = field(default_factory=set)
    """Runs the participant stepped out of (quietly)."""
    dismissed: set[int] = field(default_factory=set)
    """Runs whose question was skipped, or answered and put away."""
    asks: dict[int, FeelingAsk] = field(default_factory=dict)

    def join(self, seat: str | None) -> None:
        """The hub let us in; ``seat`` is ``Welcome.participant``."""
        self.joined, self.seat = True, seat

    def part(self) -> None:
        """The hub turned a link away: back to the join view, the rest kept for a new try."""
        self.joined = False

    def view(self, state: SessionState) -> View:
        if state.status == "ended":
            return "ended"
        if not self.joined:
            return "join"
        return "exercise" if self.room_run(state) is not None else "session"

    def share_open(self, state: SessionState, now: float) -> bool:
        """Whether the hub would take a share from this seat now (the text aside)."""
        if not self.joined:
            return False
        probe = SubmitShare(id="probe", text="probe")
        return allowed(state, probe, Actor(role="participant", seat=self.seat), now)

    def note(self, state: SessionState, now: float) -> ExerciseRun | None:
        """Remember the room's run if this terminal sees it running; return it the first time.

        A run that was over before this terminal saw it is not followed: nothing to follow,
        nothing to ask about afterwards."""
        live = state.exercise
        if live is None or not self.joined or live.run in self.followed:
            return None
        if not in_progress(live, now):
            return None
        self.followed.add(live.run)
        self.asks[live.run] = FeelingAsk(live.run)
        return live

    def room_run(self, state: SessionState) -> ExerciseRun | None:
        """The room's run this terminal shows: running, or over with its question still open."""
        if not self.joined or not state.exercises:
            return None
        run = state.exercises[-1]
        if run.run not in self.followed or run.run in self.left | self.dismissed:
            return None
        return run

    def ask(self, state: SessionState) -> FeelingAsk | None:
        """The question about the run shown, if there is one."""
        run = self.room_run(state)
        return None if run is None else self.asks.get(run.run)

    def stepped_out(self, state: SessionState) -> ExerciseRun | None:
        """The room's running exercise, when this terminal stepped out of it."""
        live = state.exercise
        return live if live is not None and live.run in self.left else None

    def leave(self, state: SessionState) -> None:
        if state.exercise is not None:
            self.left.add(state.exercise.run)

    def rejoin(self, state: SessionState) -> None:
        if state.exercise is not None:
            self.left.discard(state.exercise.run)

    def put_away(self, state: SessionState) -> None:
        """The question was skipped, or answered and closed: back to the session."""
        run = self.room_run(state)
        if run is not None:
            self.dismissed.add(run.run)

    def ask_for(self, command: str | None) -> FeelingAsk | None:
        """The question a RateFeeling with this id answered (to match its Ack or Error)."""
        if command is None:
            return None
        return next((a for a in self.asks.values() if a.command == command), None)
