"""Larger text for the room's exercise: the step's countdown in the board's block digits.

Shown only with larger text (F3, ``--large-text``), above the exercise: the words of the step in
bold and the seconds left in ``Digits``, as the room board draws its clock. It reads the same run
and the same clock as the exercise view (``client.following.moment``), so they never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from client.following import moment
from client.widgets.agenda import fmt_clock
from client.widgets.exercise_view import DONE_WORDS, PAUSED_WORDS, STOPPED_WORDS, cue_words
from shared.state import ExerciseRun

__all__ = ["StepDigits"]


class StepDigits(Vertical):
    """What to do now and the seconds left in it, large; redrawn four times a second.

    Shown by ``participant.tcss`` with larger text while a run is followed (``-running``)."""

    DEFAULT_CSS = """
    StepDigits { height: auto; padding: 0 2; display: none; }
    StepDigits #big-cue { text-style: bold; color: $primary; }
    StepDigits #big-left { width: auto; text-style: bold; }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._run: ExerciseRun | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="big-cue")
        yield Digits("", id="big-left")

    def on_mount(self) -> None:
        self.set_interval(0.25, self.tick)

    def show_run(self, run: ExerciseRun | None) -> None:
        self._run = run
        self.tick()

    def tick(self) -> None:
        run = self._run
        self.set_class(run is not None, "-running")
        if run is None or not self.is_mounted:
            return
        now = moment(run, self._clock())
        position = now.position
        if now.over:
            cue, digits = DONE_WORDS if position.finished else STOPPED_WORDS, ""
        else:
            cue = cue_words(run.exercise, position)
            if now.paused:
                cue = f"{PAUSED_WORDS}: {cue}"
            seconds = math.ceil(position.seconds_left - 1e-9)
            digits = fmt_clock(seconds) if seconds >= 60 else str(seconds)
        self.query_one("#big-cue", Static).update(Text(cue))
        clock = self.query_one("#big-left", Digits)
        if clock.value != digits:
            clock.update(digits)
        clock.display = bool(digits)
