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
from shared.state import Checkin, ExerciseRun, SessionState

__all__ = [
    "FEW_PEOPLE",
    "CheckinAsk",
    "CheckinStatus",
    "Draft",
    "Following",
    "Moment",
    "View",
    "answered_words",
    "draft",
    "few_people",
    "floor_words",
    "hand_words",
    "hello_fits",
    "moment",
    "request_words",
    "shown_shares",
]

FEW_PEOPLE = 3
"""With fewer participants here than this, the share box says that others might guess who
wrote a share (the hub announces the head count; nothing here counts seats)."""

View = Literal["join", "session", "exercise", "checkin", "ended"]
"""The one view the participant's main screen shows."""

CheckinStatus = Literal["asking", "sending", "answered", "problem"]


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
class CheckinAsk:
    """Where this terminal is with one check-in question. Kept here only: the hub counts an
    answer without knowing which terminal gave it, so only this screen knows what it chose."""

    checkin: int
    status: CheckinStatus = "asking"
    answer: int | None = None
    """The answer the hub took last from this terminal (it may be changed while open)."""
    sending: int | None = None
    """The answer on its way, until the hub's Ack or Error."""
    words: str = ""
    """The hub's words when it could not take the answer."""
    command: str | None = None
    """The id of the AnswerCheckin sent, to match its Ack or Error."""

    @property
    def answering(self) -> bool:
        """The question takes an answer now (nothing on its way)."""
        return self.status != "sending"

    def sent(self, value: int, command: str) -> None:
        self.status, self.sending, self.command, self.words = "sending", value, command, ""

    def taken(self) -> None:
        """The hub acknowledged the answer on its way."""
        self.status, self.answer, self.sending, self.command = "answered", self.sending, None, None

    def refused(self, words: str) -> None:
        self.status, self.words, self.sending, self.command = "problem", words, None, None


# -- who speaks, and a private request -------------------------------------------------------


def answered_words(count: int) -> str:
    """How many have answered an open check-in (all anyone learns before it closes)."""
    if count == 0:
        return "Nobody has answered yet."
    return "1 person has answered." if count == 1 else f"{count} people have answered."


def hand_words(state: SessionState, seat: str | None) -> str:
    """This seat's raised hand, in words ("" when it is not up)."""
    if seat is not None and seat in state.hands:
        return "Your hand is up (you are in the queue)."
    return ""


def floor_words(state: SessionState, seat: str | None) -> str:
    """Who has the floor, said to this seat: "You have the floor", or the speaker's name, with
    the round's turn number ("" when nobody speaks)."""
    turn = state.speaker
    if turn is None:
        return ""
    who = "You have the floor" if turn.participant == seat else f"{turn.name} is speaking"
    if turn.turn is not None and turn.of is not None:
        return f"{who} · Turn {turn.turn} of {turn.of}"
    return who


def request_words(state: SessionState) -> str:
    """What became of this participant's last private request ("" if they made none).

    A participant's state holds only their own requests (the hub sends each to its asker and the
    facilitators only)."""
    if not state.requests:
        return ""
    last = state.requests[-1]
    if last.handled_at is not None:
        return "A counselor has seen your request."
    return "Sent. A counselor will find you after group."


@dataclass
class Following:
    """This terminal's own part in following the room; the room's part is the ``SessionState``.

    Everything here stays on this terminal: stepping out of an exercise or putting a question
    away sends nothing and nobody is told.
    """

    joined: bool = False
    """The hub has let us in (and has not turned a later link away)."""
    seat: str | None = None
    """Our seat, from the hub's ``Welcome``."""
    followed: set[int] = field(default_factory=set)
    """Runs this terminal saw running: only those keep the exercise view up once over."""
    left: set[int] = field(default_factory=set)
    """Runs the participant stepped out of (quietly)."""
    dismissed: set[int] = field(default_factory=set)
    """Runs put away once over (back to the session)."""
    asks: dict[int, CheckinAsk] = field(default_factory=dict)
    """Check-ins this terminal saw open, by number: only those come up on screen."""
    put_away_checkins: set[int] = field(default_factory=set)
    """Check-ins sent back behind the session (they can be brought back while open)."""
    hand_explained: bool = False
    """The participant has read, and agreed to, what raising a hand shows (their name)."""
    passed: int | None = None
    """The round turn this participant passed, to tell them so (this screen only)."""

    def join(self, seat: str | None) -> None:
        """The hub let us in; ``seat`` is ``Welcome.participant``."""
        self.joined, self.seat = True, seat

    def part(self) -> None:
        """The hub turned a link away: back to the join view, the rest kept for a new try."""
        self.joined = False

    def view(self, state: SessionState, now: float) -> View:
        if state.status == "ended":
            return "ended"
        if not self.joined:
            return "join"
        run = self.room_run(state)
        shown = self.checkin(state)
        if run is not None and (in_progress(run, now) or shown is None or shown.run == run.run):
            return "exercise"  # the run, its "Done" words, or the question about it
        return "checkin" if shown is not None else "session"

    def share_open(self, state: SessionState, now: float) -> bool:
        """Whether the hub would take a share from this seat now (the text aside)."""
        if not self.joined:
            return False
        probe = SubmitShare(id="probe", text="probe")
        return allowed(state, probe, Actor(role="participant", seat=self.seat), now)

    def note(self, state: SessionState, now: float) -> ExerciseRun | None:
        """Remember the room's run if this terminal sees it running; return it the first time.

        A run that was over before this terminal saw it is not followed: nothing to follow.
        Also remembers an open check-in, so its question comes up."""
        self.note_checkin(state)
        live = state.exercise
        if live is None or not self.joined or live.run in self.followed:
            return None
        if not in_progress(live, now):
            return None
        self.followed.add(live.run)
        return live

    def note_checkin(self, state: SessionState) -> CheckinAsk | None:
        """Remember the open check-in the first time this terminal sees it; return it then."""
        open_now = state.open_checkin
        if open_now is None or not self.joined or open_now.number in self.asks:
            return None
        ask = self.asks[open_now.number] = CheckinAsk(open_now.number)
        return ask

    def room_run(self, state: SessionState) -> ExerciseRun | None:
        """The room's run this terminal shows: running, or over until put away."""
        if not self.joined or not state.exercises:
            return None
        run = state.exercises[-1]
        if run.run not in self.followed or run.run in self.left | self.dismissed:
            return None
        return run

    def checkin(self, state: SessionState) -> Checkin | None:
        """The check-in this terminal shows: the latest, if it was seen open and not put away
        (after it closes, its published answers stay until put away)."""
        if not self.joined or not state.checkins:
            return None
        last = state.checkins[-1]
        if last.number not in self.asks or last.number in self.put_away_checkins:
            return None
        return last

    def ask(self, state: SessionState) -> CheckinAsk | None:
        """Where this terminal is with the check-in it shows."""
        shown = self.checkin(state)
        return None if shown is None else self.asks.get(shown.number)

    def waiting_checkin(self, state: SessionState) -> Checkin | None:
        """The open check-in, when it was put away: it can be brought back."""
        open_now = state.open_checkin
        if open_now is None or not self.joined or open_now.number not in self.put_away_checkins:
            return None
        return open_now

    def back_to_checkin(self, state: SessionState) -> None:
        waiting = self.waiting_checkin(state)
        if waiting is not None:
            self.put_away_checkins.discard(waiting.number)
            self.dismissed.discard(waiting.run or 0)

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
        """Back to the session: the run that is over and the check-in shown go behind it."""
        run = self.room_run(state)
        if run is not None:
            self.dismissed.add(run.run)
        shown = self.checkin(state)
        if shown is not None:
            self.put_away_checkins.add(shown.number)

    def ask_for(self, command: str | None) -> CheckinAsk | None:
        """The check-in an AnswerCheckin with this id answered (to match its Ack or Error)."""
        if command is None:
            return None
        return next((a for a in self.asks.values() if a.command == command), None)

    # -- the floor -----------------------------------------------------------------------------

    def hand_up(self, state: SessionState) -> bool:
        return self.seat is not None and self.seat in state.hands

    def my_turn(self, state: SessionState) -> bool:
        """This seat has the floor now."""
        speaker = state.speaker
        return speaker is not None and speaker.participant == self.seat

    def can_pass(self, state: SessionState) -> bool:
        """It is this seat's turn in a round (a called hand cannot be passed)."""
        speaker = state.speaker
        return self.my_turn(state) and speaker is not None and speaker.turn is not None

    def passed_words(self, state: SessionState) -> str:
        """Said to this seat only after it passed, while the round goes on."""
        speaker = state.speaker
        if self.passed is None or speaker is None or speaker.turn is None:
            return ""
        return "You passed your turn. Only the facilitator knows; the room saw the next turn."

    def request_open(self, state: SessionState) -> bool:
        """This participant has a request not yet handled (a second one would be refused)."""
        return any(r.handled_at is None for r in state.requests)
