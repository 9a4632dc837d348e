"""What changed in the room, one line each, for someone who follows by reading line by line.

A screen reader or a braille display reads what is new at the end of the output and nothing
else, so each change is said once, as a sentence, and nothing is ever redrawn. The narrator
compares what a participant follows now (``client.following`` over the state ``reduce`` built,
at the hub's clock) with what it said last, and returns the lines for the difference. It keeps
no rule of its own and does no I/O: the plain terminal prints its lines, the tests read them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from client.following import Following, floor_words, hand_words, request_words, shown_shares
from shared.exercises import Exercise, Position
from shared.questions import Question
from shared.state import Checkin, ExerciseRun, SessionState
from shared.words import plural, scores

__all__ = [
    "DONE_WORDS",
    "ENDED_WORDS",
    "STOPPED_WORDS",
    "Narrator",
    "answer_how",
    "checkin_results",
    "milestone",
    "minutes_words",
]

ENDED_WORDS = "The session has ended. Thank you for being here."
DONE_WORDS = "The exercise is done. Take a moment to notice how you feel."
STOPPED_WORDS = "The exercise has stopped. Any practice counts, however short."
MILESTONES = (300, 60, 0)
"""Seconds left on an agenda item worth a line: 5 minutes, 1 minute, time is up."""


def minutes_words(seconds: float) -> str:
    """ "1 minute", "7 minutes", "less than a minute": time left as people say it."""
    whole = math.ceil(seconds / 60 - 1e-9)
    if seconds <= 0:
        return "no time"
    if seconds < 60:
        return "less than a minute"
    return plural(whole, "minute")


def milestone(remaining: float | None) -> int | None:
    """The last milestone ``remaining`` seconds has reached (None: none yet, or no clock)."""
    if remaining is None:
        return None
    reached = [m for m in MILESTONES if remaining <= m]
    return reached[-1] if reached else None


def answer_how(question: Question) -> str:
    """How to answer a check-in by typing: the numbers, and what the ends mean."""
    if question.labels:
        options = " or ".join(f"{v} for {question.label(v)}" for v in question.values)
        return f"Type {options}, then press Enter."
    low = f"{question.low} ({question.low_words})" if question.low_words else str(question.low)
    high = f"{question.high} ({question.high_words})" if question.high_words else str(question.high)
    return f"Type a number from {low} to {high}, then press Enter."


def checkin_results(checkin: Checkin) -> str:
    """A closed check-in's published answers, or why there are none to show."""
    answered = checkin.answered or 0
    head = f"The check-in has closed. {plural(answered, 'person', 'people')} answered."
    if checkin.counts is None:
        return f"{head} Too few answered for the answers to be shown, so nobody can be singled out."
    question = checkin.question
    names = [question.label(v) for v in question.values]
    return f"{head} Answers: {scores(checkin.counts, names)}."


def _step_line(exercise: Exercise, position: Position) -> str:
    """One step or breath phase, as a line: what to do and for how long."""
    seconds = math.ceil(position.seconds_left - 1e-9)
    if exercise.breathing is not None:
        phase = exercise.breathing.phases[position.index]
        cue = f"{phase.label}, {seconds} seconds."
        if position.index == 0:
            return f"Breath {position.cycle} of {exercise.breathing.cycles}: {cue}"
        return cue
    steps = exercise.steps or ()
    counted = [i for i, step in enumerate(steps) if not step.optional]
    number = counted.index(position.index) + 1 if position.index in counted else 1
    step = steps[position.index]
    return f"Step {number} of {len(counted)}: {step.prompt} ({seconds} seconds)"


@dataclass
class _Said:
    """What the narrator said last about each part of the room."""

    status: str = ""
    item: tuple[int, float] | None = None
    planned: int = 0
    milestone: int | None = None
    to_come: tuple[tuple[str, int], ...] = ()
    shown: tuple[str, ...] = ()
    floor: str = ""
    can_pass: bool = False
    hand: str = ""
    request: str = ""
    head_count: int = -1
    run: int | None = None
    step: tuple[int, int] | None = None
    paused: bool = False
    over: bool = False
    stepped_out: bool = False
    checkins_told: set[int] = field(default_factory=set)
    checkins_closed: set[int] = field(default_factory=set)


class Narrator:
    """Turns each new view of the room into the lines that say what changed.

    ``tell`` is called after every change and on a steady tick (for the timer's milestones and
    the exercise's steps). Its first call says where the room is; later calls only what is new.
    """

    def __init__(self, pass_key: str = "p", leave_key: str = "x") -> None:
        self._said = _Said()
        self._started = False
        self.pass_key = pass_key
        self.leave_key = leave_key

    def tell(self, state: SessionState, following: Following, now: float) -> list[str]:
        first, self._started = not self._started, True
        lines: list[str] = []
        self._status(state, first, lines)
        if state.status == "ended":
            return lines
        self._people(state, first, lines)
        self._agenda(state, now, first, lines)
        self._shares(state, first, lines)
        self._floor(state, following, lines)
        self._exercise(state, following, now, lines)
        self._checkin(state, following, lines)
        return lines

    # -- the session and its agenda --------------------------------------------------------------

    def _status(self, state: SessionState, first: bool, lines: list[str]) -> None:
        said = self._said
        if state.status == said.status:
            return
        if first and state.title:
            lines.append(f"You are in the session {state.title}.")
        if state.status == "lobby":
            lines.append("The session has not started yet. You will hear when it starts.")
        elif state.status == "running" and not first:
            lines.append("The session has started.")
        elif state.status == "ended":
            lines.append(ENDED_WORDS)
        said.status = state.status

    def _people(self, state: SessionState, first: bool, lines: list[str]) -> None:
        said = self._said
        if state.head_count == said.head_count or (first and not state.head_count):
            return
        said.head_count = state.head_count
        count = state.head_count
        lines.append(f"{plural(count, 'person', 'people')} {'is' if count == 1 else 'are'} here.")

    def _agenda(self, state: SessionState, now: float, first: bool, lines: list[str]) -> None:
        said = self._said
        item = state.current_item
        key = (
            None
            if item is None or item.started_at is None
            else (state.current or 0, item.started_at)
        )
        start = 0 if state.current is None else state.current + 1
        to_come = tuple(
            (i.title, i.minutes + i.extra_minutes)
            for i in state.agenda[start:]
            if i.status == "pending"
        )
        remaining = None if item is None else item.remaining(now)
        reached = milestone(remaining)
        if item is not None and key != said.item:
            left = remaining if remaining is not None else item.planned_seconds
            if first or (remaining is not None and remaining < item.planned_seconds - 60):
                now_words = f"Now: {item.title}, {minutes_words(left)} left."
            else:
                now_words = f"Now: {item.title}, for {minutes_words(item.planned_seconds)}."
            lines.append(f"{now_words} {_to_come_words(to_come)}")
        elif item is not None and item.planned_seconds != said.planned:
            more = (item.planned_seconds - said.planned) // 60
            change = f"{plural(more, 'more minute')}" if more > 0 else "less time"
            lines.append(f"{item.title} has {change}: {minutes_words(remaining or 0)} left.")
        elif item is not None and reached != said.milestone and reached is not None:
            if said.milestone is None or reached < said.milestone:
                if reached == 0:
                    lines.append(f"Time is up for {item.title}.")
                else:
                    lines.append(f"{minutes_words(reached).capitalize()} left for {item.title}.")
        if to_come != said.to_come and key == said.item and not first:
            lines.append(f"The agenda has changed. {_to_come_words(to_come)}")
        elif first and item is None and to_come:
            lines.append(_to_come_words(to_come, planned=True))
        said.item, said.to_come, said.milestone = key, to_come, reached
        said.planned = 0 if item is None else item.planned_seconds

    def _shares(self, state: SessionState, first: bool, lines: list[str]) -> None:
        said = self._said
        shown = tuple(shown_shares(state))
        if first and not shown:
            lines.append("Nothing has been shared with the room yet.")
        if shown == said.shown:
            return
        new = [text for text in shown if text not in said.shown]
        lines.extend(f"Shared with the room: “{text}”" for text in new)
        if len(shown) - len(new) < len(said.shown):
            lines.append("A share was taken off the room's screens.")
        said.shown = shown

    # -- the floor -------------------------------------------------------------------------------

    def _floor(self, state: SessionState, following: Following, lines: list[str]) -> None:
        said = self._said
        seat = following.seat
        floor = floor_words(state, seat)
        can_pass = following.can_pass(state)
        if floor != said.floor:
            if floor:
                lines.append(f"{floor}.")
            elif said.floor:
                lines.append("The turn has ended.")
        if can_pass and not said.can_pass:
            lines.append(
                f"It is your turn. You can speak, or type {self.pass_key} to pass. "
                "Only the facilitator will know you passed."
            )
        hand = hand_words(state, seat)
        if hand != said.hand and (hand or not following.my_turn(state)):
            lines.append(hand or "Your hand is down.")
        request = request_words(state)
        if request != said.request and request:
            lines.append(request)
        said.floor, said.can_pass, said.hand, said.request = floor, can_pass, hand, request

    # -- the room's exercise ---------------------------------------------------------------------

    def _exercise(
        self, state: SessionState, following: Following, now: float, lines: list[str]
    ) -> None:
        said = self._said
        started = following.note(state, now)
        if started is not None:
            exercise = started.exercise
            lines.append(
                f"The room is starting the exercise {exercise.title}: {exercise.purpose} "
                f"Everyone follows the same timer. Type {self.leave_key} and Enter to step out "
                "quietly; nobody is told."
            )
        out = following.stepped_out(state)
        if (out is not None) != said.stepped_out:
            said.stepped_out = out is not None
            if out is not None:
                lines.append(
                    f"You stepped out of {out.exercise.title}. "
                    f"Type {self.leave_key} to join in again whenever you like."
                )
            elif state.exercise is not None:
                lines.append(f"You are following {state.exercise.exercise.title} again.")
        run = following.room_run(state) if out is None else None
        if run is None:
            said.run, said.step = None, None
            return
        if run.run != said.run:
            said.run, said.step, said.paused, said.over = run.run, None, False, False
        self._run(run, now, lines)

    def _run(self, run: ExerciseRun, now: float, lines: list[str]) -> None:
        said = self._said
        if said.over:
            return
        position = run.position(now)
        paused = run.paused_at is not None
        if position.finished or run.stopped_at is not None:
            said.over = True
            lines.append(DONE_WORDS if position.finished else STOPPED_WORDS)
            return
        if paused != said.paused:
            said.paused = paused
            lines.append("The exercise is paused." if paused else "The exercise goes on.")
        step = (position.index, position.cycle)
        if step != said.step and not paused:
            said.step = step
            lines.append(_step_line(run.exercise, position))

    # -- check-ins -------------------------------------------------------------------------------

    def _checkin(self, state: SessionState, following: Following, lines: list[str]) -> None:
        said = self._said
        following.note_checkin(state)
        for checkin in state.checkins:
            if checkin.number not in following.asks:
                continue  # opened and closed before this terminal saw it
            if checkin.open and checkin.number not in said.checkins_told:
                said.checkins_told.add(checkin.number)
                lines.append(
                    f"Check-in: {checkin.question.prompt} {answer_how(checkin.question)} "
                    "Your answer is anonymous: nobody sees what you chose, not even the "
                    "facilitator."
                )
            if not checkin.open and checkin.number not in said.checkins_closed:
                said.checkins_closed.add(checkin.number)
                lines.append(checkin_results(checkin))


def _to_come_words(to_come: tuple[tuple[str, int], ...], *, planned: bool = False) -> str:
    if not to_come:
        return "Nothing else is planned after this."
    items = ", ".join(f"{title} ({plural(minutes, 'minute')})" for title, minutes in to_come)
    return f"{'Planned' if planned else 'Still to come'}: {items}."
