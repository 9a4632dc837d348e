"""The running exercise as the facilitator sees it, and afterwards how the room feels.

Nothing here is sent by the hub second by second: the panel computes where the room is from the
run in the state and the hub's clock (``ExerciseRun.position``), like every participant terminal
does, so all screens agree without a tick on the wire. Once the exercise has finished, the
facilitator asks "How do you feel now?" (a check-in for that run, key f); the panel then shows
how many have answered, and after the check-in closes only what the hub published: a count per
answer, or that there were not enough answers to show.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from client.widgets.agenda import fmt_clock
from client.widgets.checkin_panel import answered_words, checkin_result
from shared.exercises import Position, pacer_size, timed_steps, total_seconds
from shared.questions import FEELING
from shared.state import Checkin, ExerciseRun, SessionState

Mode = Literal["none", "running", "paused", "finished", "ended", "collecting", "summary"]
QUESTION = FEELING.prompt
ASK = "Press f to ask how the room feels (anonymous; you see only totals)."
BAR_WIDTH = 30
OVERALL_WORDS = len("Overall  100% · 00:00 left")
"""The cells of the overall line besides its bar: a narrow panel draws shorter bars."""


def last_run(state: SessionState) -> ExerciseRun | None:
    return state.exercises[-1] if state.exercises else None


def feeling_for(state: SessionState, run: ExerciseRun) -> Checkin | None:
    """The "How do you feel now?" check-in asked after ``run``, if any."""
    return state.checkin_after(run.run)


def exercise_mode(state: SessionState, now: float) -> Mode:
    """Which part of an exercise's life the console is in; decides the panel and the keys."""
    run = last_run(state)
    if run is None:
        return "none"
    feeling = feeling_for(state, run)
    if run.active:
        if run.paused_at is not None:
            return "paused"
        return "finished" if run.position(now).finished else "running"
    if feeling is not None:
        return "collecting" if feeling.open else "summary"
    return "none" if state.status == "ended" else "ended"


def bar(fraction: float, width: int) -> str:
    """A plain block bar: the same on every terminal and in a snapshot."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def step_words(run: ExerciseRun, position: Position, width: int = BAR_WIDTH) -> list[Content]:
    """The cue or step text the room sees now, and how long it lasts."""
    exercise = run.exercise
    left = f"{math.ceil(position.seconds_left)} s left"
    if exercise.breathing is not None:
        phase = exercise.breathing.phases[position.index]
        cycles = exercise.breathing.cycles
        return [
            Content.from_markup("[b $accent]$cue", cue=phase.label),
            Content(f"{left} · breath {position.cycle} of {cycles}"),
            Content.from_markup(
                "[$text-muted]Breath  [/][$primary]$bar", bar=bar(pacer_size(position), width)
            ),
        ]
    steps = exercise.steps or ()
    order = [index for index, _, _ in timed_steps(exercise)]
    number = order.index(position.index) + 1 if position.index in order else 1
    return [
        Content(f"Step {number} of {len(order)}"),
        Content.from_markup("[b $accent]$prompt", prompt=steps[position.index].prompt),
        Content(f"{left} in this step"),
    ]


def overall(run: ExerciseRun, position: Position, now: float, width: int = BAR_WIDTH) -> Content:
    remaining = max(0.0, total_seconds(run.exercise) - run.elapsed(now))
    return Content.from_markup(
        "[$text-muted]Overall [/][$primary]$bar[/] $percent% · $left left",
        bar=bar(position.progress, width),
        percent=str(int(position.progress * 100)),
        left=fmt_clock(math.ceil(remaining)),
    )


class ExercisePanel(Vertical):
    """Shown while an exercise runs and until the room's answers are in; hidden otherwise."""

    DEFAULT_CSS = """
    ExercisePanel { height: auto; display: none; }
    ExercisePanel.-shown { display: block; }
    ExercisePanel #exercise-body { height: auto; }
    """

    class Changed(Message):
        """The exercise moved to another part of its life (paused, finished, stopped …), so
        the keys that apply have changed."""

        def __init__(self, mode: Mode) -> None:
            super().__init__()
            self.mode = mode

    def __init__(
        self,
        now: Callable[[], float],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._now = now
        self._state = SessionState()
        self._answering: Mapping[int, int] = {}
        self.mode: Mode = "none"

    def compose(self) -> ComposeResult:
        yield Static("", id="exercise-title", classes="panel-title")
        yield Static("", id="exercise-body")

    def on_mount(self) -> None:
        self.set_interval(0.25, self.tick)

    def show(self, state: SessionState, answering: Mapping[int, int] | None = None) -> None:
        """``answering``: how many answered each open question so far, as the hub tells it."""
        self._state = state
        if answering is not None:
            self._answering = answering
        self.tick()

    def _so_far(self, state: SessionState, run: ExerciseRun) -> list[Content]:
        """How many answered the feeling check-in so far, once it is asked; else how to ask."""
        feeling = feeling_for(state, run)
        if feeling is None:
            return [Content(ASK)]
        return [
            answered_words(self._answering.get(feeling.number, 0)),
            Content.from_markup(
                "[$text-muted]Press c to close the question and see how the room feels."
            ),
        ]

    @property
    def bar_width(self) -> int:
        """``BAR_WIDTH``, or less where the overall line would not fit on one row."""
        width = self.query_one("#exercise-body").content_size.width
        return BAR_WIDTH if not width else max(10, min(BAR_WIDTH, width - OVERALL_WORDS))

    def on_resize(self) -> None:
        self.tick()

    def tick(self) -> None:
        """Redraw from the state and the hub's clock (about four times a second)."""
        now = self._now()
        state = self._state
        mode = exercise_mode(state, now)
        run = last_run(state)
        self.set_class(mode != "none", "-shown")
        self.set_class(mode == "paused", "-paused")
        if run is not None:
            title, body = self._words(mode, state, run, now)
            self.query_one("#exercise-title", Static).update(title)
            self.query_one("#exercise-body", Static).update(Content("\n").join(body))
        if mode != self.mode:
            self.mode = mode
            self.post_message(self.Changed(mode))

    def _words(
        self, mode: Mode, state: SessionState, run: ExerciseRun, now: float
    ) -> tuple[Content, list[Content]]:
        name = run.exercise.title
        position = run.position(now)
        match mode:
            case "running":
                return Content(name), [
                    *step_words(run, position, self.bar_width),
                    overall(run, position, now, self.bar_width),
                ]
            case "paused":
                note = Content.from_markup(
                    "[b $warning]Paused[/] — everyone is holding here. Press p to carry on."
                )
                return (
                    Content(f"{name} · Paused"),
                    [
                        note,
                        *step_words(run, position, self.bar_width),
                        overall(run, position, now, self.bar_width),
                    ],
                )
            case "finished":
                return Content(f"{name} · Finished"), [
                    Content.from_markup(
                        "[b $success]Finished.[/] Well done, everyone. Press o to end it."
                    ),
                    *self._so_far(state, run),
                ]
            case "ended":
                return Content(f"{name} · ended"), [Content(ASK)]
            case "collecting":
                return Content(f"{QUESTION} · {name}"), self._so_far(state, run)
            case _:
                return Content(f"{QUESTION} · {name}"), self._summary(state, run)

    def _summary(self, state: SessionState, run: ExerciseRun) -> list[Content]:
        feeling = feeling_for(state, run)
        return [] if feeling is None else checkin_result(feeling)
