"""The replay's timeline: a scrub bar over the session's events, and each event in plain words."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from shared.events import (
    AgendaMoved,
    AnyEvent,
    CheckinClosed,
    CheckinOpened,
    ExercisePaused,
    ExerciseResumed,
    ExerciseSkipped,
    ExerciseStarted,
    ExerciseStopped,
    FacilitatorNotes,
    FeelingsSummary,
    HandRaised,
    HeadCount,
    ItemAdded,
    ItemExtended,
    ItemMoved,
    ItemRemoved,
    ItemSkipped,
    MinutesSet,
    ParticipantJoined,
    PresenceChanged,
    RequestHandled,
    RoundEnded,
    RoundReordered,
    RoundStarted,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
    SpeakerCalled,
    SpeakerDone,
    TalkRequested,
)
from shared.state import SessionState
from shared.words import median_words, plural


def _item(state: SessionState, index: int) -> str:
    if 0 <= index < len(state.agenda):
        return f"item {index + 1}, {state.agenda[index].title}"
    return f"item {index + 1}"


def _name(state: SessionState, participant: str) -> str:
    known = state.participant(participant)
    return known.name if known is not None else "A participant"


def describe(event: AnyEvent, state: SessionState) -> str:
    """What happened, for a person; ``state`` is the state just after the event.

    Share events never quote the text: the sections below the timeline show it, and only when
    the session recorded it.
    """
    match event:
        case SessionCreated():
            return f"Session created from the {event.template} agenda"
        case FacilitatorNotes():
            return "Facilitator notes attached to the agenda"
        case ParticipantJoined():
            return f"{event.name} joined"
        case PresenceChanged():
            name = _name(state, event.participant)
            return f"{name} came back" if event.online else f"{name} went offline"
        case SessionStarted():
            return "Session started"
        case AgendaMoved():
            if event.index is None:
                return "Agenda finished"
            return f"Began {_item(state, event.index)}"
        case ItemExtended():
            return f"Extended {_item(state, event.index)} by {event.minutes} min"
        case ItemSkipped():
            return f"Skipped {_item(state, event.index)}"
        case ItemAdded():
            return f"Added {_item(state, event.index)} to the agenda"
        case ItemRemoved():
            return f"Took item {event.index + 1} off the agenda"
        case ItemMoved():
            return f"Moved {_item(state, event.to)} from place {event.index + 1}"
        case MinutesSet():
            return f"Planned {_item(state, event.index)} for {event.minutes} min"
        case SessionEnded():
            return "Session ended"
        case ShareSubmitted():
            return "An anonymous share arrived"
        case ShareShown():
            return f"Share {event.share} shown to the room"
        case ShareSetAside():
            return f"Share {event.share} set aside"
        case ShareDiscussed():
            return f"Share {event.share} marked as discussed"
        case ExerciseStarted():
            return f"Began the exercise {event.exercise.title}"
        case ExercisePaused():
            return "Paused the exercise"
        case ExerciseResumed():
            return "Resumed the exercise"
        case ExerciseSkipped():
            return "Moved the exercise on a step"
        case ExerciseStopped():
            return "Stopped the exercise"
        case FeelingsSummary():
            if event.counts is None:
                return f"How do you feel now? {event.answered} answered, too few to show"
            return f"How do you feel now? {event.answered} answered"
        case CheckinOpened():
            return f"Check-in asked: {event.question.prompt}"
        case CheckinClosed():
            if event.counts is None:
                return f"Check-in closed: {event.answered} answered, too few to show"
            closed = state.checkin(event.checkin)
            middle = median_words(closed.median if closed is not None else None)
            return f"Check-in closed: {event.answered} answered" + (f", {middle}" if middle else "")
        case HeadCount():
            return f"{event.present} here"
        case HandRaised():
            name = _name(state, event.participant)
            return f"{name} raised a hand" if event.raised else f"{name}'s hand went down"
        case SpeakerCalled():
            if event.turn is not None:
                return f"{event.name} had the floor (turn {event.turn} of {event.of})"
            return f"{event.name} had the floor"
        case SpeakerDone():
            return "The speaker finished"
        case RoundStarted():
            return f"A go-around began ({plural(len(event.order), 'person', 'people')})"
        case RoundReordered():
            return "The go-around's order changed"
        case RoundEnded():
            return "The go-around ended"
        case TalkRequested():
            return f"{event.name} asked to talk with a counselor after group"
        case RequestHandled():
            return f"{_name(state, event.participant)}'s request to talk was handled"
        case _:
            tag = str(type(event).__struct_config__.tag)
            return tag.replace(".", " ").replace("_", " ").capitalize()


class TimelineBar(Widget):
    """Where the replay is among the session's events; click or drag on it to scrub.

    The bar only reports where the pointer asks to go (``Scrubbed``); the screen owns the
    position and calls ``show``.
    """

    DEFAULT_CSS = """
    TimelineBar { height: 1; padding: 0 1; }
    """

    class Scrubbed(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.position = 0
        self.total = 0

    def show(self, position: int, total: int) -> None:
        self.position, self.total = position, total
        self.refresh()

    def render(self) -> Content:
        width = max(self.content_region.width, 2)
        if self.total == 0:
            return Content.styled("─" * width, "$text-muted")
        mark = round(self.position / self.total * (width - 1))
        return Content.assemble(
            ("━" * mark, "$primary"),
            ("●", "bold $accent"),
            ("─" * (width - mark - 1), "$text-muted"),
        )

    def _scrub_to(self, x: int) -> None:
        width = self.content_region.width
        if self.total == 0 or width < 2:
            return
        column = min(max(x - self.styles.padding.left, 0), width - 1)
        self.post_message(self.Scrubbed(round(column / (width - 1) * self.total)))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.capture_mouse()
        self._scrub_to(event.x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.app.mouse_captured is self:
            self._scrub_to(event.x)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self.release_mouse()
